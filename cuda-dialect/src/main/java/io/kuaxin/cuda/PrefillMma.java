package io.kuaxin.cuda;

import io.kuaxin.DType;

import static io.kuaxin.cuda.KernelAbi.View;

/**
 * When attention runs on tensor cores ({@code kx_attn_prefill_mma}: WMMA 16×16×16 tiles, flash-attention online
 * softmax in f32) instead of {@code kx_attention}: NVIDIA's backend (the kernel is built by nvcc only, for sm_80
 * and sm_90, which every device that loads the fatbin is), q, k and v all bf16 or all f16, one head size for keys
 * and values that is a multiple of 16 up to 128, and at least {@link #MIN_QUERY_ROWS} query rows (decode keeps
 * the one-row or split-KV kernels). Its speed is unmeasured on hardware. Stateless.
 */
final class PrefillMma {
    private PrefillMma() {}

    static final int ROWS_PER_BLOCK = 32;
    static final int THREADS = 64;
    static final int MIN_QUERY_ROWS = 16;
    static final long MAX_HEAD = 128;

    static boolean eligible(CudaRuntime rt, CudaModule m, View q, View k, View v, long sq) {
        DType t = q.dtype();
        long d = q.shape()[3];
        return rt.backend.equals("cuda") && (t == DType.BF16 || t == DType.F16) && k.dtype() == t && v.dtype() == t
                && d > 0 && d % 16 == 0 && d <= MAX_HEAD && k.shape()[3] == d && v.shape()[3] == d
                && sq >= MIN_QUERY_ROWS && m.missingReason("kx_attn_prefill_mma") == null;
    }
}
