package io.kuaxin.models.onnx;

import java.util.List;

/**
 * A graph input/output or value_info ({@code ValueInfoProto}) for tensor types. {@code elementType} is null and
 * {@code shape} empty when the type is not a tensor or not given; {@code shapeKnown} tells an unranked tensor from
 * a scalar.
 */
public record OnnxValueInfo(String name, OnnxDataType elementType, boolean shapeKnown, List<Dim> shape) {

    /** One dimension: a fixed size ({@code value >= 0}), a symbolic name ({@code param}), or unknown. */
    public record Dim(long value, String param) {
        public boolean isFixed() {
            return value >= 0;
        }

        @Override
        public String toString() {
            return value >= 0 ? Long.toString(value) : (param.isEmpty() ? "?" : param);
        }
    }

    @Override
    public String toString() {
        return name + ": " + elementType + (shapeKnown ? shape.toString() : "[unranked]");
    }
}
