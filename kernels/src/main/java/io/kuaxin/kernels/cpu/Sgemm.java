package io.kuaxin.kernels.cpu;

import java.lang.foreign.MemorySegment;

/**
 * An external fp32 GEMM that {@link io.kuaxin.kernels.cpu.ops.MatmulKernel} may hand plain fp32 products to instead
 * of {@link CpuGemm} (the CPU backend's OpenBLAS provider is one): row-major
 * {@code C = alpha·op(A)·op(B) + beta·C}, BLAS {@code sgemm} conventions, offsets and leading dimensions in elements.
 * <p>Segments are always native (off-heap) and readable from any thread (implementations may split the work over
 * {@link CpuThreads}). Implementations must be safe to call from any thread and must not retain the segments.
 */
public interface Sgemm {
    /** Short name for provenance, e.g. {@code openblas}. */
    String name();

    /**
     * Computes {@code C = alpha·op(A)·op(B) + beta·C}; {@code beta == 0} must not read C.
     *
     * @throws RuntimeException if the library reports an error; C is then unspecified
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               MemorySegment a, long aOffset, long lda,
               MemorySegment b, long bOffset, long ldb,
               float beta, MemorySegment c, long cOffset, long ldc);
}
