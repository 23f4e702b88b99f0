package io.kuaxin.cuda.tck;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.op.Op;

/**
 * The conformance cases every CUDA-dialect backend refuses, with the reason: the same rules as
 * {@code io.kuaxin.cuda.CudaKernels} (the suite fails a declaration the device runs anyway, and a case the device
 * refuses must still run correctly on the fallback).
 */
public final class CudaUnsupported {
    private CudaUnsupported() {}

    private static final String NO_KERNELS = "no vendor library call is bound for it and Kuaxin ships no device"
            + " kernels for CUDA-dialect chips yet";
    /** Positive-case dtype columns (negative cases are {@code <op>/invalid/...} and still run). */
    private static final String[] DTYPES = {"f*", "b*", "u8*", "i8*", "i32*", "i64*"};

    public static BackendTestConfig declare(BackendTestConfig c) {
        for (Op op : Op.values()) {
            if (op == Op.MATMUL || op == Op.COPY) continue;
            for (String d : DTYPES) c = c.unsupported(op.label() + "/" + d + "/*", op.label() + ": " + NO_KERNELS);
        }
        String epilogue = "fused activation epilogue: no BLAS call applies it (cuBLASLt-style epilogues are not"
                + " bound) and there are no device kernels yet";
        return c.unsupported("matmul/*relu*", epilogue)
                .unsupported("matmul/*gelu*", epilogue)
                .unsupported("matmul/*silu*", epilogue)
                .unsupported("matmul/i8/*", "i8 x i8 -> i32 GEMM-Ex is not bound: its alignment rules on these"
                        + " BLAS libraries are unverified")
                .unsupported("matmul/f32/out-bf16", "GEMM-Ex writes C in the input dtype (or f32 for f16/bf16)")
                .unsupported("matmul/f64/out-f32", "GEMM-Ex writes C in the input dtype (or f32 for f16/bf16)")
                .unsupported("matmul/f16/alpha-beta-c", "an f32 c cannot be accumulated into an f16 output by GEMM-Ex")
                .unsupported("matmul/bf16/alpha-beta-c", "an f32 c cannot be accumulated into a bf16 output by GEMM-Ex")
                .unsupported("matmul/f64/alpha-beta-c", "an f32 c cannot be accumulated into an f64 output by GEMM-Ex");
    }
}
