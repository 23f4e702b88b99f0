/*
 * kx_kernels.cu - Kuaxin's device kernels for the CUDA family, one source for
 * every vendor compiler (kx_vendor.h absorbs the differences). Parameters and
 * grids: kx_kernel_abi.h. Every tensor is a strided view with a run-time dtype,
 * so one kernel serves every dtype and layout the front door accepts.
 *
 * Arithmetic: f32/f16/bf16 values are computed in f32 (reductions in f32 per
 * thread, combined in f32; strided element-wise views in f64), f64 and
 * integers in f64 / int64; a result is rounded once, when stored. Dense
 * element-wise operands take a direct-index path. Integer add/sub/mul wrap; integer division
 * truncates and x / 0 is 0. Block reductions shuffle within warps where the
 * compiler has shuffles (kx_vendor.h), else use shared memory. Dense f32/f16/bf16
 * element-wise ops and contiguous softmax/norm rows read and write 4 elements
 * per access (128-bit for f32, 64-bit for halves) when aligned.
 */
#include "kx_vendor.h"
#include "kx_kernel_abi.h"

#define KX_BLOCK_MAX 1024

/* Element offset (in elements) of row-major flat index `flat` of t. */
KX_DEVICE int64_t kx_offset(const KxTensor &t, int64_t flat) {
    int64_t off = 0;
    for (int d = t.rank - 1; d >= 0; d--) {
        int64_t n = t.shape[d];
        off += (flat % n) * t.stride[d];
        flat /= n;
    }
    return off;
}

KX_DEVICE double kx_load(const KxTensor &t, int64_t off) {
    const char *p = (const char *)(uintptr_t)t.ptr;
    switch (t.dtype) {
    case KXK_F32: return ((const float *)p)[off];
    case KXK_F16: return kx_h2f(((const uint16_t *)p)[off]);
    case KXK_BF16: return kx_bf2f(((const uint16_t *)p)[off]);
    case KXK_F64: return ((const double *)p)[off];
    case KXK_I8: return ((const int8_t *)p)[off];
    case KXK_U8: return ((const uint8_t *)p)[off];
    case KXK_I32: return ((const int32_t *)p)[off];
    case KXK_I64: return (double)((const int64_t *)p)[off];
    default: return ((const uint8_t *)p)[off] != 0;
    }
}

/* Integers as int64, without a detour through double (an i64 beyond 2^53 keeps every bit). */
KX_DEVICE int64_t kx_load_int(const KxTensor &t, int64_t off) {
    const char *p = (const char *)(uintptr_t)t.ptr;
    switch (t.dtype) {
    case KXK_I8: return ((const int8_t *)p)[off];
    case KXK_U8: return ((const uint8_t *)p)[off];
    case KXK_I32: return ((const int32_t *)p)[off];
    case KXK_I64: return ((const int64_t *)p)[off];
    case KXK_BOOL: return ((const uint8_t *)p)[off] != 0;
    default: return (int64_t)kx_load(t, off);
    }
}

KX_DEVICE double kx_sat(double v, double lo, double hi) { return v != v ? 0 : v < lo ? lo : v > hi ? hi : v; }

/* Floats round to nearest even (through f32 for f16/bf16); float -> integer truncates and saturates, NaN is 0. */
KX_DEVICE void kx_store(const KxTensor &t, int64_t off, double v) {
    char *p = (char *)(uintptr_t)t.ptr;
    switch (t.dtype) {
    case KXK_F32: ((float *)p)[off] = (float)v; break;
    case KXK_F16: ((uint16_t *)p)[off] = kx_f2h((float)v); break;
    case KXK_BF16: ((uint16_t *)p)[off] = kx_f2bf((float)v); break;
    case KXK_F64: ((double *)p)[off] = v; break;
    case KXK_I8: ((int8_t *)p)[off] = (int8_t)kx_sat(v, -128, 127); break;
    case KXK_U8: ((uint8_t *)p)[off] = (uint8_t)kx_sat(v, 0, 255); break;
    case KXK_I32: ((int32_t *)p)[off] = (int32_t)kx_sat(v, -2147483648.0, 2147483647.0); break;
    case KXK_I64: ((int64_t *)p)[off] = (int64_t)kx_sat(v, -9223372036854775808.0, 9223372036854774784.0); break;
    default: ((uint8_t *)p)[off] = v != 0; break;
    }
}

KX_DEVICE bool kx_is_float(int dtype) { return dtype <= KXK_F64; }

/* Integer results wrap to the output width (two's complement). */
KX_DEVICE void kx_store_int(const KxTensor &t, int64_t off, int64_t v) {
    char *p = (char *)(uintptr_t)t.ptr;
    switch (t.dtype) {
    case KXK_I8: ((int8_t *)p)[off] = (int8_t)v; break;
    case KXK_U8: ((uint8_t *)p)[off] = (uint8_t)v; break;
    case KXK_I32: ((int32_t *)p)[off] = (int32_t)v; break;
    case KXK_I64: ((int64_t *)p)[off] = v; break;
    default: ((uint8_t *)p)[off] = v != 0; break;
    }
}

KX_DEVICE int64_t kx_row(void) { return (int64_t)blockIdx.x + (int64_t)gridDim.x * blockIdx.y; }

KX_DEVICE int64_t kx_rows(const KxTensor &t) {
    int64_t n = 1;
    for (int d = 0; d < t.rank - 1; d++) n *= t.shape[d];
    return n;
}

/* Element offset of element j of row r (over the last dimension). */
KX_DEVICE int64_t kx_row_base(const KxTensor &t, int64_t r) {
    int64_t off = 0;
    for (int d = t.rank - 2; d >= 0; d--) {
        off += (r % t.shape[d]) * t.stride[d];
        r /= t.shape[d];
    }
    return off;
}

KX_DEVICE int64_t kx_last(const KxTensor &t) { return t.rank > 0 ? t.shape[t.rank - 1] : 1; }
KX_DEVICE int64_t kx_last_stride(const KxTensor &t) { return t.rank > 0 ? t.stride[t.rank - 1] : 1; }

/*
 * Block-wide sum / max of one value per thread (every thread gets the result; sh holds KX_BLOCK_MAX floats).
 * With shuffles and a block of whole warps: a butterfly within each warp, the warps' results through shared
 * memory, then a butterfly over those. Otherwise a shared-memory tree (blockDim.x a power of two).
 */
#if KX_HAS_SHFL
KX_DEVICE float kx_warp_sum(float v) {
    for (int m = KX_WARP_SIZE / 2; m > 0; m >>= 1) v += kx_shfl_xor(v, m);
    return v;
}

KX_DEVICE float kx_warp_max(float v) {
    for (int m = KX_WARP_SIZE / 2; m > 0; m >>= 1) v = fmaxf(v, kx_shfl_xor(v, m));
    return v;
}
#endif

KX_DEVICE float kx_block_reduce(float v, float *sh, bool max) {
#if KX_HAS_SHFL
    if (blockDim.x % KX_WARP_SIZE == 0) {
        unsigned lane = threadIdx.x % KX_WARP_SIZE, warp = threadIdx.x / KX_WARP_SIZE;
        unsigned warps = blockDim.x / KX_WARP_SIZE;
        v = max ? kx_warp_max(v) : kx_warp_sum(v);
        if (lane == 0) sh[warp] = v;
        KX_SYNC();
        float w = lane < warps ? sh[lane] : (max ? -INFINITY : 0.0f);
        w = max ? kx_warp_max(w) : kx_warp_sum(w);
        KX_SYNC();                             /* sh is reused by the caller's next reduction */
        return w;
    }
#endif
    sh[threadIdx.x] = v;
    KX_SYNC();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) sh[threadIdx.x] = max ? fmaxf(sh[threadIdx.x], sh[threadIdx.x + s])
                                                   : sh[threadIdx.x] + sh[threadIdx.x + s];
        KX_SYNC();
    }
    float r = sh[0];
    KX_SYNC();
    return r;
}

KX_DEVICE float kx_block_sum(float v, float *sh) { return kx_block_reduce(v, sh, false); }
KX_DEVICE float kx_block_max(float v, float *sh) { return kx_block_reduce(v, sh, true); }

KX_DEVICE double kx_activation(int op, double x) {
    switch (op) {
    case KXK_RELU: return x > 0 ? x : (x == x ? 0 : x);
    case KXK_SILU: return x / (1 + exp(-x));
    /* Forms without cancellation in the negative tail: 1 + tanh(u) = 2 / (1 + e^-2u), 1 + erf(z) = erfc(-z). */
    case KXK_GELU_TANH: return x / (1 + exp(-2 * 0.7978845608028654 * (x + 0.044715 * x * x * x)));
    case KXK_GELU_ERF: return 0.5 * x * erfc(-x * 0.7071067811865476);
    case KXK_EXP: return exp(x);
    default: return x;
    }
}

/* Dense row-major (extent-1 dimensions may have any stride). */
KX_DEVICE bool kx_dense(const KxTensor &t) {
    int64_t e = 1;
    for (int d = t.rank - 1; d >= 0; d--) {
        if (t.shape[d] != 1 && t.stride[d] != e) return false;
        e *= t.shape[d];
    }
    return true;
}

KX_DEVICE bool kx_f32ish(int dtype) { return dtype == KXK_F32 || dtype == KXK_F16 || dtype == KXK_BF16; }

KX_DEVICE float kx_loadf(int dtype, uint64_t ptr, int64_t i) {
    if (dtype == KXK_F32) return ((const float *)(uintptr_t)ptr)[i];
    uint16_t b = ((const uint16_t *)(uintptr_t)ptr)[i];
    return dtype == KXK_F16 ? kx_h2f(b) : kx_bf2f(b);
}

KX_DEVICE void kx_storef(int dtype, uint64_t ptr, int64_t i, float v) {
    if (dtype == KXK_F32) ((float *)(uintptr_t)ptr)[i] = v;
    else ((uint16_t *)(uintptr_t)ptr)[i] = dtype == KXK_F16 ? kx_f2h(v) : kx_f2bf(v);
}

/*
 * 128-bit (f32) / 64-bit (f16, bf16) accesses of 4 consecutive elements: element i (a multiple of 4) of a buffer
 * whose address kx_vec4_ok accepted. Halves are unpacked in software (little-endian pairs), so the same code
 * serves every vendor's compiler.
 */
KX_DEVICE int kx_fsize(int dtype) { return dtype == KXK_F32 ? 4 : 2; }

KX_DEVICE bool kx_vec4_ok(int dtype, uint64_t addr) { return addr % (uint64_t)(4 * kx_fsize(dtype)) == 0; }

KX_DEVICE float4 kx_load4(int dtype, uint64_t ptr, int64_t i) {
    if (dtype == KXK_F32) return ((const float4 *)(uintptr_t)ptr)[i / 4];
    uint2 u = ((const uint2 *)(uintptr_t)ptr)[i / 4];
    uint16_t h[4] = {(uint16_t)(u.x & 0xffff), (uint16_t)(u.x >> 16), (uint16_t)(u.y & 0xffff), (uint16_t)(u.y >> 16)};
    if (dtype == KXK_F16) return make_float4(kx_h2f(h[0]), kx_h2f(h[1]), kx_h2f(h[2]), kx_h2f(h[3]));
    return make_float4(kx_bf2f(h[0]), kx_bf2f(h[1]), kx_bf2f(h[2]), kx_bf2f(h[3]));
}

KX_DEVICE void kx_store4(int dtype, uint64_t ptr, int64_t i, float4 v) {
    if (dtype == KXK_F32) {
        ((float4 *)(uintptr_t)ptr)[i / 4] = v;
        return;
    }
    bool h = dtype == KXK_F16;
    uint32_t a = h ? kx_f2h(v.x) : kx_f2bf(v.x), b = h ? kx_f2h(v.y) : kx_f2bf(v.y);
    uint32_t c = h ? kx_f2h(v.z) : kx_f2bf(v.z), d = h ? kx_f2h(v.w) : kx_f2bf(v.w);
    ((uint2 *)(uintptr_t)ptr)[i / 4] = make_uint2(a | (b << 16), c | (d << 16));
}

/* A row of n elements at element offset base of t that 4-wide accesses can read: f32/f16/bf16, unit stride,
 * n a multiple of 4 and an aligned start. */
KX_DEVICE bool kx_row_vec4(const KxTensor &t, int64_t base, int64_t n) {
    return kx_f32ish(t.dtype) && kx_last_stride(t) == 1 && n % 4 == 0
           && kx_vec4_ok(t.dtype, t.ptr + (uint64_t)(base * kx_fsize(t.dtype)));
}

KX_DEVICE float kx_max4(float4 v) { return fmaxf(fmaxf(v.x, v.y), fmaxf(v.z, v.w)); }

KX_DEVICE float kx_activationf(int op, float x) {
    // Far in the negative tail e^-x and e^-2u overflow float while the result is still a normal float: use double.
    if (x < -8.0f && (op == KXK_SILU || op == KXK_GELU_TANH || op == KXK_GELU_ERF)) return (float)kx_activation(op, x);
    switch (op) {
    case KXK_RELU: return x > 0 ? x : (x == x ? 0.0f : x);
    case KXK_SILU: return x / (1.0f + expf(-x));
    case KXK_GELU_TANH: return x / (1.0f + expf(-2.0f * 0.7978845608f * (x + 0.044715f * x * x * x)));
    case KXK_GELU_ERF: return 0.5f * x * erfcf(-x * 0.70710678f);
    case KXK_EXP: return expf(x);
    default: return x;
    }
}

KX_GLOBAL void kx_unary(KxTensor x, KxTensor y, int32_t op) {
    int64_t n = 1;
    for (int d = 0; d < y.rank; d++) n *= y.shape[d];
    int64_t step = (int64_t)gridDim.x * blockDim.x;
    if (kx_f32ish(x.dtype) && kx_f32ish(y.dtype) && kx_dense(x) && kx_dense(y)) {   /* the common case: f32 math */
        int64_t i0 = 0;
        if (kx_vec4_ok(x.dtype, x.ptr) && kx_vec4_ok(y.dtype, y.ptr)) {          /* 4 elements per access */
            for (int64_t i = ((int64_t)blockIdx.x * blockDim.x + threadIdx.x) * 4; i + 3 < n; i += step * 4) {
                float4 v = kx_load4(x.dtype, x.ptr, i);
                v = make_float4(kx_activationf(op, v.x), kx_activationf(op, v.y), kx_activationf(op, v.z),
                                kx_activationf(op, v.w));
                kx_store4(y.dtype, y.ptr, i, v);
            }
            i0 = n / 4 * 4;
        }
        for (int64_t i = i0 + (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
            kx_storef(y.dtype, y.ptr, i, kx_activationf(op, kx_loadf(x.dtype, x.ptr, i)));
        }
        return;
    }
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
        kx_store(y, kx_offset(y, i), kx_activation(op, kx_load(x, kx_offset(x, i))));
    }
}

KX_GLOBAL void kx_binary(KxTensor a, KxTensor b, KxTensor y, int32_t op) {
    int64_t n = 1;
    for (int d = 0; d < y.rank; d++) n *= y.shape[d];
    int64_t step = (int64_t)gridDim.x * blockDim.x;
    bool integer = !kx_is_float(y.dtype);
    if (kx_f32ish(y.dtype) && kx_f32ish(a.dtype) && kx_f32ish(b.dtype) && kx_dense(a) && kx_dense(b) && kx_dense(y)) {
        int64_t i0 = 0;
        if (kx_vec4_ok(a.dtype, a.ptr) && kx_vec4_ok(b.dtype, b.ptr) && kx_vec4_ok(y.dtype, y.ptr)) {
            for (int64_t i = ((int64_t)blockIdx.x * blockDim.x + threadIdx.x) * 4; i + 3 < n; i += step * 4) {
                float4 p = kx_load4(a.dtype, a.ptr, i), q = kx_load4(b.dtype, b.ptr, i), r;
                switch (op) {
                case KXK_ADD: r = make_float4(p.x + q.x, p.y + q.y, p.z + q.z, p.w + q.w); break;
                case KXK_SUB: r = make_float4(p.x - q.x, p.y - q.y, p.z - q.z, p.w - q.w); break;
                case KXK_MUL: r = make_float4(p.x * q.x, p.y * q.y, p.z * q.z, p.w * q.w); break;
                default: r = make_float4(p.x / q.x, p.y / q.y, p.z / q.z, p.w / q.w); break;
                }
                kx_store4(y.dtype, y.ptr, i, r);
            }
            i0 = n / 4 * 4;
        }
        for (int64_t i = i0 + (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
            float p = kx_loadf(a.dtype, a.ptr, i), q = kx_loadf(b.dtype, b.ptr, i);
            kx_storef(y.dtype, y.ptr, i, op == KXK_ADD ? p + q : op == KXK_SUB ? p - q : op == KXK_MUL ? p * q : p / q);
        }
        return;
    }
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
        int64_t o = kx_offset(y, i);
        if (integer) {
            int64_t u = kx_load_int(a, kx_offset(a, i)), v = kx_load_int(b, kx_offset(b, i)), r;
            switch (op) {
            case KXK_ADD: r = (int64_t)((uint64_t)u + (uint64_t)v); break;
            case KXK_SUB: r = (int64_t)((uint64_t)u - (uint64_t)v); break;
            case KXK_MUL: r = (int64_t)((uint64_t)u * (uint64_t)v); break;
            default: r = v == 0 ? 0 : v == -1 ? (int64_t)(0 - (uint64_t)u) : u / v; break;
            }
            kx_store_int(y, o, r);
        } else {
            double p = kx_load(a, kx_offset(a, i)), q = kx_load(b, kx_offset(b, i));
            double r = op == KXK_ADD ? p + q : op == KXK_SUB ? p - q : op == KXK_MUL ? p * q : p / q;
            kx_store(y, o, y.dtype == KXK_F64 ? r : (double)(float)r);
        }
    }
}

KX_GLOBAL void kx_softmax(KxTensor x, KxTensor y) {
    __shared__ float sh[KX_BLOCK_MAX];
    int64_t r = kx_row();
    if (r >= kx_rows(y)) return;
    int64_t n = kx_last(x), xs = kx_last_stride(x), ys = kx_last_stride(y);
    int64_t xb = kx_row_base(x, r), yb = kx_row_base(y, r);
    if (kx_row_vec4(x, xb, n) && kx_row_vec4(y, yb, n)) {          /* contiguous rows: 4 elements per access */
        uint64_t xp = x.ptr + (uint64_t)(xb * kx_fsize(x.dtype)), yp = y.ptr + (uint64_t)(yb * kx_fsize(y.dtype));
        float m = -INFINITY, s = 0;
        for (int64_t j = 4 * threadIdx.x; j < n; j += 4 * blockDim.x) m = fmaxf(m, kx_max4(kx_load4(x.dtype, xp, j)));
        m = kx_block_max(m, sh);
        for (int64_t j = 4 * threadIdx.x; j < n; j += 4 * blockDim.x) {
            float4 v = kx_load4(x.dtype, xp, j);
            s += expf(v.x - m) + expf(v.y - m) + expf(v.z - m) + expf(v.w - m);
        }
        s = kx_block_sum(s, sh);
        for (int64_t j = 4 * threadIdx.x; j < n; j += 4 * blockDim.x) {
            float4 v = kx_load4(x.dtype, xp, j);
            kx_store4(y.dtype, yp, j, make_float4(expf(v.x - m) / s, expf(v.y - m) / s, expf(v.z - m) / s,
                                                  expf(v.w - m) / s));
        }
        return;
    }
    float m = -INFINITY;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) m = fmaxf(m, (float)kx_load(x, xb + j * xs));
    m = kx_block_max(m, sh);
    float s = 0;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) s += expf((float)kx_load(x, xb + j * xs) - m);
    s = kx_block_sum(s, sh);
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
        kx_store(y, yb + j * ys, expf((float)kx_load(x, xb + j * xs) - m) / s);
    }
}

KX_GLOBAL void kx_norm(KxTensor x, KxTensor gamma, KxTensor beta, KxTensor y, KxNormParams p) {
    __shared__ float sh[KX_BLOCK_MAX];
    int64_t r = kx_row();
    if (r >= kx_rows(y)) return;
    int64_t n = kx_last(x), xs = kx_last_stride(x), ys = kx_last_stride(y);
    int64_t xb = kx_row_base(x, r), yb = kx_row_base(y, r);
    if (kx_row_vec4(x, xb, n) && kx_row_vec4(y, yb, n)) {          /* contiguous rows: 4 elements per access */
        uint64_t xp = x.ptr + (uint64_t)(xb * kx_fsize(x.dtype)), yp = y.ptr + (uint64_t)(yb * kx_fsize(y.dtype));
        float mean = 0, q = 0;
        if (!p.rms) {
            float s = 0;
            for (int64_t j = 4 * threadIdx.x; j < n; j += 4 * blockDim.x) {
                float4 v = kx_load4(x.dtype, xp, j);
                s += (v.x + v.y) + (v.z + v.w);
            }
            mean = kx_block_sum(s, sh) / (float)n;
        }
        for (int64_t j = 4 * threadIdx.x; j < n; j += 4 * blockDim.x) {
            float4 v = kx_load4(x.dtype, xp, j);
            float a = v.x - mean, b = v.y - mean, c = v.z - mean, d = v.w - mean;
            q += a * a + b * b + c * c + d * d;
        }
        float inv = rsqrtf(kx_block_sum(q, sh) / (float)n + (float)p.eps);
        int64_t gs = gamma.ptr ? kx_last_stride(gamma) : 0, bs = beta.ptr ? kx_last_stride(beta) : 0;
        for (int64_t j = 4 * threadIdx.x; j < n; j += 4 * blockDim.x) {
            float4 v = kx_load4(x.dtype, xp, j);
            float o[4] = {(v.x - mean) * inv, (v.y - mean) * inv, (v.z - mean) * inv, (v.w - mean) * inv};
            for (int t = 0; t < 4; t++) {
                if (gamma.ptr) o[t] *= (float)kx_load(gamma, (j + t) * gs);
                if (beta.ptr) o[t] += (float)kx_load(beta, (j + t) * bs);
            }
            kx_store4(y.dtype, yp, j, make_float4(o[0], o[1], o[2], o[3]));
        }
        return;
    }
    float mean = 0;
    if (!p.rms) {
        float s = 0;
        for (int64_t j = threadIdx.x; j < n; j += blockDim.x) s += (float)kx_load(x, xb + j * xs);
        mean = kx_block_sum(s, sh) / (float)n;
    }
    float q = 0;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
        float d = (float)kx_load(x, xb + j * xs) - mean;
        q += d * d;
    }
    float inv = rsqrtf(kx_block_sum(q, sh) / (float)n + (float)p.eps);
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
        float v = ((float)kx_load(x, xb + j * xs) - mean) * inv;
        if (gamma.ptr) v *= (float)kx_load(gamma, j * kx_last_stride(gamma));
        if (beta.ptr) v += (float)kx_load(beta, j * kx_last_stride(beta));
        kx_store(y, yb + j * ys, v);
    }
}

KX_GLOBAL void kx_rope(KxTensor x, KxTensor pos, KxTensor y, KxRopeParams p) {
    int64_t r = kx_row();
    if (r >= kx_rows(y)) return;
    int64_t n = kx_last(x), xs = kx_last_stride(x), ys = kx_last_stride(y);
    int64_t xb = kx_row_base(x, r), yb = kx_row_base(y, r);
    double at;
    if (pos.ptr) {
        at = kx_load(pos, kx_offset(pos, r));
    } else {
        int64_t rr = r, idx = 0;                  /* index of the row along seq_axis */
        for (int d = x.rank - 2; d >= 0; d--) {
            if (d == p.seq_axis) idx = rr % x.shape[d];
            rr /= x.shape[d];
        }
        at = (double)(p.start + idx);
    }
    int half = p.rotary_dims / 2;
    for (int64_t j = p.rotary_dims + threadIdx.x; j < n; j += blockDim.x) {
        kx_store(y, yb + j * ys, kx_load(x, xb + j * xs));
    }
    for (int i = threadIdx.x; i < half; i += blockDim.x) {
        double angle = at * pow(p.base, -2.0 * i / p.rotary_dims);
        double c = cos(angle), s = sin(angle);
        int64_t i0 = p.half_split ? i : 2 * i, i1 = p.half_split ? i + half : 2 * i + 1;
        double x0 = kx_load(x, xb + i0 * xs), x1 = kx_load(x, xb + i1 * xs);
        kx_store(y, yb + i0 * ys, x0 * c - x1 * s);
        kx_store(y, yb + i1 * ys, x0 * s + x1 * c);
    }
}

/* Is (v, i) a better max/argmax candidate than (w, k)? The first NaN wins, then the larger value, then the lower index. */
KX_DEVICE bool kx_better(double v, int64_t i, double w, int64_t k) {
    if (k < 0) return i >= 0;
    if (i < 0) return false;
    bool vn = v != v, wn = w != w;
    if (vn || wn) return vn && (!wn || i < k);
    return v > w || (v == w && i < k);
}

KX_GLOBAL void kx_reduce(KxTensor x, KxTensor y, int32_t op) {
    __shared__ double sv[KX_BLOCK_MAX];
    __shared__ int64_t si[KX_BLOCK_MAX];
    int64_t r = kx_row();
    if (r >= kx_rows(x)) return;
    int64_t n = kx_last(x), xs = kx_last_stride(x), xb = kx_row_base(x, r);
    double acc = 0;
    int64_t arg = -1;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
        double v = kx_load(x, xb + j * xs);
        if (op == KXK_SUM || op == KXK_MEAN) acc += v;
        else if (kx_better(v, j, acc, arg)) { acc = v; arg = j; }
    }
    sv[threadIdx.x] = acc;
    si[threadIdx.x] = arg;
    KX_SYNC();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) {
            if (op == KXK_SUM || op == KXK_MEAN) {
                sv[threadIdx.x] += sv[threadIdx.x + s];
            } else if (kx_better(sv[threadIdx.x + s], si[threadIdx.x + s], sv[threadIdx.x], si[threadIdx.x])) {
                sv[threadIdx.x] = sv[threadIdx.x + s];
                si[threadIdx.x] = si[threadIdx.x + s];
            }
        }
        KX_SYNC();
    }
    if (threadIdx.x != 0) return;
    int64_t o = kx_offset(y, r);
    if (op == KXK_ARGMAX) kx_store(y, o, (double)(si[0] < 0 ? 0 : si[0]));
    else if (op == KXK_MEAN) kx_store(y, o, sv[0] / (double)n);
    else if (op == KXK_MAX && si[0] < 0) kx_store(y, o, -INFINITY);
    else kx_store(y, o, sv[0]);
}

KX_GLOBAL void kx_embedding(KxTensor table, KxTensor ids, KxTensor y) {
    int64_t r = kx_row();
    int64_t rows = 1;
    for (int d = 0; d < ids.rank; d++) rows *= ids.shape[d];
    if (r >= rows) return;
    double id = kx_load(ids, kx_offset(ids, r));
    int64_t t = (int64_t)id, vocab = table.shape[0], dim = table.shape[1];
    bool inside = id >= 0 && t < vocab;
    int64_t yb = kx_row_base(y, r), ys = kx_last_stride(y);
    for (int64_t j = threadIdx.x; j < dim; j += blockDim.x) {
        kx_store(y, yb + j * ys, inside ? kx_load(table, t * table.stride[0] + j * table.stride[1]) : 0.0);
    }
}

/*
 * One block per (query row i, head h, batch b): keys in tiles of blockDim.x, each thread scores one key of the
 * tile, then the tile's probabilities update a running (max, sum, output) - the online softmax of flash
 * attention, without tensor cores. Output dimensions are split over threads (up to 4 per thread).
 */
#define KX_ATTN_DV_PER_THREAD 4

KX_DEVICE int64_t kx_at4(const KxTensor &t, int64_t a, int64_t b, int64_t c, int64_t d) {
    return a * t.stride[0] + b * t.stride[1] + c * t.stride[2] + d * t.stride[3];
}

/* The number of keys query row i of batch b sees: min(Sk, lens[b]), and with causal the bottom-right diagonal. */
KX_DEVICE int64_t kx_attn_limit(const KxTensor &lens, int64_t b, int64_t i, int64_t Sq, int64_t Sk, int causal) {
    int64_t valid = Sk;
    if (lens.ptr) {
        double l = kx_load(lens, b * lens.stride[0]);
        valid = l < 0 ? 0 : l > (double)Sk ? Sk : (int64_t)l;
    }
    int64_t limit = causal ? i + valid - Sq + 1 : valid;
    return limit > valid ? valid : limit;
}

/*
 * Online softmax of query row (b, h, i) over keys [lo, hi): updates the running max m, sum l and this thread's
 * output columns acc (x = threadIdx.x + t * blockDim.x). sq holds the query row; sp and sh are block scratch.
 * Every thread of the block must call it with the same range (it has barriers).
 */
KX_DEVICE void kx_attn_range(const KxTensor &k, const KxTensor &v, const KxTensor &mask, int64_t b, int64_t h,
                             int64_t i, int64_t kh, int64_t lo, int64_t hi, float scale, const float *sq,
                             float *sp, float *sh, float &m, float &l, float *acc) {
    int64_t D = k.shape[3], Dv = v.shape[3];
    for (int64_t j0 = lo; j0 < hi; j0 += blockDim.x) {
        int64_t j = j0 + threadIdx.x;
        float s = -INFINITY;
        if (j < hi) {
            float dot = 0;
            int64_t kb = kx_at4(k, b, kh, j, 0), ks = k.stride[3];
            for (int64_t x = 0; x < D; x++) dot += sq[x] * (float)kx_load(k, kb + x * ks);
            s = scale * dot;
            if (mask.ptr) s += (float)kx_load(mask, kx_at4(mask, b, h, i, j));
        }
        float tm = kx_block_max(s, sh);
        float nm = fmaxf(m, tm);
        float e = (s == -INFINITY || nm == -INFINITY) ? 0.0f : expf(s - nm);
        sp[threadIdx.x] = e;
        float ts = kx_block_sum(e, sh);       /* its barriers also publish sp */
        float c = (m == -INFINITY || nm == -INFINITY) ? 0.0f : expf(m - nm);
        l = l * c + ts;
        int64_t tile = hi - j0 < (int64_t)blockDim.x ? hi - j0 : (int64_t)blockDim.x;
        for (int t = 0; t < KX_ATTN_DV_PER_THREAD; t++) {
            int64_t x = threadIdx.x + (int64_t)t * blockDim.x;
            if (x >= Dv) break;
            float a2 = acc[t] * c;
            for (int64_t jj = 0; jj < tile; jj++) a2 += sp[jj] * (float)kx_load(v, kx_at4(v, b, kh, j0 + jj, x));
            acc[t] = a2;
        }
        m = nm;
        KX_SYNC();                             /* sp is rewritten by the next tile */
    }
}

KX_GLOBAL void kx_attention(KxTensor q, KxTensor k, KxTensor v, KxTensor mask, KxTensor lens, KxTensor out,
                            KxAttnParams p) {
    __shared__ float sp[KX_BLOCK_MAX];
    __shared__ float sh[KX_BLOCK_MAX];
    __shared__ float sq[KX_BLOCK_MAX];           /* the query row, read once (D <= 1024: the host checks) */
    int64_t i = blockIdx.x, h = blockIdx.y, b = blockIdx.z;
    int64_t Hq = q.shape[1], Sq = q.shape[2], D = q.shape[3], Hkv = k.shape[1], Sk = k.shape[2], Dv = v.shape[3];
    if (i >= Sq || h >= Hq || b >= q.shape[0]) return;
    for (int64_t x = threadIdx.x; x < D; x += blockDim.x) sq[x] = (float)kx_load(q, kx_at4(q, b, h, i, x));
    KX_SYNC();
    int64_t kh = h / (Hq / Hkv);
    int64_t limit = kx_attn_limit(lens, b, i, Sq, Sk, p.causal);
    float m = -INFINITY, l = 0, acc[KX_ATTN_DV_PER_THREAD] = {0, 0, 0, 0};
    kx_attn_range(k, v, mask, b, h, i, kh, 0, limit, p.scale, sq, sp, sh, m, l, acc);
    for (int t = 0; t < KX_ATTN_DV_PER_THREAD; t++) {
        int64_t x = threadIdx.x + (int64_t)t * blockDim.x;
        if (x >= Dv) break;
        kx_store(out, kx_at4(out, b, h, i, x), l > 0 ? acc[t] / l : 0.0f);   /* nothing visible: zeros */
    }
}

/*
 * Split-KV decode, pass 1: with few query rows (decode) and long KV, one block per row leaves most of the GPU idle;
 * block (i * splits + s, h, b) runs the online softmax over chunk s of the row's visible keys and writes its
 * partial (max, sum, acc[Dv]) in f32 to part[b, h, i, s, :].
 */
KX_GLOBAL void kx_attn_split(KxTensor q, KxTensor k, KxTensor v, KxTensor mask, KxTensor lens, KxTensor part,
                             KxAttnSplitParams p) {
    __shared__ float sp[KX_BLOCK_MAX];
    __shared__ float sh[KX_BLOCK_MAX];
    __shared__ float sq[KX_BLOCK_MAX];
    int64_t i = blockIdx.x / p.splits, sidx = blockIdx.x % p.splits, h = blockIdx.y, b = blockIdx.z;
    int64_t Hq = q.shape[1], Sq = q.shape[2], D = q.shape[3], Hkv = k.shape[1], Sk = k.shape[2], Dv = v.shape[3];
    if (i >= Sq || h >= Hq || b >= q.shape[0]) return;
    for (int64_t x = threadIdx.x; x < D; x += blockDim.x) sq[x] = (float)kx_load(q, kx_at4(q, b, h, i, x));
    KX_SYNC();
    int64_t kh = h / (Hq / Hkv);
    int64_t limit = kx_attn_limit(lens, b, i, Sq, Sk, p.causal);
    int64_t lo = sidx * (int64_t)p.chunk, hi = lo + p.chunk < limit ? lo + p.chunk : limit;
    float m = -INFINITY, l = 0, acc[KX_ATTN_DV_PER_THREAD] = {0, 0, 0, 0};
    if (lo < hi) kx_attn_range(k, v, mask, b, h, i, kh, lo, hi, p.scale, sq, sp, sh, m, l, acc);
    float *w = (float *)(uintptr_t)part.ptr + (((b * Hq + h) * Sq + i) * p.splits + sidx) * (Dv + 2);
    if (threadIdx.x == 0) { w[0] = m; w[1] = l; }
    for (int t = 0; t < KX_ATTN_DV_PER_THREAD; t++) {
        int64_t x = threadIdx.x + (int64_t)t * blockDim.x;
        if (x >= Dv) break;
        w[2 + x] = acc[t];
    }
}

/* Split-KV decode, pass 2: block (i, h, b) rescales the splits' partials to their common max and normalises. */
KX_GLOBAL void kx_attn_combine(KxTensor part, KxTensor out, KxAttnSplitParams p) {
    int64_t i = blockIdx.x, h = blockIdx.y, b = blockIdx.z;
    int64_t Hq = out.shape[1], Sq = out.shape[2], Dv = out.shape[3];
    if (i >= Sq || h >= Hq || b >= out.shape[0]) return;
    const float *r = (const float *)(uintptr_t)part.ptr + ((b * Hq + h) * Sq + i) * p.splits * (Dv + 2);
    float mx = -INFINITY;
    for (int s = 0; s < p.splits; s++) mx = fmaxf(mx, r[s * (Dv + 2)]);
    float l = 0;
    for (int s = 0; s < p.splits; s++) {
        float ms = r[s * (Dv + 2)];
        if (ms != -INFINITY) l += r[s * (Dv + 2) + 1] * expf(ms - mx);
    }
    for (int64_t x = threadIdx.x; x < Dv; x += blockDim.x) {
        float o = 0;
        for (int s = 0; s < p.splits; s++) {
            float ms = r[s * (Dv + 2)];
            if (ms != -INFINITY) o += r[s * (Dv + 2) + 2 + x] * expf(ms - mx);
        }
        kx_store(out, kx_at4(out, b, h, i, x), l > 0 ? o / l : 0.0f);   /* nothing visible: zeros */
    }
}

/*
 * Prefill on tensor cores (nvcc, sm_80+, bf16/f16, D = Dv a multiple of 16 up to 128): flash attention with
 * WMMA 16x16x16 tiles. A block of KX_MMA_WARPS warps serves 16 query rows per warp of one (head, batch); the
 * block stages each tile of 16 keys and values in shared memory (converted to the input type by kx_load, so any
 * strides work), each warp computes S = Q K^T into f32, runs the online softmax of its rows in f32 (one lane
 * per row: scale, mask, causal, KV lengths), rescales its f32 output rows and adds P V with P rounded to the
 * input type, as flash attention does. Grid (ceil(Sq / (16 * KX_MMA_WARPS)), Hq, B), block 32 * KX_MMA_WARPS.
 * kx_attention stays the path for every other dtype, head size, arch and vendor. Unmeasured on hardware.
 */
#define KX_MMA_WARPS 2
#define KX_MMA_DMAX 128

#if KX_HAS_WMMA
/* Shared-memory layout (bytes; every region 32-byte aligned as load_matrix_sync needs). */
#define KX_MMA_Q 0
#define KX_MMA_K (KX_MMA_Q + KX_MMA_WARPS * 16 * KX_MMA_DMAX * 2)
#define KX_MMA_V (KX_MMA_K + 16 * KX_MMA_DMAX * 2)
#define KX_MMA_P (KX_MMA_V + 16 * KX_MMA_DMAX * 2)
#define KX_MMA_S (KX_MMA_P + KX_MMA_WARPS * 256 * 2)
#define KX_MMA_O (KX_MMA_S + KX_MMA_WARPS * 256 * 4)
#define KX_MMA_M (KX_MMA_O + KX_MMA_WARPS * 16 * KX_MMA_DMAX * 4)
#define KX_MMA_L (KX_MMA_M + KX_MMA_WARPS * 16 * 4)
#define KX_MMA_C (KX_MMA_L + KX_MMA_WARPS * 16 * 4)
#define KX_MMA_BYTES (KX_MMA_C + KX_MMA_WARPS * 16 * 4)

template <typename T> KX_DEVICE T kx_mma_from(float f);
template <> __device__ __forceinline__ __half kx_mma_from<__half>(float f) { return __float2half_rn(f); }
template <> __device__ __forceinline__ __nv_bfloat16 kx_mma_from<__nv_bfloat16>(float f) { return __float2bfloat16_rn(f); }

template <typename T>
static __device__ void kx_prefill_mma(const KxTensor &q, const KxTensor &k, const KxTensor &v, const KxTensor &mask,
                                      const KxTensor &lens, const KxTensor &out, KxAttnParams p, unsigned char *smem) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
    using namespace nvcuda;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int64_t h = blockIdx.y, b = blockIdx.z;
    const int64_t Hq = q.shape[1], Sq = q.shape[2], D = q.shape[3], Hkv = k.shape[1], Sk = k.shape[2];
    const int64_t kh = h / (Hq / Hkv), row0 = (int64_t)blockIdx.x * (16 * KX_MMA_WARPS) + warp * 16;
    T *sq = (T *)(smem + KX_MMA_Q) + warp * 16 * KX_MMA_DMAX, *sk = (T *)(smem + KX_MMA_K);
    T *sv = (T *)(smem + KX_MMA_V), *sp = (T *)(smem + KX_MMA_P) + warp * 256;
    float *ss = (float *)(smem + KX_MMA_S) + warp * 256, *so = (float *)(smem + KX_MMA_O) + warp * 16 * KX_MMA_DMAX;
    float *sm = (float *)(smem + KX_MMA_M) + warp * 16, *sl = (float *)(smem + KX_MMA_L) + warp * 16;
    float *sc = (float *)(smem + KX_MMA_C) + warp * 16;
    for (int64_t e = lane; e < 16 * D; e += 32) {            /* Q rows past Sq are zeros; their output is dropped */
        int64_t r = e / D, x = e % D, i = row0 + r;
        sq[e] = kx_mma_from<T>(i < Sq ? (float)kx_load(q, kx_at4(q, b, h, i, x)) : 0.0f);
        so[e] = 0.0f;
    }
    if (lane < 16) {
        sm[lane] = -INFINITY;
        sl[lane] = 0.0f;
    }
    /* The block's last row sees the most keys (the causal limit grows with the row). */
    int64_t last = (int64_t)blockIdx.x * (16 * KX_MMA_WARPS) + 16 * KX_MMA_WARPS - 1;
    int64_t klimit = kx_attn_limit(lens, b, last < Sq ? last : Sq - 1, Sq, Sk, p.causal);
    KX_SYNC();
    for (int64_t j0 = 0; j0 < klimit; j0 += 16) {
        for (int64_t e = threadIdx.x; e < 16 * D; e += blockDim.x) {
            int64_t r = e / D, x = e % D, j = j0 + r;
            bool in = j < klimit;
            sk[e] = kx_mma_from<T>(in ? (float)kx_load(k, kx_at4(k, b, kh, j, x)) : 0.0f);
            sv[e] = kx_mma_from<T>(in ? (float)kx_load(v, kx_at4(v, b, kh, j, x)) : 0.0f);
        }
        KX_SYNC();
        wmma::fragment<wmma::accumulator, 16, 16, 16, float> fs;
        wmma::fill_fragment(fs, 0.0f);
        for (int64_t d0 = 0; d0 < D; d0 += 16) {
            wmma::fragment<wmma::matrix_a, 16, 16, 16, T, wmma::row_major> fa;
            wmma::fragment<wmma::matrix_b, 16, 16, 16, T, wmma::col_major> fb;   /* K^T: key n's row, column-major */
            wmma::load_matrix_sync(fa, sq + d0, (unsigned)D);
            wmma::load_matrix_sync(fb, sk + d0, (unsigned)D);
            wmma::mma_sync(fs, fa, fb, fs);
        }
        wmma::store_matrix_sync(ss, fs, 16, wmma::mem_row_major);
        __syncwarp();
        if (lane < 16) {                                      /* the online softmax of row lane, in f32 */
            int64_t i = row0 + lane;
            int64_t lim = i < Sq ? kx_attn_limit(lens, b, i, Sq, Sk, p.causal) : 0;
            float mo = sm[lane], mx = mo, sc16[16];
            for (int c = 0; c < 16; c++) {
                int64_t j = j0 + c;
                float s = -INFINITY;
                if (j < lim) {
                    s = p.scale * ss[lane * 16 + c];
                    if (mask.ptr) s += (float)kx_load(mask, kx_at4(mask, b, h, i, j));
                }
                sc16[c] = s;
                mx = fmaxf(mx, s);
            }
            float corr = (mo == -INFINITY || mx == -INFINITY) ? 0.0f : expf(mo - mx), ls = 0.0f;
            for (int c = 0; c < 16; c++) {
                float e = (sc16[c] == -INFINITY || mx == -INFINITY) ? 0.0f : expf(sc16[c] - mx);
                ls += e;
                sp[lane * 16 + c] = kx_mma_from<T>(e);
            }
            sl[lane] = sl[lane] * corr + ls;
            sm[lane] = mx;
            sc[lane] = corr;
        }
        __syncwarp();
        for (int64_t e = lane; e < 16 * D; e += 32) so[e] *= sc[e / D];
        __syncwarp();
        wmma::fragment<wmma::matrix_a, 16, 16, 16, T, wmma::row_major> fp;
        wmma::load_matrix_sync(fp, sp, 16);
        for (int64_t d0 = 0; d0 < D; d0 += 16) {
            wmma::fragment<wmma::accumulator, 16, 16, 16, float> fo;
            wmma::fragment<wmma::matrix_b, 16, 16, 16, T, wmma::row_major> fv;
            wmma::load_matrix_sync(fo, so + d0, (unsigned)D, wmma::mem_row_major);
            wmma::load_matrix_sync(fv, sv + d0, (unsigned)D);
            wmma::mma_sync(fo, fp, fv, fo);
            wmma::store_matrix_sync(so + d0, fo, (unsigned)D, wmma::mem_row_major);
        }
        KX_SYNC();                                            /* sk and sv are rewritten by the next tile */
    }
    __syncwarp();
    for (int64_t e = lane; e < 16 * D; e += 32) {
        int64_t r = e / D, x = e % D, i = row0 + r;
        if (i < Sq) kx_store(out, kx_at4(out, b, h, i, x), sl[r] > 0 ? so[e] / sl[r] : 0.0f);   /* none visible: 0 */
    }
#endif
}

KX_GLOBAL void kx_attn_prefill_mma(KxTensor q, KxTensor k, KxTensor v, KxTensor mask, KxTensor lens, KxTensor out,
                                   KxAttnParams p) {
    __shared__ __align__(32) unsigned char smem[KX_MMA_BYTES];
    if (blockIdx.y >= q.shape[1] || blockIdx.z >= q.shape[0]) return;
    if (q.dtype == KXK_BF16) kx_prefill_mma<__nv_bfloat16>(q, k, v, mask, lens, out, p, smem);
    else kx_prefill_mma<__half>(q, k, v, mask, lens, out, p, smem);
}
#endif

/*
 * The matmul epilogue after a GEMM that wrote acc = alpha * A * B (f32, or f64 for f64 inputs): y = act(acc +
 * beta * c + bias), rounded once to y's dtype. It covers what GEMM-Ex cannot: any output dtype, c and bias in
 * another dtype than the output, and the activation. c may be y itself (in place): each element is read before
 * it is written by the same thread.
 */
KX_GLOBAL void kx_epilogue(KxTensor acc, KxTensor c, KxTensor bias, KxTensor y, KxEpilogueParams p) {
    int64_t n = 1;
    for (int d = 0; d < y.rank; d++) n *= y.shape[d];
    int64_t step = (int64_t)gridDim.x * blockDim.x;
    if (acc.dtype == KXK_F32 && kx_f32ish(y.dtype) && kx_dense(acc) && kx_dense(y)) {
        float beta = (float)p.beta;
        for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
            float v = ((const float *)(uintptr_t)acc.ptr)[i];
            if (c.ptr) v += beta * (float)kx_load(c, kx_offset(c, i));
            if (bias.ptr) v += (float)kx_load(bias, kx_offset(bias, i));
            kx_storef(y.dtype, y.ptr, i, kx_activationf(p.act, v));
        }
        return;
    }
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
        double v = kx_load(acc, kx_offset(acc, i));
        if (c.ptr) v += p.beta * kx_load(c, kx_offset(c, i));
        if (bias.ptr) v += kx_load(bias, kx_offset(bias, i));
        kx_store(y, kx_offset(y, i), kx_activation(p.act, v));
    }
}

KX_GLOBAL void kxk_abi_version(KxTensor out) {
    if (blockIdx.x == 0 && threadIdx.x == 0) *(int32_t *)(uintptr_t)out.ptr = KXK_ABI_VERSION;
}
