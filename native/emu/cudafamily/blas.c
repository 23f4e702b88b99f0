/*
 * blas.c - cuBLAS-family handle API and GEMMs (cublas*, hipblas*, mublas*,
 * sublas*) over kx_gemm. Each dialect keeps its own enum values and status
 * codes (tables below); the work runs on the handle's stream worker.
 */
#include "dialect.h"
#include "../blas/kx_gemm.h"

#include <stdlib.h>

/* ------------------------------------------------------------------------- */
/* Per-dialect status codes and enum tables                                  */
/* ------------------------------------------------------------------------- */

#if defined(KX_DIALECT_CUDA)
typedef cublasStatus_t blas_status;
typedef cublasHandle_t blas_handle;
#  define ST_OK CUBLAS_STATUS_SUCCESS
#  define ST_BAD_HANDLE CUBLAS_STATUS_NOT_INITIALIZED
#  define ST_NULL_HANDLE CUBLAS_STATUS_NOT_INITIALIZED
#  define ST_ALLOC CUBLAS_STATUS_ALLOC_FAILED
#  define ST_SIZE CUBLAS_STATUS_INVALID_VALUE
#  define ST_POINTER CUBLAS_STATUS_INVALID_VALUE
#  define ST_ENUM CUBLAS_STATUS_INVALID_VALUE
#  define ST_NOT_SUPPORTED CUBLAS_STATUS_NOT_SUPPORTED
#  define ST_EXEC CUBLAS_STATUS_EXECUTION_FAILED
#  define OP_N CUBLAS_OP_N
#  define OP_T CUBLAS_OP_T
#  define OP_C CUBLAS_OP_C
#  define DT_R(x) CUDA_R_##x   /* the element-type enumerator CUDA_R_<x> */
#elif defined(KX_DIALECT_HIP)
typedef hipblasStatus_t blas_status;
typedef hipblasHandle_t blas_handle;
#  define ST_OK HIPBLAS_STATUS_SUCCESS
#  define ST_BAD_HANDLE HIPBLAS_STATUS_NOT_INITIALIZED
#  define ST_NULL_HANDLE HIPBLAS_STATUS_HANDLE_IS_NULLPTR
#  define ST_ALLOC HIPBLAS_STATUS_ALLOC_FAILED
#  define ST_SIZE HIPBLAS_STATUS_INVALID_VALUE
#  define ST_POINTER HIPBLAS_STATUS_INVALID_VALUE
#  define ST_ENUM HIPBLAS_STATUS_INVALID_ENUM
#  define ST_NOT_SUPPORTED HIPBLAS_STATUS_NOT_SUPPORTED
#  define ST_EXEC HIPBLAS_STATUS_EXECUTION_FAILED
#  define OP_N HIPBLAS_OP_N
#  define OP_T HIPBLAS_OP_T
#  define OP_C HIPBLAS_OP_C
#  define DT_R(x) HIP_R_##x   /* the element-type enumerator HIP_R_<x> */
#elif defined(KX_DIALECT_MUSA)
/* rocBLAS-style statuses (numbers I): sizes and pointers are told apart. */
typedef mublasStatus_t blas_status;
typedef mublasHandle_t blas_handle;
#  define ST_OK MUBLAS_STATUS_SUCCESS
#  define ST_BAD_HANDLE MUBLAS_STATUS_INVALID_HANDLE
#  define ST_NULL_HANDLE MUBLAS_STATUS_INVALID_HANDLE
#  define ST_ALLOC MUBLAS_STATUS_MEMORY_ERROR
#  define ST_SIZE MUBLAS_STATUS_INVALID_SIZE
#  define ST_POINTER MUBLAS_STATUS_INVALID_POINTER
#  define ST_ENUM MUBLAS_STATUS_INVALID_VALUE
#  define ST_NOT_SUPPORTED MUBLAS_STATUS_NOT_IMPLEMENTED
#  define ST_EXEC MUBLAS_STATUS_INTERNAL_ERROR
#  define OP_N MUBLAS_OP_N
#  define OP_T MUBLAS_OP_T
#  define OP_C MUBLAS_OP_C
#  define DT_R(x) MUSA_R_##x   /* the element-type enumerator MUSA_R_<x> */
#else /* SUPA: cuBLAS-shaped (values I) */
typedef sublasStatus_t blas_status;
typedef sublasHandle_t blas_handle;
#  define ST_OK SUBLAS_STATUS_SUCCESS
#  define ST_BAD_HANDLE SUBLAS_STATUS_NOT_INITIALIZED
#  define ST_NULL_HANDLE SUBLAS_STATUS_NOT_INITIALIZED
#  define ST_ALLOC SUBLAS_STATUS_ALLOC_FAILED
#  define ST_SIZE SUBLAS_STATUS_INVALID_VALUE
#  define ST_POINTER SUBLAS_STATUS_INVALID_VALUE
#  define ST_ENUM SUBLAS_STATUS_INVALID_VALUE
#  define ST_NOT_SUPPORTED SUBLAS_STATUS_NOT_SUPPORTED
#  define ST_EXEC SUBLAS_STATUS_EXECUTION_FAILED
#  define OP_N SUBLAS_OP_N
#  define OP_T SUBLAS_OP_T
#  define OP_C SUBLAS_OP_C
#  define DT_R(x) SUPA_R_##x   /* the element-type enumerator SUPA_R_<x> */
#endif

/* Main element-type enum of the dialect (cudaDataType, hipDataType, musaDataType_t, supaDataType). */
static int map_dtype(int v, kx_dtype *out) {
    switch (v) {
    case DT_R(32F): *out = KX_DT_F32; return 0;
    case DT_R(64F): *out = KX_DT_F64; return 0;
    case DT_R(16F): *out = KX_DT_F16; return 0;
    case DT_R(16BF): *out = KX_DT_BF16; return 0;
    case DT_R(8I): *out = KX_DT_I8; return 0;
    case DT_R(32I): *out = KX_DT_I32; return 0;
    default: return -1;
    }
}

#if defined(KX_DIALECT_CUDA) || defined(KX_DIALECT_MUSA)
/* An element-type enumerator as the compute type. cuBLAS before 11 took a cudaDataType there, as
 * CUDA 10.2-level layers (Hygon DTK's CUDA layer, Iluvatar CoreX) still do (U: InfiniCore's GEMM
 * for these chips passes CUDA_R_32F); cuBLAS 11+ still maps those values (I; they cannot collide
 * with 64..77). muBLAS's plain C mublasGemmEx takes a musaDataType_t (I). */
static int dtype_as_compute(int v, kx_ctype *out) {
    switch (v) {
    case DT_R(16F): *out = KX_CT_F16; return 0;
    case DT_R(32F): *out = KX_CT_F32; return 0;
    case DT_R(64F): *out = KX_CT_F64; return 0;
    case DT_R(32I): *out = KX_CT_I32; return 0;
    default: return -1;
    }
}
#endif

/* Compute type of the main GEMM-Ex entry points. */
static int map_compute(int v, kx_ctype *out) {
#if defined(KX_DIALECT_CUDA) && defined(KX_CUDA_LEGACY_COMPUTE)
    /* CUBLAS_COMPUTE_32F (68) is an invalid value at that level. */
    return dtype_as_compute(v, out);
#else
    switch (v) {
#  if defined(KX_DIALECT_CUDA)
    case CUBLAS_COMPUTE_16F: case CUBLAS_COMPUTE_16F_PEDANTIC: *out = KX_CT_F16; return 0;
    case CUBLAS_COMPUTE_32F: case CUBLAS_COMPUTE_32F_PEDANTIC: case CUBLAS_COMPUTE_32F_FAST_16F:
    case CUBLAS_COMPUTE_32F_FAST_16BF: case CUBLAS_COMPUTE_32F_FAST_TF32: *out = KX_CT_F32; return 0;
    case CUBLAS_COMPUTE_64F: case CUBLAS_COMPUTE_64F_PEDANTIC: *out = KX_CT_F64; return 0;
    case CUBLAS_COMPUTE_32I: case CUBLAS_COMPUTE_32I_PEDANTIC: *out = KX_CT_I32; return 0;
#  elif defined(KX_DIALECT_HIP)
    case HIPBLAS_COMPUTE_16F: case HIPBLAS_COMPUTE_16F_PEDANTIC: *out = KX_CT_F16; return 0;
    case HIPBLAS_COMPUTE_32F: case HIPBLAS_COMPUTE_32F_PEDANTIC: case HIPBLAS_COMPUTE_32F_FAST_16F:
    case HIPBLAS_COMPUTE_32F_FAST_16BF: case HIPBLAS_COMPUTE_32F_FAST_TF32: *out = KX_CT_F32; return 0;
    case HIPBLAS_COMPUTE_64F: case HIPBLAS_COMPUTE_64F_PEDANTIC: *out = KX_CT_F64; return 0;
    case HIPBLAS_COMPUTE_32I: case HIPBLAS_COMPUTE_32I_PEDANTIC: *out = KX_CT_I32; return 0;
#  elif defined(KX_DIALECT_MUSA)
    case MUBLAS_COMPUTE_16F: *out = KX_CT_F16; return 0;
    case MUBLAS_COMPUTE_32F: case MUBLAS_COMPUTE_32F_FAST_TF32: *out = KX_CT_F32; return 0;
    case MUBLAS_COMPUTE_64F: *out = KX_CT_F64; return 0;
    case MUBLAS_COMPUTE_32I: *out = KX_CT_I32; return 0;
#  else
    /* Only 32F and 32F_FAST_TF32 are supported (V: suBLAS docs); the other documented names
     * are not supported, and there is no 64F: f64 GEMM has no compute type. */
    case SUBLAS_COMPUTE_32F: case SUBLAS_COMPUTE_32F_FAST_TF32: *out = KX_CT_F32; return 0;
#  endif
    default:
#  if defined(KX_DIALECT_CUDA)
        return dtype_as_compute(v, out);
#  else
        return -1;
#  endif
    }
#endif
}

static int algo_ok(int a) {
#if defined(KX_DIALECT_CUDA) || defined(KX_DIALECT_SUPA)
    return a == -1 || (a >= 0 && a <= 23) || (a >= 99 && a <= 115);
#elif defined(KX_DIALECT_HIP)
    return a == HIPBLAS_GEMM_DEFAULT;
#else
    return a == MUBLAS_GEMM_DEFAULT || a == MUBLAS_GEMM_DEFAULT_TENSOR_OP;
#endif
}

static int map_op(int op, int *trans) {
    if (op == OP_N) *trans = 0;
    else if (op == OP_T || op == OP_C) *trans = 1;   /* conjugate = transpose for real types */
    else return -1;
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Handles                                                                   */
/* ------------------------------------------------------------------------- */

static const char HANDLE_KIND[] = KX_DIALECT_NAME "-blas-handle";

typedef struct {
    int phys;            /* device current at create time */
    void *stream;        /* as given to SetStream; NULL = default stream */
    int math_mode;       /* cuBLAS only: cublasMath_t, CUBLAS_DEFAULT_MATH after create */
} blas_ctx;

#if defined(KX_DIALECT_CUDA) && !defined(KX_CUDA_LEGACY_COMPUTE)
/* The split-K model of cuBLAS's default math mode (I: the slice length and the threshold are the
 * emulator's choice; the rounding of partial sums to the output type is what the H200 showed, 121
 * bf16 ulps on 4x2048x9, and what CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION turns off). */
#  define KX_SPLIT_K_MIN 1024
#  define KX_SPLIT_K_SLICE 256
#endif

static void ctx_destroy(void *h) { free(h); }

#define BLAS_ENTER_NAMED(name)                                       \
    do {                                                             \
        kx_init();                                                   \
        int f_ = kx_fault_check(name);                               \
        if (f_ != 0) return (blas_status)f_;                         \
    } while (0)
#define BLAS_ENTER() BLAS_ENTER_NAMED(__func__)

static blas_status check_handle(blas_handle h) {
    if (h == NULL) return ST_NULL_HANDLE;
    return kx_handle_is_live(h, HANDLE_KIND) ? ST_OK : ST_BAD_HANDLE;
}

KX_EXPORT blas_status BL(Create)(blas_handle *handle) {
    BLAS_ENTER();
    if (handle == NULL) return ST_POINTER;
    int phys = kx_current_physical();
    if (phys < 0) return ST_BAD_HANDLE;      /* no device: library cannot initialise */
    blas_ctx *c = calloc(1, sizeof *c);
    if (c == NULL) return ST_ALLOC;
    c->phys = phys;
    if (kx_handle_register(c, HANDLE_KIND, ctx_destroy) != KX_OK) {
        free(c);
        return ST_ALLOC;
    }
    *handle = (blas_handle)c;
    return ST_OK;
}

KX_EXPORT blas_status BL(Destroy)(blas_handle handle) {
    BLAS_ENTER();
    blas_status st = check_handle(handle);
    if (st != ST_OK) return st;
    kx_handle_unregister(handle, HANDLE_KIND);
    free(handle);
    return ST_OK;
}

KX_EXPORT blas_status BL(SetStream)(blas_handle handle, kx_rt_stream stream) {
    BLAS_ENTER();
    blas_status st = check_handle(handle);
    if (st != ST_OK) return st;
    if ((uintptr_t)stream > 2 && !kx_stream_is_live(stream)) return ST_SIZE;   /* invalid value */
    ((blas_ctx *)handle)->stream = (void *)stream;
    return ST_OK;
}

#if defined(KX_DIALECT_CUDA)
/* A mode (0..3) with, on cuBLAS 11+, the DISALLOW flag or-ed in (V: cuBLAS docs). The
 * CUDA 10.2-level layers have no such flag (I). */
KX_EXPORT cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode) {
    BLAS_ENTER();
    blas_status st = check_handle(handle);
    if (st != ST_OK) return st;
#  if defined(KX_CUDA_LEGACY_COMPUTE)
    int flags = 0;
#  else
    int flags = CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION;
#  endif
    int m = (int)mode;
    if ((m & ~(flags | 3)) != 0) return CUBLAS_STATUS_INVALID_VALUE;
    ((blas_ctx *)handle)->math_mode = m;
    return ST_OK;
}

KX_EXPORT cublasStatus_t cublasGetMathMode(cublasHandle_t handle, cublasMath_t *mode) {
    BLAS_ENTER();
    blas_status st = check_handle(handle);
    if (st != ST_OK) return st;
    if (mode == NULL) return CUBLAS_STATUS_INVALID_VALUE;
    *mode = (cublasMath_t)((blas_ctx *)handle)->math_mode;
    return ST_OK;
}
#endif

/* ------------------------------------------------------------------------- */
/* GEMM                                                                      */
/* ------------------------------------------------------------------------- */

static blas_status submit(blas_handle handle, kx_gemm_args *g) {
    blas_status st = check_handle(handle);
    if (st != ST_OK) return st;
    blas_ctx *c = (blas_ctx *)handle;
    kx_stream *s = (uintptr_t)c->stream <= 2 ? kx_default_stream(c->phys)
                                              : kx_stream_resolve(c->stream, NULL);
    switch (kx_gemm_enqueue(s, g)) {
    case KX_GEMM_OK: return ST_OK;
    case KX_GEMM_BAD_SIZE: return ST_SIZE;
    case KX_GEMM_BAD_POINTER: return ST_POINTER;
    case KX_GEMM_BAD_ENUM: return ST_ENUM;
    case KX_GEMM_NOT_SUPPORTED: return ST_NOT_SUPPORTED;
    case KX_GEMM_NO_MEMORY: return ST_ALLOC;
    default: return ST_EXEC;       /* the handle's stream was destroyed */
    }
}

/* Fills the common fields; enums are checked by the caller. */
static blas_status gemm_args(kx_gemm_args *g, int opa, int opb, int m, int n, int k,
                             const void *alpha, const void *A, int lda, long long sa,
                             const void *B, int ldb, long long sb, const void *beta,
                             void *C, int ldc, long long sc, int batch) {
    *g = (kx_gemm_args){0};
    if (map_op(opa, &g->trans_a) != 0 || map_op(opb, &g->trans_b) != 0) return ST_ENUM;
    g->m = m; g->n = n; g->k = k;
    g->A = A; g->B = B; g->C = C;
    g->lda = lda; g->ldb = ldb; g->ldc = ldc;
    g->stride_a = sa; g->stride_b = sb; g->stride_c = sc;
    g->batch = batch;
    g->alpha = alpha; g->beta = beta;
    return ST_OK;
}

typedef int (*dtype_reader)(int v, kx_dtype *out);
typedef int (*compute_reader)(int v, kx_ctype *out);

/* GEMM-Ex whose element and compute types are read by dt and ct: the dialect's main enums
 * (map_dtype, map_compute) or a legacy entry point's. */
static blas_status gemm_ex(dtype_reader dt, compute_reader ct_of, blas_handle handle, int opa, int opb,
                           int m, int n, int k, const void *alpha, const void *A, int at, int lda,
                           long long sa, const void *B, int bt, int ldb, long long sb, const void *beta,
                           void *C, int ct, int ldc, long long sc, int batch, int compute, int algo) {
    blas_status st = check_handle(handle);
    if (st != ST_OK) return st;
    kx_gemm_args g;
    st = gemm_args(&g, opa, opb, m, n, k, alpha, A, lda, sa, B, ldb, sb, beta, C, ldc, sc, batch);
    if (st != ST_OK) return st;
    if (dt(at, &g.a_type) || dt(bt, &g.b_type) || dt(ct, &g.c_type) || ct_of(compute, &g.compute) ||
        !algo_ok(algo))
        return ST_ENUM;
#ifdef KX_SPLIT_K_MIN
    if (!(((blas_ctx *)handle)->math_mode & CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION) && k >= KX_SPLIT_K_MIN)
        g.split_k = KX_SPLIT_K_SLICE;
#endif
    return submit(handle, &g);
}

KX_EXPORT blas_status BL(Sgemm)(blas_handle handle, BL(Operation_t) transa, BL(Operation_t) transb,
                                int m, int n, int k, const float *alpha, const float *A, int lda,
                                const float *B, int ldb, const float *beta, float *C, int ldc) {
    BLAS_ENTER();
    blas_status st = check_handle(handle);
    if (st != ST_OK) return st;
    kx_gemm_args g;
    st = gemm_args(&g, transa, transb, m, n, k, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1);
    if (st != ST_OK) return st;
    g.a_type = g.b_type = g.c_type = KX_DT_F32;
    g.compute = KX_CT_F32;
    return submit(handle, &g);
}

#if defined(KX_DIALECT_HIP)
#  define STRIDE_T hipblasStride      /* int64_t, i.e. long, not long long */
#else
#  define STRIDE_T long long
#endif

#if defined(KX_DIALECT_CUDA)
#  define DT_T cudaDataType
#elif defined(KX_DIALECT_HIP)
#  define DT_T hipDataType
#elif defined(KX_DIALECT_MUSA)
#  define DT_T musaDataType_t
#else
#  define DT_T supaDataType
#endif

#if defined(KX_DIALECT_HIP)
/* hipBLAS 2.x "_v2": hipDataType + hipblasComputeType_t. */
#  define GEMM_EX_NAME hipblasGemmEx_v2
#  define GEMM_SB_NAME hipblasGemmStridedBatchedEx_v2
#elif defined(KX_DIALECT_MUSA)
/* muBLAS: the compute-type overload is the C++-mangled symbol (asm label in mublas.h). */
#  define GEMM_EX_NAME mublasGemmEx_computeType
#  define GEMM_SB_NAME mublasGemmStridedBatchedEx_computeType
#else
#  define GEMM_EX_NAME BL(GemmEx)
#  define GEMM_SB_NAME BL(GemmStridedBatchedEx)
#endif

#if defined(KX_DIALECT_MUSA)
#  define GEMM_EX_FAULT MUBLAS_GEMMEX_COMPUTE_SYMBOL
#  define GEMM_SB_FAULT MUBLAS_GEMMSTRIDEDBATCHEDEX_COMPUTE_SYMBOL
#else
#  define GEMM_EX_FAULT __func__
#  define GEMM_SB_FAULT __func__
#endif

KX_EXPORT blas_status GEMM_EX_NAME(blas_handle handle, BL(Operation_t) transa, BL(Operation_t) transb,
                                   int m, int n, int k, const void *alpha,
                                   const void *A, DT_T Atype, int lda, const void *B, DT_T Btype, int ldb,
                                   const void *beta, void *C, DT_T Ctype, int ldc,
                                   BL(ComputeType_t) computeType, BL(GemmAlgo_t) algo) {
    BLAS_ENTER_NAMED(GEMM_EX_FAULT);
    return gemm_ex(map_dtype, map_compute, handle, transa, transb, m, n, k, alpha, A, Atype, lda, 0,
                   B, Btype, ldb, 0, beta, C, Ctype, ldc, 0, 1, computeType, algo);
}

KX_EXPORT blas_status GEMM_SB_NAME(blas_handle handle, BL(Operation_t) transa, BL(Operation_t) transb,
                                   int m, int n, int k, const void *alpha,
                                   const void *A, DT_T Atype, int lda, STRIDE_T strideA,
                                   const void *B, DT_T Btype, int ldb, STRIDE_T strideB,
                                   const void *beta, void *C, DT_T Ctype, int ldc, STRIDE_T strideC,
                                   int batchCount, BL(ComputeType_t) computeType, BL(GemmAlgo_t) algo) {
    BLAS_ENTER_NAMED(GEMM_SB_FAULT);
    return gemm_ex(map_dtype, map_compute, handle, transa, transb, m, n, k, alpha, A, Atype, lda, strideA,
                   B, Btype, ldb, strideB, beta, C, Ctype, ldc, strideC, batchCount, computeType, algo);
}

/* ------------------------------------------------------------------------- */
/* Legacy GEMM-Ex forms                                                      */
/* ------------------------------------------------------------------------- */

#if defined(KX_DIALECT_HIP)
/* hipBLAS 2.x plain names: hipblasDatatype_t (150..) for the types and the compute type. */
static int legacy_dtype(int v, kx_dtype *out) {
    switch (v) {
    case HIPBLAS_R_32F: *out = KX_DT_F32; return 0;
    case HIPBLAS_R_64F: *out = KX_DT_F64; return 0;
    case HIPBLAS_R_16F: *out = KX_DT_F16; return 0;
    case HIPBLAS_R_16B: *out = KX_DT_BF16; return 0;
    case HIPBLAS_R_8I: *out = KX_DT_I8; return 0;
    case HIPBLAS_R_32I: *out = KX_DT_I32; return 0;
    default: return -1;
    }
}

static int legacy_compute(int v, kx_ctype *out) {
    switch (v) {
    case HIPBLAS_R_16F: *out = KX_CT_F16; return 0;
    case HIPBLAS_R_32F: *out = KX_CT_F32; return 0;
    case HIPBLAS_R_64F: *out = KX_CT_F64; return 0;
    case HIPBLAS_R_32I: *out = KX_CT_I32; return 0;
    default: return -1;
    }
}
#  define LEGACY_DT_T hipblasDatatype_t
#  define LEGACY_CT_T hipblasDatatype_t
#  define LEGACY_EX_NAME hipblasGemmEx
#  define LEGACY_SB_NAME hipblasGemmStridedBatchedEx
#elif defined(KX_DIALECT_MUSA)
/* muBLAS plain C mublasGemmEx: the compute type is a musaDataType_t (I). */
static int legacy_dtype(int v, kx_dtype *out) { return map_dtype(v, out); }

static int legacy_compute(int v, kx_ctype *out) { return dtype_as_compute(v, out); }
#  define LEGACY_DT_T musaDataType_t
#  define LEGACY_CT_T musaDataType_t
#  define LEGACY_EX_NAME mublasGemmEx
#endif

#ifdef LEGACY_EX_NAME
KX_EXPORT blas_status LEGACY_EX_NAME(blas_handle handle, BL(Operation_t) transa, BL(Operation_t) transb,
                                     int m, int n, int k, const void *alpha,
                                     const void *A, LEGACY_DT_T Atype, int lda,
                                     const void *B, LEGACY_DT_T Btype, int ldb, const void *beta,
                                     void *C, LEGACY_DT_T Ctype, int ldc,
                                     LEGACY_CT_T computeType, BL(GemmAlgo_t) algo) {
    BLAS_ENTER();
    return gemm_ex(legacy_dtype, legacy_compute, handle, transa, transb, m, n, k, alpha, A, Atype, lda, 0,
                   B, Btype, ldb, 0, beta, C, Ctype, ldc, 0, 1, computeType, algo);
}
#endif

#ifdef LEGACY_SB_NAME
KX_EXPORT blas_status LEGACY_SB_NAME(blas_handle handle, BL(Operation_t) transa, BL(Operation_t) transb,
                                     int m, int n, int k, const void *alpha,
                                     const void *A, LEGACY_DT_T Atype, int lda, hipblasStride strideA,
                                     const void *B, LEGACY_DT_T Btype, int ldb, hipblasStride strideB,
                                     const void *beta, void *C, LEGACY_DT_T Ctype, int ldc,
                                     hipblasStride strideC, int batchCount,
                                     LEGACY_CT_T computeType, BL(GemmAlgo_t) algo) {
    BLAS_ENTER();
    return gemm_ex(legacy_dtype, legacy_compute, handle, transa, transb, m, n, k, alpha, A, Atype, lda,
                   strideA, B, Btype, ldb, strideB, beta, C, Ctype, ldc, strideC, batchCount, computeType,
                   algo);
}
#endif

#if defined(KX_DIALECT_MUSA)
/* Plain C mublasGemmStridedBatchedEx (linkage unknown, I): same as the mangled one. */
KX_EXPORT blas_status mublasGemmStridedBatchedEx(blas_handle handle, mublasOperation_t transa,
                                                 mublasOperation_t transb, int m, int n, int k,
                                                 const void *alpha, const void *A, musaDataType_t Atype,
                                                 int lda, long long strideA, const void *B,
                                                 musaDataType_t Btype, int ldb, long long strideB,
                                                 const void *beta, void *C, musaDataType_t Ctype, int ldc,
                                                 long long strideC, int batchCount,
                                                 mublasComputeType_t computeType, mublasGemmAlgo_t algo) {
    BLAS_ENTER();
    return gemm_ex(map_dtype, map_compute, handle, transa, transb, m, n, k, alpha, A, Atype, lda, strideA,
                   B, Btype, ldb, strideB, beta, C, Ctype, ldc, strideC, batchCount, computeType, algo);
}
#endif

/* ------------------------------------------------------------------------- */
/* Status strings                                                            */
/* ------------------------------------------------------------------------- */

#if defined(KX_DIALECT_CUDA) || defined(KX_DIALECT_SUPA)
/* cuBLAS's sentences (I: as printed by cublasGetStatusString in cuBLAS 11/12). */
#  define P(x) KX_STR(x)
#  if defined(KX_DIALECT_CUDA)
#    define S(x) CUBLAS_STATUS_##x
#  else
#    define S(x) SUBLAS_STATUS_##x
#  endif
#  define KX_BLAS_TEXTS(X)                                                                     \
    X(S(SUCCESS), "the operation completed successfully")                                      \
    X(S(NOT_INITIALIZED), "the library was not initialized")                                   \
    X(S(ALLOC_FAILED), "the resource allocation failed")                                       \
    X(S(INVALID_VALUE), "an invalid numeric value was used as an argument")                    \
    X(S(ARCH_MISMATCH), "an absent device architectural feature is required")                  \
    X(S(MAPPING_ERROR), "an access to GPU memory space failed")                                \
    X(S(EXECUTION_FAILED), "the GPU program failed to execute")                                \
    X(S(INTERNAL_ERROR), "an internal operation failed")                                       \
    X(S(NOT_SUPPORTED), "the functionality requested is not supported")

static const char *status_text(int s, int name) {
    switch (s) {
#  define CASE(code, text) case code: return name ? P(code) : text;
    KX_BLAS_TEXTS(CASE)
#  undef CASE
#  if defined(KX_DIALECT_CUDA)
    case CUBLAS_STATUS_LICENSE_ERROR:
        return name ? "CUBLAS_STATUS_LICENSE_ERROR" : "error detected trying to check the license";
#  endif
    default: return name ? "CUBLAS_STATUS_UNKNOWN" : "unknown error";
    }
}

KX_EXPORT const char *BL(GetStatusString)(blas_status status) { return status_text((int)status, 0); }
#  if defined(KX_DIALECT_CUDA)
KX_EXPORT const char *cublasGetStatusName(cublasStatus_t status) { return status_text((int)status, 1); }
#  endif
#elif defined(KX_DIALECT_HIP)
KX_EXPORT const char *hipblasStatusToString(hipblasStatus_t status) {
    switch ((int)status) {
#  define CASE(name, value) case value: return #name;
    KX_HIPBLAS_STATUS(CASE)
#  undef CASE
    default: return "<undefined hipblasStatus_t value>";
    }
}
#else
KX_EXPORT const char *mublasStatus_to_string(mublasStatus_t status) {
    switch ((int)status) {
#  define CASE(name, value) case value: return #name;
    KX_MUBLAS_STATUS(CASE)
#  undef CASE
    default: return "MUBLAS_STATUS_UNKNOWN";
    }
}
#endif
