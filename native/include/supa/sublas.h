/*
 * Kuaxin subset of Biren suBLAS (libsublas.so; V: torch-supa FindSUBLAS.cmake).
 * A cuBLAS-shaped API: sublasGemmEx(h, opa, opb, m, n, k, alpha, A, SUPA_R_16F,
 * lda, B, ..., SUBLAS_COMPUTE_32F, SUBLAS_GEMM_DEFAULT) is a call site (U).
 * Every other name, the absence of _v2 suffixes, and ALL numeric values are I
 * (cuBLAS's numbers assumed). Probe with nm -D / check-sdk.sh on a real SDK.
 */
#ifndef KX_SUBLAS_H
#define KX_SUBLAS_H

#include "supa_runtime_api.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_SUBLAS_STATUS(X)                   \
    X(SUBLAS_STATUS_SUCCESS, 0)               \
    X(SUBLAS_STATUS_NOT_INITIALIZED, 1)       \
    X(SUBLAS_STATUS_ALLOC_FAILED, 3)          \
    X(SUBLAS_STATUS_INVALID_VALUE, 7)         \
    X(SUBLAS_STATUS_ARCH_MISMATCH, 8)         \
    X(SUBLAS_STATUS_MAPPING_ERROR, 11)        \
    X(SUBLAS_STATUS_EXECUTION_FAILED, 13)     \
    X(SUBLAS_STATUS_INTERNAL_ERROR, 14)       \
    X(SUBLAS_STATUS_NOT_SUPPORTED, 15)

#define KX_SUBLAS_OPS(X) X(SUBLAS_OP_N, 0) X(SUBLAS_OP_T, 1) X(SUBLAS_OP_C, 2)

#define KX_SUPA_DATATYPES(X)      \
    X(SUPA_R_32F, 0)              \
    X(SUPA_R_64F, 1)              \
    X(SUPA_R_16F, 2)              \
    X(SUPA_R_8I, 3)               \
    X(SUPA_R_32I, 10)             \
    X(SUPA_R_16BF, 14)

/* sublasComputeType_t: the names are the documented ones (V: suBLAS docs list 16F, 16BF, 32F,
 * 32F_FAST_16BF, 32F_FAST_TF32 and say "only 32F and 32F_FAST_TF32 are supported"; torch-supa passes
 * SUBLAS_COMPUTE_32F and _32F_FAST_TF32); the numbers are cuBLAS's (I); cuBLAS has no 16BF compute
 * type to borrow a number from, so SUBLAS_COMPUTE_16BF is left out. There is no 64F or 32I. */
#define KX_SUBLAS_COMPUTE(X)                  \
    X(SUBLAS_COMPUTE_16F, 64)                 \
    X(SUBLAS_COMPUTE_32F, 68)                 \
    X(SUBLAS_COMPUTE_32F_FAST_16BF, 75)       \
    X(SUBLAS_COMPUTE_32F_FAST_TF32, 77)

#define KX_SUBLAS_ALGOS(X) X(SUBLAS_GEMM_DEFAULT, -1) X(SUBLAS_GEMM_DEFAULT_TENSOR_OP, 99)

#ifndef KX_SDK_CHECK
typedef enum { KX_SUBLAS_STATUS(KX_ENUM_ITEM) } sublasStatus_t;
typedef enum { KX_SUBLAS_OPS(KX_ENUM_ITEM) } sublasOperation_t;
typedef enum supaDataType_t { KX_SUPA_DATATYPES(KX_ENUM_ITEM) } supaDataType;
typedef enum { KX_SUBLAS_COMPUTE(KX_ENUM_ITEM) } sublasComputeType_t;
typedef enum { KX_SUBLAS_ALGOS(KX_ENUM_ITEM) } sublasGemmAlgo_t;
struct sublasContext;
typedef struct sublasContext *sublasHandle_t;
#else
KX_SUBLAS_STATUS(KX_ENUM_CHECK)
KX_SUBLAS_OPS(KX_ENUM_CHECK)
KX_SUPA_DATATYPES(KX_ENUM_CHECK)
KX_SUBLAS_COMPUTE(KX_ENUM_CHECK)
KX_SUBLAS_ALGOS(KX_ENUM_CHECK)
#endif

sublasStatus_t sublasCreate(sublasHandle_t *handle);
sublasStatus_t sublasDestroy(sublasHandle_t handle);
sublasStatus_t sublasSetStream(sublasHandle_t handle, supaStream_t streamId);
sublasStatus_t sublasSgemm(sublasHandle_t handle, sublasOperation_t transa, sublasOperation_t transb,
                           int m, int n, int k, const float *alpha, const float *A, int lda,
                           const float *B, int ldb, const float *beta, float *C, int ldc);
sublasStatus_t sublasGemmEx(sublasHandle_t handle, sublasOperation_t transa, sublasOperation_t transb,
                            int m, int n, int k, const void *alpha,
                            const void *A, supaDataType Atype, int lda,
                            const void *B, supaDataType Btype, int ldb, const void *beta,
                            void *C, supaDataType Ctype, int ldc,
                            sublasComputeType_t computeType, sublasGemmAlgo_t algo);
sublasStatus_t sublasGemmStridedBatchedEx(sublasHandle_t handle, sublasOperation_t transa,
                                          sublasOperation_t transb, int m, int n, int k, const void *alpha,
                                          const void *A, supaDataType Atype, int lda, long long int strideA,
                                          const void *B, supaDataType Btype, int ldb, long long int strideB,
                                          const void *beta,
                                          void *C, supaDataType Ctype, int ldc, long long int strideC,
                                          int batchCount, sublasComputeType_t computeType,
                                          sublasGemmAlgo_t algo);
const char *sublasGetStatusString(sublasStatus_t status);

#ifdef __cplusplus
}
#endif

#endif
