package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.InvalidArgumentException;

import java.util.List;

/**
 * The catalog's entry point: output type inference and dtype rules for every {@link Op}. Front doors, the oracle,
 * backends ({@code unsupportedReason}) and the conformance suite all use these, so they cannot disagree.
 */
public final class OpSpecs {
    private OpSpecs() {}

    /**
     * Validates inputs and attributes and infers the (single) output.
     *
     * @throws InvalidArgumentException naming the offending argument and the fix
     */
    public static TensorType infer(Op op, OpAttributes attrs, List<TensorType> in) {
        return switch (op) {
            case MATMUL -> MatmulSpec.infer(in, cast(op, attrs, MatmulAttrs.class));
            case ATTENTION -> AttentionSpec.infer(in, cast(op, attrs, AttentionAttrs.class));
            case SOFTMAX -> NnSpecs.softmax(in, cast(op, attrs, AxisAttrs.class));
            case LAYER_NORM, RMS_NORM -> NnSpecs.norm(op, in, cast(op, attrs, NormAttrs.class));
            case ROPE -> NnSpecs.rope(in, cast(op, attrs, RopeAttrs.class));
            case ADD, SUB, MUL, DIV -> ElementwiseSpecs.binary(op, in);
            case SILU, GELU_TANH, GELU_ERF, RELU, EXP -> ElementwiseSpecs.unary(op, in);
            case CAST -> ElementwiseSpecs.cast(in, cast(op, attrs, CastAttrs.class));
            case COPY -> ElementwiseSpecs.copy(in);
            case SUM, MAX, MEAN, ARGMAX -> ReduceSpecs.reduce(op, in, cast(op, attrs, ReduceAttrs.class));
            case EMBEDDING -> ReduceSpecs.embedding(in);
        };
    }

    /**
     * Whether the op's dtype rules accept these input dtypes (in input order, optional inputs included).
     *
     * @return {@code null} if they do, else why not
     */
    public static String dtypeError(Op op, List<DType> dtypes) {
        return switch (op) {
            case MATMUL -> MatmulSpec.dtypeError(dtypes);
            case ATTENTION -> AttentionSpec.dtypeError(dtypes);
            case SOFTMAX, LAYER_NORM, RMS_NORM, ROPE -> NnSpecs.dtypeError(op, dtypes);
            case SUM, MAX, MEAN, ARGMAX, EMBEDDING -> ReduceSpecs.dtypeError(op, dtypes);
            default -> ElementwiseSpecs.dtypeError(op, dtypes);
        };
    }

    private static <T extends OpAttributes> T cast(Op op, OpAttributes a, Class<T> type) {
        if (!type.isInstance(a)) {
            throw new InvalidArgumentException(op.label() + ": attributes must be a " + type.getSimpleName()
                    + ", got " + (a == null ? "null" : a.getClass().getSimpleName()));
        }
        return type.cast(a);
    }
}
