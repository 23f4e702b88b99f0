/*
 * Kuaxin subset of muBLAS (libmublas.so). A mix, from public call sites and docs:
 *   - operation enums are hipBLAS/rocBLAS-style: MUBLAS_OP_N/T/C = 111/112/113 (V-cs);
 *   - compute types are cuBLAS's numbers: 16F 64, 32F 68 (V-cs), TF32 77, 64F 70, 32I 72 (U);
 *   - MUBLAS_GEMM_DEFAULT = 0 (V-cs), DEFAULT_TENSOR_OP = 1 (U);
 *   - musaDataType_t: 16F 2, 16BF 14 (V-cs), 32F 0 (U), 8I 3, 32I 10, 64F 1 (I);
 *   - status: SUCCESS 0 (V-cs); the other numbers follow rocBLAS (I).
 *
 * mublasGemmEx has two exported forms:
 *   - the plain C symbol "mublasGemmEx": legacy, compute type given as a
 *     musaDataType_t (I: consistent with ggml's usage);
 *   - the C++ overload taking mublasComputeType_t, exported only under its
 *     mangled name MUBLAS_GEMMEX_COMPUTE_SYMBOL (V-cs; reproduced with g++).
 *     C code reaches it as mublasGemmEx_computeType (an asm label, not a vendor name).
 * mublasGemmStridedBatchedEx: linkage unknown (I); the emulator exports the
 * plain name and the computed mangled name with identical behaviour.
 */
#ifndef KX_MUBLAS_H
#define KX_MUBLAS_H

#include "musa_runtime_api.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_MUBLAS_STATUS(X)                   \
    X(MUBLAS_STATUS_SUCCESS, 0)               \
    X(MUBLAS_STATUS_INVALID_HANDLE, 1)        \
    X(MUBLAS_STATUS_NOT_IMPLEMENTED, 2)       \
    X(MUBLAS_STATUS_INVALID_POINTER, 3)       \
    X(MUBLAS_STATUS_INVALID_SIZE, 4)          \
    X(MUBLAS_STATUS_MEMORY_ERROR, 5)          \
    X(MUBLAS_STATUS_INTERNAL_ERROR, 6)        \
    X(MUBLAS_STATUS_INVALID_VALUE, 11)

#define KX_MUBLAS_OPS(X) X(MUBLAS_OP_N, 111) X(MUBLAS_OP_T, 112) X(MUBLAS_OP_C, 113)

#define KX_MUSA_DATATYPES(X)      \
    X(MUSA_R_32F, 0)              \
    X(MUSA_R_64F, 1)              \
    X(MUSA_R_16F, 2)              \
    X(MUSA_R_8I, 3)               \
    X(MUSA_R_32I, 10)             \
    X(MUSA_R_16BF, 14)

#define KX_MUBLAS_COMPUTE(X)                  \
    X(MUBLAS_COMPUTE_16F, 64)                 \
    X(MUBLAS_COMPUTE_32F, 68)                 \
    X(MUBLAS_COMPUTE_64F, 70)                 \
    X(MUBLAS_COMPUTE_32I, 72)                 \
    X(MUBLAS_COMPUTE_32F_FAST_TF32, 77)

#define KX_MUBLAS_ALGOS(X) X(MUBLAS_GEMM_DEFAULT, 0) X(MUBLAS_GEMM_DEFAULT_TENSOR_OP, 1)

#ifndef KX_SDK_CHECK
typedef enum { KX_MUBLAS_STATUS(KX_ENUM_ITEM) } mublasStatus_t;
typedef mublasStatus_t mublasStatus;      /* both spellings compile against real SDKs (U) */
typedef enum { KX_MUBLAS_OPS(KX_ENUM_ITEM) } mublasOperation_t;
typedef enum musaDataType_t { KX_MUSA_DATATYPES(KX_ENUM_ITEM) } musaDataType_t;
typedef enum { KX_MUBLAS_COMPUTE(KX_ENUM_ITEM) } mublasComputeType_t;
typedef enum { KX_MUBLAS_ALGOS(KX_ENUM_ITEM) } mublasGemmAlgo_t;
struct _mublasHandle_t;                   /* the name inside the mangled symbol */
typedef struct _mublasHandle_t *mublasHandle_t;
#else
KX_MUBLAS_STATUS(KX_ENUM_CHECK)
KX_MUBLAS_OPS(KX_ENUM_CHECK)
KX_MUSA_DATATYPES(KX_ENUM_CHECK)
KX_MUBLAS_COMPUTE(KX_ENUM_CHECK)
KX_MUBLAS_ALGOS(KX_ENUM_CHECK)
#endif

#define MUBLAS_GEMMEX_COMPUTE_SYMBOL \
    "_Z12mublasGemmExP15_mublasHandle_t17mublasOperation_tS1_iiiPKvS3_14musaDataType_tiS3_S4_iS3_PvS4_i19mublasComputeType_t16mublasGemmAlgo_t"
#define MUBLAS_GEMMSTRIDEDBATCHEDEX_COMPUTE_SYMBOL \
    "_Z26mublasGemmStridedBatchedExP15_mublasHandle_t17mublasOperation_tS1_iiiPKvS3_14musaDataType_tixS3_S4_ixS3_PvS4_ixi19mublasComputeType_t16mublasGemmAlgo_t"

mublasStatus_t mublasCreate(mublasHandle_t *handle);
mublasStatus_t mublasDestroy(mublasHandle_t handle);
mublasStatus_t mublasSetStream(mublasHandle_t handle, musaStream_t streamId);
mublasStatus_t mublasSgemm(mublasHandle_t handle, mublasOperation_t transa, mublasOperation_t transb,
                           int m, int n, int k, const float *alpha, const float *A, int lda,
                           const float *B, int ldb, const float *beta, float *C, int ldc);
/* Plain C symbol: legacy compute type as musaDataType_t (I). */
mublasStatus_t mublasGemmEx(mublasHandle_t handle, mublasOperation_t transa, mublasOperation_t transb,
                            int m, int n, int k, const void *alpha,
                            const void *A, musaDataType_t Atype, int lda,
                            const void *B, musaDataType_t Btype, int ldb, const void *beta,
                            void *C, musaDataType_t Ctype, int ldc,
                            musaDataType_t computeType, mublasGemmAlgo_t algo);
mublasStatus_t mublasGemmStridedBatchedEx(mublasHandle_t handle, mublasOperation_t transa,
                                          mublasOperation_t transb, int m, int n, int k, const void *alpha,
                                          const void *A, musaDataType_t Atype, int lda, long long strideA,
                                          const void *B, musaDataType_t Btype, int ldb, long long strideB,
                                          const void *beta,
                                          void *C, musaDataType_t Ctype, int ldc, long long strideC,
                                          int batchCount, mublasComputeType_t computeType,
                                          mublasGemmAlgo_t algo);
/* ggml maps cublasGetStatusString to this name (V). */
const char *mublasStatus_to_string(mublasStatus_t status);

#ifndef __cplusplus
/* The C++ compute-type overloads, reachable from C through asm labels. */
mublasStatus_t mublasGemmEx_computeType(mublasHandle_t handle, mublasOperation_t transa, mublasOperation_t transb,
                                        int m, int n, int k, const void *alpha,
                                        const void *A, musaDataType_t Atype, int lda,
                                        const void *B, musaDataType_t Btype, int ldb, const void *beta,
                                        void *C, musaDataType_t Ctype, int ldc,
                                        mublasComputeType_t computeType, mublasGemmAlgo_t algo)
    __asm__(MUBLAS_GEMMEX_COMPUTE_SYMBOL);
mublasStatus_t mublasGemmStridedBatchedEx_computeType(
    mublasHandle_t handle, mublasOperation_t transa, mublasOperation_t transb, int m, int n, int k,
    const void *alpha, const void *A, musaDataType_t Atype, int lda, long long strideA,
    const void *B, musaDataType_t Btype, int ldb, long long strideB, const void *beta,
    void *C, musaDataType_t Ctype, int ldc, long long strideC, int batchCount,
    mublasComputeType_t computeType, mublasGemmAlgo_t algo)
    __asm__(MUBLAS_GEMMSTRIDEDBATCHEDEX_COMPUTE_SYMBOL);
#endif

#ifdef __cplusplus
}
/* C++: the real overload (C++ linkage), so check-sdk.sh compares it with the SDK's. */
mublasStatus_t mublasGemmEx(mublasHandle_t handle, mublasOperation_t transa, mublasOperation_t transb,
                            int m, int n, int k, const void *alpha,
                            const void *A, musaDataType_t Atype, int lda,
                            const void *B, musaDataType_t Btype, int ldb, const void *beta,
                            void *C, musaDataType_t Ctype, int ldc,
                            mublasComputeType_t computeType, mublasGemmAlgo_t algo);
#endif

#endif
