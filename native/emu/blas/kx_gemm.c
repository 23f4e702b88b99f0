/*
 * kx_gemm.c - reference GEMM on a stream worker: fp32/fp16/bf16 (fp32
 * accumulation), fp64, and int8 -> int32. Correct before fast: op(A) and op(B)
 * are packed into contiguous rows, then each C element is one dot product.
 */
#include "kx_gemm.h"
#include "kx_half.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    kx_gemm_args a;
    double alpha, beta;          /* F32/F16/F64 scalars */
    long long ialpha, ibeta;     /* I32 scalars */
} gemm_task;

static size_t elsize(kx_dtype t) {
    switch (t) {
    case KX_DT_F64: return 8;
    case KX_DT_F32: case KX_DT_I32: return 4;
    case KX_DT_F16: case KX_DT_BF16: return 2;
    case KX_DT_I8: return 1;
    }
    return 0;
}

static int types_supported(const kx_gemm_args *g) {
    kx_dtype a = g->a_type, b = g->b_type, c = g->c_type;
    if (a != b) return 0;
    switch (g->compute) {
    case KX_CT_F16: return a == KX_DT_F16 && c == KX_DT_F16;
    case KX_CT_F32:
        if (a == KX_DT_I8) return c == KX_DT_F32;
        return (a == KX_DT_F32 || a == KX_DT_F16 || a == KX_DT_BF16) && (c == KX_DT_F32 || c == a);
    case KX_CT_F64: return a == KX_DT_F64 && c == KX_DT_F64;
    case KX_CT_I32: return a == KX_DT_I8 && c == KX_DT_I32;
    }
    return 0;
}

/* Every batch's rows x cols (leading dim ld) block must lie inside one allocation. */
static int range_ok(const void *base, kx_dtype t, int rows, int cols, int ld, long long stride, int batch) {
    size_t es = elsize(t);
    unsigned __int128 extent = ((unsigned __int128)(cols - 1) * (unsigned)ld + (unsigned)rows) * es;
    if (extent > (size_t)-1) return 0;
    for (int b = 0; b < batch; b++) {
        const char *p = (const char *)base + (long long)b * stride * (long long)es;
        if (kx_translate(p, (size_t)extent) == NULL) return 0;
    }
    return 1;
}

static double load_f(const void *p, size_t i, kx_dtype t) {
    switch (t) {
    case KX_DT_F32: return ((const float *)p)[i];
    case KX_DT_F64: return ((const double *)p)[i];
    case KX_DT_F16: return kx_half_to_float(((const uint16_t *)p)[i]);
    case KX_DT_BF16: return kx_bf16_to_float(((const uint16_t *)p)[i]);
    case KX_DT_I8: return ((const int8_t *)p)[i];
    case KX_DT_I32: return ((const int32_t *)p)[i];
    }
    return 0;
}

static void store_f(void *p, size_t i, kx_dtype t, double v) {
    switch (t) {
    case KX_DT_F32: ((float *)p)[i] = (float)v; break;
    case KX_DT_F64: ((double *)p)[i] = v; break;
    case KX_DT_F16: ((uint16_t *)p)[i] = kx_float_to_half((float)v); break;
    case KX_DT_BF16: ((uint16_t *)p)[i] = kx_float_to_bf16((float)v); break;
    case KX_DT_I8: ((int8_t *)p)[i] = (int8_t)v; break;
    case KX_DT_I32: ((int32_t *)p)[i] = (int32_t)v; break;
    }
}

/* x rounded to a 16-bit float type (f16/bf16), back in float. */
static float round_to(kx_dtype t, float x) {
    return t == KX_DT_BF16 ? kx_bf16_to_float(kx_float_to_bf16(x)) : kx_half_to_float(kx_float_to_half(x));
}

/* op(X) as `rows` contiguous rows of length `len`: out[r*len + p] = op(X)(r, p) for A,
 * or op(B)(p, r) for B (pass trans flipped), read column-major with leading dim ld. */
static void pack(double *out, const void *x, kx_dtype t, int rows, int len, int ld, int trans) {
    for (int r = 0; r < rows; r++)
        for (int p = 0; p < len; p++) {
            size_t idx = trans ? (size_t)r * (size_t)ld + (size_t)p : (size_t)p * (size_t)ld + (size_t)r;
            out[(size_t)r * (size_t)len + (size_t)p] = load_f(x, idx, t);
        }
}

static int run_one(const gemm_task *t, const void *A, const void *B, void *C, double *pa, double *pb) {
    const kx_gemm_args *g = &t->a;
    int m = g->m, n = g->n, k = g->k;
    int is_int = g->compute == KX_CT_I32;
    int use_ab = k > 0 && (is_int ? t->ialpha != 0 : t->alpha != 0.0);
    int reduce_in_c = g->split_k > 0 && k > g->split_k && g->compute == KX_CT_F32 &&
                      (g->c_type == KX_DT_BF16 || g->c_type == KX_DT_F16);
    if (use_ab) {
        pack(pa, A, g->a_type, m, k, g->lda, g->trans_a);      /* pa[i*k+p] = op(A)(i,p) */
        pack(pb, B, g->b_type, n, k, g->ldb, !g->trans_b);     /* pb[j*k+p] = op(B)(p,j) */
    }
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            size_t ci = (size_t)j * (size_t)g->ldc + (size_t)i;
            if (is_int) {
                long long acc = 0;
                if (use_ab)
                    for (int p = 0; p < k; p++)
                        acc += (long long)pa[(size_t)i * k + p] * (long long)pb[(size_t)j * k + p];
                long long v = t->ialpha * (long long)(int32_t)acc;
                if (t->ibeta != 0) v += t->ibeta * (long long)((int32_t *)C)[ci];
                ((int32_t *)C)[ci] = (int32_t)v;
            } else if (g->compute == KX_CT_F64) {
                double acc = 0;
                if (use_ab)
                    for (int p = 0; p < k; p++) acc += pa[(size_t)i * k + p] * pb[(size_t)j * k + p];
                double v = t->alpha * acc;
                if (t->beta != 0.0) v += t->beta * load_f(C, ci, g->c_type);   /* beta 0: C not read */
                store_f(C, ci, g->c_type, v);
            } else if (reduce_in_c) {
                /* Split-K: fp32 per slice, partial sums rounded to and added in C's type. */
                float total = 0;
                for (int p0 = 0; use_ab && p0 < k; p0 += g->split_k) {
                    int p1 = p0 + g->split_k < k ? p0 + g->split_k : k;
                    float acc = 0;
                    for (int p = p0; p < p1; p++)
                        acc += (float)pa[(size_t)i * k + p] * (float)pb[(size_t)j * k + p];
                    total = round_to(g->c_type, total + round_to(g->c_type, (float)t->alpha * acc));
                }
                if (t->beta != 0.0) total += (float)t->beta * (float)load_f(C, ci, g->c_type);
                store_f(C, ci, g->c_type, total);
            } else {
                float acc = 0;                                        /* fp32 accumulation */
                if (use_ab)
                    for (int p = 0; p < k; p++)
                        acc += (float)pa[(size_t)i * k + p] * (float)pb[(size_t)j * k + p];
                float v = (float)t->alpha * acc;
                if (t->beta != 0.0) v += (float)t->beta * (float)load_f(C, ci, g->c_type);
                store_f(C, ci, g->c_type, v);
            }
        }
    }
    return 1;
}

static void run_gemm(void *arg) {
    gemm_task *t = arg;
    const kx_gemm_args *g = &t->a;
    size_t ka = (size_t)(g->k > 0 ? g->k : 1);
    double *pa = malloc((size_t)g->m * ka * sizeof *pa);
    double *pb = malloc((size_t)g->n * ka * sizeof *pb);
    if (pa == NULL || pb == NULL) {
        kx_stream_set_error(kx_worker_stream(), KX_ERR_OUT_OF_MEMORY);
    } else {
        size_t ea = elsize(g->a_type), eb = elsize(g->b_type), ec = elsize(g->c_type);
        for (int b = 0; b < g->batch; b++) {
            /* Translate at run time: the memory may have been freed since the call. */
            const void *A = kx_translate((const char *)g->A + (long long)b * g->stride_a * (long long)ea, 0);
            const void *B = kx_translate((const char *)g->B + (long long)b * g->stride_b * (long long)eb, 0);
            void *C = kx_translate((char *)g->C + (long long)b * g->stride_c * (long long)ec, 0);
            if (C == NULL || (g->k > 0 && (A == NULL || B == NULL))) {
                kx_stream_set_error(kx_worker_stream(), KX_ERR_ILLEGAL_ADDRESS);
                break;
            }
            run_one(t, A, B, C, pa, pb);
        }
    }
    free(pa);
    free(pb);
    free(t);
}

static double read_scalar(const void *p, kx_ctype c) {
    switch (c) {
    case KX_CT_F32: return *(const float *)p;
    case KX_CT_F64: return *(const double *)p;
    case KX_CT_F16: return kx_half_to_float(*(const uint16_t *)p);
    case KX_CT_I32: return *(const int32_t *)p;
    }
    return 0;
}

kx_gemm_status kx_gemm_enqueue(kx_stream *s, const kx_gemm_args *g) {
    if (s == NULL) return KX_GEMM_BAD_STREAM;
    if (g->m < 0 || g->n < 0 || g->k < 0 || g->batch < 0) return KX_GEMM_BAD_SIZE;
    int rows_a = g->trans_a ? g->k : g->m, cols_a = g->trans_a ? g->m : g->k;
    int rows_b = g->trans_b ? g->n : g->k, cols_b = g->trans_b ? g->k : g->n;
    if (g->lda < (rows_a > 1 ? rows_a : 1) || g->ldb < (rows_b > 1 ? rows_b : 1) ||
        g->ldc < (g->m > 1 ? g->m : 1))
        return KX_GEMM_BAD_SIZE;
    if (!types_supported(g)) return KX_GEMM_NOT_SUPPORTED;
    if (g->m == 0 || g->n == 0 || g->batch == 0) return KX_GEMM_OK;   /* quick return */

    /* Pointer mode is "host": the scalars are read now, and must be host memory. */
    if (g->alpha == NULL || g->beta == NULL || kx_is_device_addr(g->alpha) || kx_is_device_addr(g->beta))
        return KX_GEMM_BAD_POINTER;
    if (g->C == NULL || !range_ok(g->C, g->c_type, g->m, g->n, g->ldc, g->stride_c, g->batch))
        return KX_GEMM_BAD_POINTER;
    if (g->k > 0 &&
        (g->A == NULL || g->B == NULL ||
         !range_ok(g->A, g->a_type, rows_a, cols_a, g->lda, g->stride_a, g->batch) ||
         !range_ok(g->B, g->b_type, rows_b, cols_b, g->ldb, g->stride_b, g->batch)))
        return KX_GEMM_BAD_POINTER;

    gemm_task *t = malloc(sizeof *t);
    if (t == NULL) return KX_GEMM_NO_MEMORY;
    t->a = *g;
    if (t->a.batch == 1) t->a.stride_a = t->a.stride_b = t->a.stride_c = 0;
    t->alpha = read_scalar(g->alpha, g->compute);
    t->beta = read_scalar(g->beta, g->compute);
    t->ialpha = (long long)t->alpha;
    t->ibeta = (long long)t->beta;
    int rc = kx_stream_enqueue(s, run_gemm, t);
    if (rc != KX_OK) {
        free(t);
        return rc == KX_ERR_OUT_OF_MEMORY ? KX_GEMM_NO_MEMORY : KX_GEMM_BAD_STREAM;
    }
    return KX_GEMM_OK;
}
