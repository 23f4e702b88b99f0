/*
 * kx_gemm.h - the column-major BLAS GEMM every *BLAS emulator shares:
 *   C[b] = alpha * op(A[b]) * op(B[b]) + beta * C[b],  b < batch
 * Dialects translate their enum values into these and map kx_gemm_status
 * back to their status codes.
 */
#ifndef KX_GEMM_H
#define KX_GEMM_H

#include "../core/kx_emu.h"

#pragma GCC visibility push(hidden)

typedef enum { KX_DT_F32, KX_DT_F64, KX_DT_F16, KX_DT_BF16, KX_DT_I8, KX_DT_I32 } kx_dtype;
typedef enum { KX_CT_F32, KX_CT_F64, KX_CT_F16, KX_CT_I32 } kx_ctype;

typedef enum {
    KX_GEMM_OK = 0,
    KX_GEMM_BAD_SIZE,       /* m/n/k/batch < 0, ld too small */
    KX_GEMM_BAD_POINTER,    /* NULL or not inside one device allocation; alpha/beta not host */
    KX_GEMM_BAD_ENUM,       /* dialect-side: unknown enum value */
    KX_GEMM_NOT_SUPPORTED,  /* known types in an unsupported combination */
    KX_GEMM_NO_MEMORY,
    KX_GEMM_BAD_STREAM
} kx_gemm_status;

typedef struct {
    int trans_a, trans_b;        /* 0 = N, 1 = T (C is T for real types) */
    int m, n, k;
    const void *A, *B;           /* device addresses */
    void *C;
    int lda, ldb, ldc;
    long long stride_a, stride_b, stride_c;   /* elements; used when batch > 1 */
    int batch;
    kx_dtype a_type, b_type, c_type;
    kx_ctype compute;
    const void *alpha, *beta;    /* host pointers, type given by `compute` */
    /* Models a split-K GEMM that reduces its partial sums in the output type
     * (cuBLAS without CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION): when
     * > 0 and C is f16/bf16 with 32F compute, each K slice of this length is
     * summed in fp32, rounded to C's type, and the slices are added in C's
     * type. 0: one fp32 accumulation over all of K. */
    int split_k;
} kx_gemm_args;

/*
 * Validates the arguments now (sizes, type combination, every matrix range
 * inside one live allocation) and queues the computation on s.
 */
kx_gemm_status kx_gemm_enqueue(kx_stream *s, const kx_gemm_args *args);

#pragma GCC visibility pop

#endif
