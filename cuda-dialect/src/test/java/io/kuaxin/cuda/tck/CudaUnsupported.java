package io.kuaxin.cuda.tck;

import io.kuaxin.conformance.BackendTestConfig;

/**
 * The conformance cases every CUDA-dialect backend refuses, with the reason: the same rules as
 * {@code io.kuaxin.cuda.CudaKernels} (the suite fails a declaration the device runs anyway, and a case the device
 * refuses must still run correctly on the fallback).
 */
public final class CudaUnsupported {
    private CudaUnsupported() {}

    /**
     * Declares what stays unsupported with device kernels loaded (every op of the catalog runs; some matmul dtype
     * mixes do not).
     */
    public static BackendTestConfig declare(BackendTestConfig c) {
        return c.unsupported("matmul/i8/*", "i8 x i8 -> i32 GEMM-Ex is not bound: its alignment rules on these"
                        + " BLAS libraries are unverified")
                .unsupported("matmul/f32/out-bf16", "GEMM-Ex writes C in the input dtype (or f32 for f16/bf16)")
                .unsupported("matmul/f64/out-f32", "GEMM-Ex writes C in the input dtype (or f32 for f16/bf16)")
                .unsupported("matmul/f16/alpha-beta-c*", "an f32 c cannot be accumulated into an f16 output by GEMM-Ex")
                .unsupported("matmul/bf16/alpha-beta-c*", "an f32 c cannot be accumulated into a bf16 output by GEMM-Ex")
                .unsupported("matmul/f64/alpha-beta-c*", "an f32 c cannot be accumulated into an f64 output by GEMM-Ex");
    }
}
