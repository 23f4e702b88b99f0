/*
 * Kuaxin subset of hipBLAS (libhipblas.so). Argument order is cuBLAS's, but
 * every enum value differs (hipBLAS documentation text and public call sites, U+ / V-cs):
 * HIPBLAS_OP_N 111, HIPBLAS_GEMM_DEFAULT 160, hipblasComputeType_t 32F = 2.
 *
 * GEMM-Ex flavours (the "version trap"):
 *   - hipBLAS 2.x hipblasGemmEx / hipblasGemmStridedBatchedEx take the legacy
 *     hipblasDatatype_t (150..) for the element types AND the compute type;
 *   - hipBLAS 2.x hipblasGemmEx_v2 / hipblasGemmStridedBatchedEx_v2 take
 *     hipDataType (0..) and hipblasComputeType_t (0..). FlagBLAS calls the _v2
 *     symbol on Hygon DTK 25 (V-cs), so the DTK binding uses _v2;
 *   - hipBLAS 3 dropped both the legacy type and the _v2 names (not emulated).
 */
#ifndef KX_HIPBLAS_H
#define KX_HIPBLAS_H

#include <stdint.h>
#include "hip_runtime_api.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_HIPBLAS_STATUS(X)                  \
    X(HIPBLAS_STATUS_SUCCESS, 0)              \
    X(HIPBLAS_STATUS_NOT_INITIALIZED, 1)      \
    X(HIPBLAS_STATUS_ALLOC_FAILED, 2)         \
    X(HIPBLAS_STATUS_INVALID_VALUE, 3)        \
    X(HIPBLAS_STATUS_MAPPING_ERROR, 4)        \
    X(HIPBLAS_STATUS_EXECUTION_FAILED, 5)     \
    X(HIPBLAS_STATUS_INTERNAL_ERROR, 6)       \
    X(HIPBLAS_STATUS_NOT_SUPPORTED, 7)        \
    X(HIPBLAS_STATUS_ARCH_MISMATCH, 8)        \
    X(HIPBLAS_STATUS_HANDLE_IS_NULLPTR, 9)    \
    X(HIPBLAS_STATUS_INVALID_ENUM, 10)        \
    X(HIPBLAS_STATUS_UNKNOWN, 11)

#define KX_HIPBLAS_OPS(X) X(HIPBLAS_OP_N, 111) X(HIPBLAS_OP_T, 112) X(HIPBLAS_OP_C, 113)

/* Legacy hipBLAS 2.x element/compute type. */
#define KX_HIPBLAS_DATATYPES(X)   \
    X(HIPBLAS_R_16F, 150)         \
    X(HIPBLAS_R_32F, 151)         \
    X(HIPBLAS_R_64F, 152)         \
    X(HIPBLAS_R_8I, 160)          \
    X(HIPBLAS_R_8U, 161)          \
    X(HIPBLAS_R_32I, 162)         \
    X(HIPBLAS_R_16B, 168)

/* hipDataType mirrors CUDA's numbers: 16F 2 and 16BF 14 are V-cs, the rest I. */
#define KX_HIP_DATATYPES(X)       \
    X(HIP_R_32F, 0)               \
    X(HIP_R_64F, 1)               \
    X(HIP_R_16F, 2)               \
    X(HIP_R_8I, 3)                \
    X(HIP_R_32I, 10)              \
    X(HIP_R_16BF, 14)

#define KX_HIPBLAS_COMPUTE(X)                 \
    X(HIPBLAS_COMPUTE_16F, 0)                 \
    X(HIPBLAS_COMPUTE_16F_PEDANTIC, 1)        \
    X(HIPBLAS_COMPUTE_32F, 2)                 \
    X(HIPBLAS_COMPUTE_32F_PEDANTIC, 3)        \
    X(HIPBLAS_COMPUTE_32F_FAST_16F, 4)        \
    X(HIPBLAS_COMPUTE_32F_FAST_16BF, 5)       \
    X(HIPBLAS_COMPUTE_32F_FAST_TF32, 6)       \
    X(HIPBLAS_COMPUTE_64F, 7)                 \
    X(HIPBLAS_COMPUTE_64F_PEDANTIC, 8)        \
    X(HIPBLAS_COMPUTE_32I, 9)                 \
    X(HIPBLAS_COMPUTE_32I_PEDANTIC, 10)

#define KX_HIPBLAS_ALGOS(X) X(HIPBLAS_GEMM_DEFAULT, 160)

#ifndef KX_SDK_CHECK
typedef enum { KX_HIPBLAS_STATUS(KX_ENUM_ITEM) } hipblasStatus_t;
typedef enum { KX_HIPBLAS_OPS(KX_ENUM_ITEM) } hipblasOperation_t;
typedef enum { KX_HIPBLAS_DATATYPES(KX_ENUM_ITEM) } hipblasDatatype_t;
typedef enum hipDataType { KX_HIP_DATATYPES(KX_ENUM_ITEM) } hipDataType;
typedef enum { KX_HIPBLAS_COMPUTE(KX_ENUM_ITEM) } hipblasComputeType_t;
typedef enum { KX_HIPBLAS_ALGOS(KX_ENUM_ITEM) } hipblasGemmAlgo_t;
typedef void *hipblasHandle_t;
typedef int64_t hipblasStride;
#else
KX_HIPBLAS_STATUS(KX_ENUM_CHECK)
KX_HIPBLAS_OPS(KX_ENUM_CHECK)
KX_HIPBLAS_DATATYPES(KX_ENUM_CHECK)
KX_HIP_DATATYPES(KX_ENUM_CHECK)
KX_HIPBLAS_COMPUTE(KX_ENUM_CHECK)
KX_HIPBLAS_ALGOS(KX_ENUM_CHECK)
#endif

hipblasStatus_t hipblasCreate(hipblasHandle_t *handle);
hipblasStatus_t hipblasDestroy(hipblasHandle_t handle);
hipblasStatus_t hipblasSetStream(hipblasHandle_t handle, hipStream_t streamId);
hipblasStatus_t hipblasSgemm(hipblasHandle_t handle, hipblasOperation_t transA, hipblasOperation_t transB,
                             int m, int n, int k, const float *alpha, const float *AP, int lda,
                             const float *BP, int ldb, const float *beta, float *CP, int ldc);

/* hipBLAS 2.x legacy signature: hipblasDatatype_t everywhere. */
hipblasStatus_t hipblasGemmEx(hipblasHandle_t handle, hipblasOperation_t transA, hipblasOperation_t transB,
                              int m, int n, int k, const void *alpha,
                              const void *A, hipblasDatatype_t aType, int lda,
                              const void *B, hipblasDatatype_t bType, int ldb, const void *beta,
                              void *C, hipblasDatatype_t cType, int ldc,
                              hipblasDatatype_t computeType, hipblasGemmAlgo_t algo);
hipblasStatus_t hipblasGemmStridedBatchedEx(hipblasHandle_t handle, hipblasOperation_t transA,
                                            hipblasOperation_t transB, int m, int n, int k, const void *alpha,
                                            const void *A, hipblasDatatype_t aType, int lda, hipblasStride strideA,
                                            const void *B, hipblasDatatype_t bType, int ldb, hipblasStride strideB,
                                            const void *beta,
                                            void *C, hipblasDatatype_t cType, int ldc, hipblasStride strideC,
                                            int batchCount, hipblasDatatype_t computeType, hipblasGemmAlgo_t algo);

/* hipBLAS 2.x "_v2": hipDataType + hipblasComputeType_t (what the DTK binding uses). */
hipblasStatus_t hipblasGemmEx_v2(hipblasHandle_t handle, hipblasOperation_t transA, hipblasOperation_t transB,
                                 int m, int n, int k, const void *alpha,
                                 const void *A, hipDataType aType, int lda,
                                 const void *B, hipDataType bType, int ldb, const void *beta,
                                 void *C, hipDataType cType, int ldc,
                                 hipblasComputeType_t computeType, hipblasGemmAlgo_t algo);
hipblasStatus_t hipblasGemmStridedBatchedEx_v2(hipblasHandle_t handle, hipblasOperation_t transA,
                                               hipblasOperation_t transB, int m, int n, int k, const void *alpha,
                                               const void *A, hipDataType aType, int lda, hipblasStride strideA,
                                               const void *B, hipDataType bType, int ldb, hipblasStride strideB,
                                               const void *beta,
                                               void *C, hipDataType cType, int ldc, hipblasStride strideC,
                                               int batchCount, hipblasComputeType_t computeType,
                                               hipblasGemmAlgo_t algo);

/* Returns the enumerator's name, e.g. "HIPBLAS_STATUS_INVALID_VALUE". */
const char *hipblasStatusToString(hipblasStatus_t status);

#ifdef __cplusplus
}
#endif

#endif
