package io.kuaxin.op;

import io.kuaxin.DType;

/** Attributes of {@link Op#CAST}: the target dtype. Conversions follow {@link DType#setFromDouble}. */
public record CastAttrs(DType to) implements OpAttributes {
    public CastAttrs {
        Attrs.nonNull("cast", "to", to);
    }
}
