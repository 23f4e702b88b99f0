/*
 * Kuaxin subset of cuBLAS (libcublas.so), the "v2" handle API. The exported
 * symbols of create/destroy/set-stream/sgemm carry a _v2 suffix (cublas_v2.h
 * maps the plain names to them); GemmEx and GemmStridedBatchedEx do not.
 * Values: NVIDIA cuBLAS docs (I: the documented values, not re-read from an SDK header).
 * Used by NVIDIA, Iluvatar CoreX and Hygon DTK's CUDA layer. The last two take
 * a cudaDataType compute type in GemmEx (CUDA 10.2 style; V for DTK: InfiniCore's
 * Hygon GEMM passes CUDA_R_32F): libkuaxin-emu-cudalegacy.so accepts only those,
 * libkuaxin-emu-cuda.so accepts both (cuBLAS 11+ still maps the legacy values, I).
 */
#ifndef KX_CUBLAS_V2_H
#define KX_CUBLAS_V2_H

#include "cuda_runtime_api.h"
#include "library_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_CUBLAS_STATUS(X)                   \
    X(CUBLAS_STATUS_SUCCESS, 0)               \
    X(CUBLAS_STATUS_NOT_INITIALIZED, 1)       \
    X(CUBLAS_STATUS_ALLOC_FAILED, 3)          \
    X(CUBLAS_STATUS_INVALID_VALUE, 7)         \
    X(CUBLAS_STATUS_ARCH_MISMATCH, 8)         \
    X(CUBLAS_STATUS_MAPPING_ERROR, 11)        \
    X(CUBLAS_STATUS_EXECUTION_FAILED, 13)     \
    X(CUBLAS_STATUS_INTERNAL_ERROR, 14)       \
    X(CUBLAS_STATUS_NOT_SUPPORTED, 15)        \
    X(CUBLAS_STATUS_LICENSE_ERROR, 16)

#define KX_CUBLAS_OPS(X) X(CUBLAS_OP_N, 0) X(CUBLAS_OP_T, 1) X(CUBLAS_OP_C, 2)

#define KX_CUBLAS_COMPUTE(X)                  \
    X(CUBLAS_COMPUTE_16F, 64)                 \
    X(CUBLAS_COMPUTE_16F_PEDANTIC, 65)        \
    X(CUBLAS_COMPUTE_32F, 68)                 \
    X(CUBLAS_COMPUTE_32F_PEDANTIC, 69)        \
    X(CUBLAS_COMPUTE_64F, 70)                 \
    X(CUBLAS_COMPUTE_64F_PEDANTIC, 71)        \
    X(CUBLAS_COMPUTE_32I, 72)                 \
    X(CUBLAS_COMPUTE_32I_PEDANTIC, 73)        \
    X(CUBLAS_COMPUTE_32F_FAST_16F, 74)        \
    X(CUBLAS_COMPUTE_32F_FAST_16BF, 75)       \
    X(CUBLAS_COMPUTE_32F_FAST_TF32, 77)

/* cublasMath_t (V: cuBLAS docs; public copies of cublas_api.h). The low bits pick a mode, the flag 16 is or-ed
 * in: without it, split-K partial sums of a mixed-precision GEMM (bf16/f16 output, 32F compute) may be reduced
 * in the output type. CUDA 11+; CUDA 10.2-level layers (Iluvatar) have no such flag (I). */
#define KX_CUBLAS_MATH(X)                                   \
    X(CUBLAS_DEFAULT_MATH, 0)                               \
    X(CUBLAS_TENSOR_OP_MATH, 1)                             \
    X(CUBLAS_PEDANTIC_MATH, 2)                              \
    X(CUBLAS_TF32_TENSOR_OP_MATH, 3)                        \
    X(CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION, 16)

/* ALGO0..23 (0..23) and ALGO0..15_TENSOR_OP (100..115) exist too; the emulator accepts them. */
#define KX_CUBLAS_ALGOS(X)                    \
    X(CUBLAS_GEMM_DEFAULT, -1)                \
    X(CUBLAS_GEMM_ALGO0, 0)                   \
    X(CUBLAS_GEMM_DEFAULT_TENSOR_OP, 99)      \
    X(CUBLAS_GEMM_ALGO0_TENSOR_OP, 100)

#ifndef KX_SDK_CHECK
typedef enum { KX_CUBLAS_STATUS(KX_ENUM_ITEM) } cublasStatus_t;
typedef enum { KX_CUBLAS_OPS(KX_ENUM_ITEM) } cublasOperation_t;
typedef enum { KX_CUBLAS_COMPUTE(KX_ENUM_ITEM) } cublasComputeType_t;
typedef enum { KX_CUBLAS_ALGOS(KX_ENUM_ITEM) } cublasGemmAlgo_t;
typedef enum { KX_CUBLAS_MATH(KX_ENUM_ITEM) } cublasMath_t;
struct cublasContext;
typedef struct cublasContext *cublasHandle_t;
#else
KX_CUBLAS_STATUS(KX_ENUM_CHECK)
KX_CUBLAS_OPS(KX_ENUM_CHECK)
KX_CUBLAS_COMPUTE(KX_ENUM_CHECK)
KX_CUBLAS_ALGOS(KX_ENUM_CHECK)
#if !defined(CUBLAS_VER_MAJOR) || CUBLAS_VER_MAJOR >= 11   /* a CUDA 10.2-level SDK has no DISALLOW flag */
KX_CUBLAS_MATH(KX_ENUM_CHECK)
#endif
#endif

cublasStatus_t cublasCreate_v2(cublasHandle_t *handle);
cublasStatus_t cublasDestroy_v2(cublasHandle_t handle);
cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId);
/* Exported without a _v2 suffix (V: cuBLAS docs). */
cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode);
cublasStatus_t cublasGetMathMode(cublasHandle_t handle, cublasMath_t *mode);
cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                              int m, int n, int k, const float *alpha, const float *A, int lda,
                              const float *B, int ldb, const float *beta, float *C, int ldc);
cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                            int m, int n, int k, const void *alpha,
                            const void *A, cudaDataType Atype, int lda,
                            const void *B, cudaDataType Btype, int ldb, const void *beta,
                            void *C, cudaDataType Ctype, int ldc,
                            cublasComputeType_t computeType, cublasGemmAlgo_t algo);
cublasStatus_t cublasGemmStridedBatchedEx(cublasHandle_t handle, cublasOperation_t transa,
                                          cublasOperation_t transb, int m, int n, int k, const void *alpha,
                                          const void *A, cudaDataType Atype, int lda, long long int strideA,
                                          const void *B, cudaDataType Btype, int ldb, long long int strideB,
                                          const void *beta,
                                          void *C, cudaDataType Ctype, int ldc, long long int strideC,
                                          int batchCount, cublasComputeType_t computeType,
                                          cublasGemmAlgo_t algo);
/* Since cuBLAS 11.4: a sentence, and the enumerator's name. */
const char *cublasGetStatusString(cublasStatus_t status);
const char *cublasGetStatusName(cublasStatus_t status);

#ifndef KX_SDK_CHECK
#define cublasCreate cublasCreate_v2
#define cublasDestroy cublasDestroy_v2
#define cublasSetStream cublasSetStream_v2
#define cublasSgemm cublasSgemm_v2
#endif

#ifdef __cplusplus
}
#endif

#endif
