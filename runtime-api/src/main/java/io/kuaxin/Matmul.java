package io.kuaxin;

import io.kuaxin.op.Epilogue;
import io.kuaxin.op.MatmulAttrs;

/**
 * Options of {@link Ops#matmul(Tensor, Tensor, Matmul)}: {@code out = epilogue(alpha·op(a)·op(b) + beta·c + bias)}.
 * Immutable in what it describes (each method returns a changed copy) and safe to share between threads; it caches
 * the attribute record of its last use, a benign race (see the field).
 *
 * {@snippet :
 * Tensor y = Ops.matmul(x, w, Matmul.options().transposeB().bias(b).epilogue(Epilogue.GELU_TANH));
 * Ops.on(stream).matmul(x, w, Matmul.options().accumulate(acc, 1f), acc);   // acc += x·w, in place
 * }
 * The tensors it names are inputs of the op: they must be open and on the op's device when it runs.
 */
public final class Matmul {
    private static final Matmul DEFAULT = new Matmul(false, false, 1f, 0f, null, null, Epilogue.NONE, null, false);

    private final boolean transA, transB;
    private final float alpha, beta;
    private final Tensor c, bias;
    private final Epilogue epilogue;
    private final DType outDtype;
    private final boolean reducedReduction;
    /**
     * The attribute record of the last call with these options, reused while its output dtype fits: options are
     * immutable and built once per call site, so the record is too. A record has only final fields, so a thread
     * that reads this field without synchronisation sees it whole; a race only builds one more.
     */
    private MatmulAttrs attrs;

    private Matmul(boolean transA, boolean transB, float alpha, float beta, Tensor c, Tensor bias, Epilogue epilogue,
                   DType outDtype, boolean reducedReduction) {
        this.transA = transA;
        this.transB = transB;
        this.alpha = alpha;
        this.beta = beta;
        this.c = c;
        this.bias = bias;
        this.epilogue = epilogue;
        this.outDtype = outDtype;
        this.reducedReduction = reducedReduction;
    }

    /** No transposes, alpha 1, no c or bias, no epilogue, output dtype = input dtype (i32 for i8). */
    public static Matmul options() { return DEFAULT; }

    /** Use aᵀ: a is {@code [..., K, M]} (e.g. a {@link Tensor#transpose} view, or weights stored that way). */
    public Matmul transposeA() {
        return new Matmul(true, transB, alpha, beta, c, bias, epilogue, outDtype, reducedReduction);
    }

    /** Use bᵀ: b is {@code [..., N, K]}, as PyTorch {@code Linear} weights are stored. */
    public Matmul transposeB() {
        return new Matmul(transA, true, alpha, beta, c, bias, epilogue, outDtype, reducedReduction);
    }

    /** Scale of the product (default 1). */
    public Matmul alpha(float a) {
        return new Matmul(transA, transB, a, beta, c, bias, epilogue, outDtype, reducedReduction);
    }

    /** Adds {@code beta·c}; {@code c} broadcasts to the output and may be the {@code out} tensor itself. */
    public Matmul accumulate(Tensor c, float beta) {
        return new Matmul(transA, transB, alpha, beta, c, bias, epilogue, outDtype, reducedReduction);
    }

    /** Adds {@code bias} ({@code [N]}, one value per output column) before the epilogue. */
    public Matmul bias(Tensor b) {
        return new Matmul(transA, transB, alpha, beta, c, b, epilogue, outDtype, reducedReduction);
    }

    /** The fused activation (default {@link Epilogue#NONE}). */
    public Matmul epilogue(Epilogue e) {
        return new Matmul(transA, transB, alpha, beta, c, bias, e, outDtype, reducedReduction);
    }

    /** The output dtype (default: the input dtype for floats, i32 for i8). */
    public Matmul outDtype(DType t) {
        return new Matmul(transA, transB, alpha, beta, c, bias, epilogue, t, reducedReduction);
    }

    /**
     * Lets the vendor BLAS reduce partial sums in the output dtype (e.g. split-K partial sums of a bf16 GEMM summed
     * in bf16): faster on some GPUs, but a result can be many ulps from the product rounded once. By default every
     * reduction stays in the fp32 (fp64) accumulator: on cuBLAS Kuaxin sets
     * {@code CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION} unless this is asked for, and the CUDA-dialect
     * backends record the mode in the result's {@link Provenance#kernel()} ({@code reduction=...}). Backends without
     * such a switch ignore it. Only affects f16/bf16 outputs.
     */
    public Matmul allowReducedPrecisionReduction() {
        return new Matmul(transA, transB, alpha, beta, c, bias, epilogue, outDtype, true);
    }

    /** The attribute record for these options with an input of dtype {@code a} (its default output dtype). */
    MatmulAttrs attrs(DType a) {
        DType out = outDtype != null ? outDtype : a == DType.I8 ? DType.I32 : a;
        MatmulAttrs at = attrs;
        if (at == null || at.outDtype() != out) {
            attrs = at = new MatmulAttrs(transA, transB, alpha, beta, c != null, bias != null, epilogue, out,
                    reducedReduction);
        }
        return at;
    }

    /** Whether {@link #allowReducedPrecisionReduction()} was asked for. */
    public boolean isReducedPrecisionReductionAllowed() { return reducedReduction; }

    public boolean isTransposeA() { return transA; }

    public boolean isTransposeB() { return transB; }

    public float alpha() { return alpha; }

    public float beta() { return beta; }

    /** The accumulated tensor, or null. */
    public Tensor c() { return c; }

    /** The bias, or null. */
    public Tensor bias() { return bias; }

    public Epilogue epilogue() { return epilogue; }

    /** The requested output dtype, or null for the default. */
    public DType outDtype() { return outDtype; }

    @Override
    public String toString() {
        return "Matmul{transA=" + transA + ", transB=" + transB + ", alpha=" + alpha + ", beta=" + beta
                + (c != null ? ", c" : "") + (bias != null ? ", bias" : "") + ", epilogue=" + epilogue
                + (outDtype != null ? ", out=" + outDtype.label() : "")
                + (reducedReduction ? ", reducedPrecisionReduction" : "") + "}";
    }
}
