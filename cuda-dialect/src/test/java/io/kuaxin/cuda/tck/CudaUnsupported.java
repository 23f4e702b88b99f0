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
     * Declares what stays unsupported with device kernels loaded (every op of the catalog runs, and every float matmul
     * dtype mix through GEMM-Ex and the epilogue kernel; i8 matmul does not).
     */
    public static BackendTestConfig declare(BackendTestConfig c) {
        return c.unsupported("matmul/i8/*", "i8 x i8 -> i32 GEMM-Ex is not bound: its alignment rules on these"
                        + " BLAS libraries are unverified");
    }
}
