package io.kuaxin.op;

import io.kuaxin.DType;

/**
 * Attributes of {@link Op#MATMUL}: {@code out = epilogue(alpha·op(A)·op(B) + beta·C + bias)}.
 * Inputs, in order: {@code a}, {@code b}, then {@code c} if {@link #hasC}, then {@code bias} if {@link #hasBias}.
 *
 * @param transA    use Aᵀ: {@code a} is {@code [..., K, M]}
 * @param transB    use Bᵀ: {@code b} is {@code [..., N, K]}
 * @param alpha     scale of the product (finite)
 * @param beta      scale of {@code c} (finite); only used when {@code hasC}
 * @param hasC      whether input {@code c} (broadcastable to the output) is given
 * @param hasBias   whether input {@code bias} ({@code [N]}) is given
 * @param epilogue  the fused activation
 * @param outDtype  the output dtype, resolved (never null)
 * @param allowReducedPrecisionReduction whether the backend may reduce partial sums in the output dtype (see
 *                  {@link io.kuaxin.Matmul#allowReducedPrecisionReduction()}); false keeps them in the accumulator
 */
public record MatmulAttrs(boolean transA, boolean transB, float alpha, float beta, boolean hasC, boolean hasBias,
                          Epilogue epilogue, DType outDtype, boolean allowReducedPrecisionReduction)
        implements OpAttributes {
    public MatmulAttrs {
        Attrs.finite("matmul", "alpha", alpha);
        Attrs.finite("matmul", "beta", beta);
        Attrs.nonNull("matmul", "epilogue", epilogue);
        Attrs.nonNull("matmul", "outDtype", outDtype);
    }

    /** With every reduction in the accumulator (the default). */
    public MatmulAttrs(boolean transA, boolean transB, float alpha, float beta, boolean hasC, boolean hasBias,
                       Epilogue epilogue, DType outDtype) {
        this(transA, transB, alpha, beta, hasC, hasBias, epilogue, outDtype, false);
    }

    /** Number of inputs the call carries. */
    public int inputCount() { return 2 + (hasC ? 1 : 0) + (hasBias ? 1 : 0); }

    /** Index of {@code c} among the inputs, or -1. */
    public int cIndex() { return hasC ? 2 : -1; }

    /** Index of {@code bias} among the inputs, or -1. */
    public int biasIndex() { return hasBias ? (hasC ? 3 : 2) : -1; }
}
