/*
 * CNNL subset (libcnnl.so). Pattern: handle bound to a queue, tensor
 * descriptors, op descriptors, heuristic -> workspace size -> op.
 * Tags per declaration; enum values marked I are NOT verified and must be
 * checked against a real cnnl.h (see native/README.md).
 */
#ifndef KX_CAMBRICON_CNNL_H
#define KX_CAMBRICON_CNNL_H

#include <stdbool.h>
#include "cnrt.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CNNL_API __attribute__((visibility("default")))

typedef enum {                      /* U+ (mlu-ops identity cast) */
    CNNL_STATUS_SUCCESS = 0,
    CNNL_STATUS_NOT_INITIALIZED = 1,
    CNNL_STATUS_ALLOC_FAILED = 2,
    CNNL_STATUS_BAD_PARAM = 3,
    CNNL_STATUS_INTERNAL_ERROR = 4,
    CNNL_STATUS_ARCH_MISMATCH = 5,
    CNNL_STATUS_EXECUTION_FAILED = 6,
    CNNL_STATUS_NOT_SUPPORTED = 7,
    CNNL_STATUS_NUMERICAL_OVERFLOW = 8
} cnnlStatus_t;

typedef enum {                      /* 0-8 U+, rest V via mlu-ops identity cast */
    CNNL_DTYPE_INVALID = 0,
    CNNL_DTYPE_HALF = 1,
    CNNL_DTYPE_FLOAT = 2,
    CNNL_DTYPE_INT8 = 3,
    CNNL_DTYPE_INT16 = 4,
    CNNL_DTYPE_INT31 = 5,
    CNNL_DTYPE_INT32 = 6,
    CNNL_DTYPE_UINT8 = 7,
    CNNL_DTYPE_BOOL = 8,
    CNNL_DTYPE_INT64 = 9,
    CNNL_DTYPE_UINT32 = 11,
    CNNL_DTYPE_UINT64 = 12,
    CNNL_DTYPE_UINT16 = 13,
    CNNL_DTYPE_DOUBLE = 14,
    CNNL_DTYPE_COMPLEX_HALF = 15,
    CNNL_DTYPE_COMPLEX_FLOAT = 16,
    CNNL_DTYPE_BFLOAT16 = 17
} cnnlDataType_t;

typedef enum {                      /* V (mlu-ops identity cast) */
    CNNL_LAYOUT_NCHW = 0, CNNL_LAYOUT_NHWC = 1, CNNL_LAYOUT_HWCN = 2,
    CNNL_LAYOUT_NDHWC = 3, CNNL_LAYOUT_ARRAY = 4, CNNL_LAYOUT_NCDHW = 5,
    CNNL_LAYOUT_TNC = 6, CNNL_LAYOUT_NTC = 7, CNNL_LAYOUT_NC = 8,
    CNNL_LAYOUT_NLC = 9, CNNL_LAYOUT_NCL = 10
} cnnlTensorLayout_t;

typedef enum { CNNL_COMPUTATION_FAST = 0, CNNL_COMPUTATION_HIGH_PRECISION = 1,
               CNNL_COMPUTATION_ULTRAHIGH_PRECISION = 2 } cnnlComputationPreference_t;   /* I */
typedef enum { CNNL_NOT_PROPAGATE_NAN = 0, CNNL_PROPAGATE_NAN = 1 } cnnlNanPropagation_t; /* I */

typedef struct cnnlContext *cnnlHandle_t;
typedef struct cnnlTensorStruct *cnnlTensorDescriptor_t;

/* ---- handle ---- */
CNNL_API cnnlStatus_t cnnlCreate(cnnlHandle_t *handle);
CNNL_API cnnlStatus_t cnnlDestroy(cnnlHandle_t handle);
CNNL_API cnnlStatus_t cnnlSetQueue(cnnlHandle_t handle, cnrtQueue_t queue);
CNNL_API cnnlStatus_t cnnlGetQueue(cnnlHandle_t handle, cnrtQueue_t *queue);
CNNL_API const char *cnnlGetErrorString(cnnlStatus_t status);

/* ---- tensor descriptors (V InfiniCore gemm_bang.cc; _v2 U+) ----
 * Without strides a descriptor is dense row-major. Strides are in elements. */
CNNL_API cnnlStatus_t cnnlCreateTensorDescriptor(cnnlTensorDescriptor_t *desc);
CNNL_API cnnlStatus_t cnnlDestroyTensorDescriptor(cnnlTensorDescriptor_t desc);
CNNL_API cnnlStatus_t cnnlSetTensorDescriptor(cnnlTensorDescriptor_t desc, cnnlTensorLayout_t layout,
                                              cnnlDataType_t dtype, int dimNb, const int dimSize[]);
CNNL_API cnnlStatus_t cnnlSetTensorDescriptorEx(cnnlTensorDescriptor_t desc, cnnlTensorLayout_t layout,
                                                cnnlDataType_t dtype, int dimNb, const int dimSize[],
                                                const int dimStride[]);
CNNL_API cnnlStatus_t cnnlSetTensorDescriptor_v2(cnnlTensorDescriptor_t desc, cnnlTensorLayout_t layout,
                                                 cnnlDataType_t dtype, int dimNb, const int64_t dimSize[]);
CNNL_API cnnlStatus_t cnnlSetTensorDescriptorEx_v2(cnnlTensorDescriptor_t desc, cnnlTensorLayout_t layout,
                                                   cnnlDataType_t dtype, int dimNb, const int64_t dimSize[],
                                                   const int64_t dimStride[]);
/* Accepted and ignored: the emulator computes in fp32. */
CNNL_API cnnlStatus_t cnnlSetTensorDescriptorOnchipDataType(cnnlTensorDescriptor_t desc, cnnlDataType_t onchip);
CNNL_API size_t cnnlGetTensorElementNum(const cnnlTensorDescriptor_t desc);

/* ---- matmul ---- */
typedef struct cnnlMatMulStruct *cnnlMatMulDescriptor_t;
typedef struct cnnlMatMulAlgoStruct *cnnlMatMulAlgo_t;
typedef struct cnnlMatMulHeuristicResultStruct *cnnlMatMulHeuristicResult_t;
/* Second pass C7 calls this an enum (FASTEST 0, LOW_MEMORY 1), but C++ call
 * sites (DIOPI, Dragon, mlu-ops) pass nullptr, which only compiles for a
 * pointer type, so it is bound as a pointer-sized value (I). Pass NULL. */
typedef struct cnnlMatMulPreferStruct *cnnlMatMulPrefer_t;

typedef enum {                      /* numbers U+ (mluOp mirror), names V-cs */
    CNNL_MATMUL_DESC_COMPUTE_TYPE = 0,
    CNNL_MATMUL_DESC_SCALE_TYPE = 1,
    CNNL_MATMUL_DESC_POINTER_MODE = 2,
    CNNL_MATMUL_DESC_TRANSA = 3,
    CNNL_MATMUL_DESC_TRANSB = 4,
    CNNL_MATMUL_DESC_TRANSC = 5,
    CNNL_MATMUL_DESC_EPILOGUE = 6,
    CNNL_MATMUL_DESC_BIAS_POINTER = 7,
    CNNL_MATMUL_DESC_EPILOGUE_TYPE = 8,
    CNNL_MATMUL_DESC_EPILOGUE_OPERAND = 9,
    CNNL_MATMUL_ALLOW_TF32 = 10,
    CNNL_MATMUL_USE_BETA = 11,
    CNNL_MATMUL_CAST_MODE = 12,
    CNNL_MATMUL_USE_STRIDE = 13
} cnnlMatMulDescAttribute_t;

/* Both spellings exist (second pass A6); both are exported. */
CNNL_API cnnlStatus_t cnnlMatMulDescCreate(cnnlMatMulDescriptor_t *desc);
CNNL_API cnnlStatus_t cnnlMatMulDescDestroy(cnnlMatMulDescriptor_t desc);
CNNL_API cnnlStatus_t cnnlCreateMatMulDescriptor(cnnlMatMulDescriptor_t *desc);
CNNL_API cnnlStatus_t cnnlDestroyMatMulDescriptor(cnnlMatMulDescriptor_t desc);
CNNL_API cnnlStatus_t cnnlMatMulAlgoCreate(cnnlMatMulAlgo_t *algo);
CNNL_API cnnlStatus_t cnnlMatMulAlgoDestroy(cnnlMatMulAlgo_t algo);
CNNL_API cnnlStatus_t cnnlCreateMatMulAlgo(cnnlMatMulAlgo_t *algo);
CNNL_API cnnlStatus_t cnnlDestroyMatMulAlgo(cnnlMatMulAlgo_t algo);
CNNL_API cnnlStatus_t cnnlCreateMatMulHeuristicResult(cnnlMatMulHeuristicResult_t *result);
CNNL_API cnnlStatus_t cnnlDestroyMatMulHeuristicResult(cnnlMatMulHeuristicResult_t result);
/* int32 attribute values; COMPUTE_TYPE takes a cnnlDataType_t. */
CNNL_API cnnlStatus_t cnnlSetMatMulDescAttr(cnnlMatMulDescriptor_t desc, cnnlMatMulDescAttribute_t attr,
                                            const void *buf, size_t sizeInBytes);
CNNL_API cnnlStatus_t cnnlGetMatMulDescAttr(cnnlMatMulDescriptor_t desc, cnnlMatMulDescAttribute_t attr,
                                            void *buf, size_t sizeInBytes, size_t *sizeWritten);
/* results is an array of requestedAlgoCount created result handles. */
CNNL_API cnnlStatus_t cnnlGetMatMulAlgoHeuristic(cnnlHandle_t handle, cnnlMatMulDescriptor_t desc,
                                                 cnnlTensorDescriptor_t aDesc, cnnlTensorDescriptor_t bDesc,
                                                 cnnlTensorDescriptor_t cDesc, cnnlTensorDescriptor_t dDesc,
                                                 cnnlMatMulPrefer_t preference, int requestedAlgoCount,
                                                 cnnlMatMulHeuristicResult_t results[], int *returnAlgoCount);
/* Copies the chosen algorithm into algo and reports its workspace size. */
CNNL_API cnnlStatus_t cnnlGetMatMulHeuristicResult(cnnlMatMulHeuristicResult_t result, cnnlMatMulAlgo_t algo,
                                                   size_t *workspaceSize);
CNNL_API cnnlStatus_t cnnlGetMatMulWorkspaceSize(cnnlHandle_t handle, cnnlMatMulDescriptor_t desc,
                                                 cnnlTensorDescriptor_t aDesc, cnnlTensorDescriptor_t bDesc,
                                                 cnnlTensorDescriptor_t cDesc, cnnlTensorDescriptor_t dDesc,
                                                 cnnlMatMulAlgo_t algo, size_t *workspaceSize);
/* D = alpha * op(A) op(B) + beta * C (beta used only with USE_BETA=1).
 * alpha/beta are host floats. 2-D only; C and D may alias. */
CNNL_API cnnlStatus_t cnnlMatMul_v2(cnnlHandle_t handle, cnnlMatMulDescriptor_t desc, cnnlMatMulAlgo_t algo,
                                    const void *alpha, cnnlTensorDescriptor_t aDesc, const void *A,
                                    cnnlTensorDescriptor_t bDesc, const void *B, const void *beta,
                                    cnnlTensorDescriptor_t cDesc, const void *C, void *workspace,
                                    size_t workspaceSize, cnnlTensorDescriptor_t dDesc, void *D);
/* Legacy, no workspace (U+). C = alpha * op(A) op(B) + beta * C. */
CNNL_API cnnlStatus_t cnnlMatMul(cnnlHandle_t handle, bool isTransA, bool isTransB, const void *alpha,
                                 cnnlTensorDescriptor_t aDesc, const void *A, cnnlTensorDescriptor_t bDesc,
                                 const void *B, const void *beta, cnnlTensorDescriptor_t cDesc, void *C);
/* Batched with broadcast of leading dims (V InfiniCore, mlu-ops call sites). C = alpha*op(A)op(B) + beta*C. */
CNNL_API cnnlStatus_t cnnlGetBatchMatMulExAlgoHeuristic(cnnlHandle_t handle, cnnlMatMulDescriptor_t desc,
                                                        cnnlTensorDescriptor_t aDesc, cnnlTensorDescriptor_t bDesc,
                                                        cnnlTensorDescriptor_t cDesc, cnnlMatMulPrefer_t preference,
                                                        int requestedAlgoCount,
                                                        cnnlMatMulHeuristicResult_t results[], int *returnAlgoCount);
CNNL_API cnnlStatus_t cnnlGetBatchMatMulExHeuristicResult(cnnlMatMulHeuristicResult_t result, cnnlMatMulAlgo_t algo,
                                                          size_t *workspaceSize);
CNNL_API cnnlStatus_t cnnlBatchMatMulEx(cnnlHandle_t handle, cnnlMatMulDescriptor_t desc, cnnlMatMulAlgo_t algo,
                                        const void *alpha, cnnlTensorDescriptor_t aDesc, const void *A,
                                        cnnlTensorDescriptor_t bDesc, const void *B, const void *beta,
                                        cnnlTensorDescriptor_t cDesc, void *C, void *workspace, size_t workspaceSize);

/* ---- flash attention (U+: four call sites, no header) ----
 * Packed (varlen) layout: q [totalQ, Hq, D], k [totalK, Hkv, D],
 * v [totalK, Hkv, Dv], out [totalQ, Hq, Dv], cuSeqQ/cuSeqK int32 [B+1],
 * softmaxLse float [Hq, totalQ]. Causal is bottom-right aligned (I). */
typedef struct cnnlFlashAttentionStruct *cnnlFlashAttentionDescriptor_t;
typedef enum { CNNL_ACTIVATION_FAST = 0, CNNL_ACTIVATION_HIGH_PRECISION = 1 } cnnlActivationPreference_t; /* I */
typedef enum { CNNL_ATTN_MASK_NONE = 0, CNNL_ATTN_MASK_CAUSAL = 1 } cnnlAttentionMaskMode_t;             /* I */
CNNL_API cnnlStatus_t cnnlCreateFlashAttentionDescriptor(cnnlFlashAttentionDescriptor_t *desc);
CNNL_API cnnlStatus_t cnnlDestroyFlashAttentionDescriptor(cnnlFlashAttentionDescriptor_t desc);
/* isPackMode must be true; dropout must be 0 (inference); returnSoftmax false. */
CNNL_API cnnlStatus_t cnnlSetFlashAttentionDescriptor(cnnlFlashAttentionDescriptor_t desc, cnnlDataType_t computeDtype,
                                                      cnnlActivationPreference_t prefer,
                                                      cnnlAttentionMaskMode_t maskMode, bool isPackMode,
                                                      bool isOutZero, bool returnSoftmax, int maxSeqLenQ,
                                                      int maxSeqLenKv, float dropoutP, float softmaxScale);
CNNL_API cnnlStatus_t cnnlGetFlashAttentionForwardWorkspaceSize(cnnlHandle_t handle,
                                                                cnnlFlashAttentionDescriptor_t desc,
                                                                cnnlTensorDescriptor_t qDesc,
                                                                cnnlTensorDescriptor_t kDesc,
                                                                cnnlTensorDescriptor_t vDesc, size_t *workspaceSize);
CNNL_API cnnlStatus_t cnnlFlashAttentionForward(cnnlHandle_t handle, cnnlFlashAttentionDescriptor_t desc,
                                                cnnlTensorDescriptor_t qDesc, const void *q,
                                                cnnlTensorDescriptor_t kDesc, const void *k,
                                                cnnlTensorDescriptor_t vDesc, const void *v,
                                                cnnlTensorDescriptor_t cuSeqQDesc, const void *cuSeqQ,
                                                cnnlTensorDescriptor_t cuSeqKDesc, const void *cuSeqK,
                                                const size_t *rngState, void *workspace, size_t workspaceSize,
                                                cnnlTensorDescriptor_t dropMaskDesc, void *dropMask,
                                                cnnlTensorDescriptor_t softmaxLseDesc, void *softmaxLse,
                                                cnnlTensorDescriptor_t outDesc, void *out);

/* ---- softmax (U: CNNL doc text + call sites) ----
 * On a 3-D input, HIGH/MEDIUM/LOW_DIMENSION reduce over dim 0/1/2. Other
 * ranks: HIGH = first dim, LOW = last dim, MEDIUM = second-to-last (I). */
typedef enum { CNNL_SOFTMAX_FAST = 0, CNNL_SOFTMAX_ACCURATE = 1, CNNL_SOFTMAX_LOG = 2 } cnnlSoftmaxAlgorithm_t; /* I */
typedef enum { CNNL_SOFTMAX_MODE_HIGH_DIMENSION = 0, CNNL_SOFTMAX_MODE_MEDIUM_DIMENSION = 1,
               CNNL_SOFTMAX_MODE_LOW_DIMENSION = 2 } cnnlSoftmaxMode_t;                                       /* I */
/* y = alpha * softmax(x) + beta * y; NULL alpha/beta mean 1/0. */
CNNL_API cnnlStatus_t cnnlSoftmaxForward_v2(cnnlHandle_t handle, cnnlSoftmaxAlgorithm_t algorithm,
                                            cnnlSoftmaxMode_t mode, cnnlComputationPreference_t prefer,
                                            const void *alpha, cnnlTensorDescriptor_t xDesc, const void *x,
                                            const void *beta, cnnlTensorDescriptor_t yDesc, void *y);

/* ---- norms (U: call sites; eps is float) ----
 * Dims [axis, ndim) are normalised; weight/bias cover those dims; mean/rstd
 * (or rms = 1/sqrt(mean(x^2)+eps)) have the outer dims. Optional outputs may be NULL. */
CNNL_API cnnlStatus_t cnnlGetLayerNormOpWorkspaceSize(cnnlHandle_t handle, int axis, cnnlTensorDescriptor_t xDesc,
                                                      size_t *workspaceSize);
CNNL_API cnnlStatus_t cnnlLayerNormForward(cnnlHandle_t handle, cnnlTensorDescriptor_t xDesc, const void *x, int axis,
                                           cnnlTensorDescriptor_t wbDesc, const void *weight, const void *bias,
                                           float eps, void *workspace, size_t workspaceSize,
                                           cnnlTensorDescriptor_t yDesc, void *y,
                                           cnnlTensorDescriptor_t meanRstdDesc, void *saveMean, void *saveRstd);
CNNL_API cnnlStatus_t cnnlGetRmsNormOpWorkspaceSize(cnnlHandle_t handle, int axis, cnnlTensorDescriptor_t xDesc,
                                                    size_t *workspaceSize);
CNNL_API cnnlStatus_t cnnlRmsNormForward(cnnlHandle_t handle, int axis, cnnlTensorDescriptor_t xDesc, const void *x,
                                         cnnlTensorDescriptor_t wbDesc, const void *weight, const void *bias,
                                         float eps, void *workspace, size_t workspaceSize,
                                         cnnlTensorDescriptor_t yDesc, void *y,
                                         cnnlTensorDescriptor_t rmsDesc, void *rms);

/* ---- cast (U: call sites; enum values UNKNOWN) ----
 * The numbers below are a placeholder: the real enumeration is not dense 0..15
 * (public copies show CNNL_CAST_HALF_TO_FLOAT_INF = 129 and
 * CNNL_CAST_FLOAT_TO_HALF_IEEE754 = 219; V: DeepLink DIOPI's camb cast table,
 * torch_mlu), so the Java binding refuses every cast until they are known. The
 * emulator checks castType against the two descriptors' dtypes. */
typedef enum {
    CNNL_CAST_FLOAT_TO_HALF = 0,
    CNNL_CAST_HALF_TO_FLOAT = 1,
    CNNL_CAST_FLOAT_TO_BFLOAT16 = 2,
    CNNL_CAST_BFLOAT16_TO_FLOAT = 3,
    CNNL_CAST_FLOAT_TO_INT32 = 4,
    CNNL_CAST_INT32_TO_FLOAT = 5,
    CNNL_CAST_HALF_TO_INT32 = 6,
    CNNL_CAST_INT32_TO_HALF = 7,
    CNNL_CAST_FLOAT_TO_INT8 = 8,
    CNNL_CAST_INT8_TO_FLOAT = 9,
    CNNL_CAST_INT32_TO_INT64 = 10,
    CNNL_CAST_INT64_TO_INT32 = 11,
    CNNL_CAST_HALF_TO_BFLOAT16 = 12,
    CNNL_CAST_BFLOAT16_TO_HALF = 13,
    CNNL_CAST_FLOAT_TO_INT64 = 14,
    CNNL_CAST_INT64_TO_FLOAT = 15
} cnnlCastDataType_t;
CNNL_API cnnlStatus_t cnnlCastDataType(cnnlHandle_t handle, cnnlTensorDescriptor_t inputDesc, const void *input,
                                       cnnlCastDataType_t castType, cnnlTensorDescriptor_t outputDesc, void *output);

/* ---- elementwise binary (U: call sites; enum values I) ----
 * c = op(alpha1 * a, alpha2 * b) + beta * c, numpy broadcasting. */
typedef enum { CNNL_OP_TENSOR_ADD = 0, CNNL_OP_TENSOR_MUL = 1, CNNL_OP_TENSOR_SUB = 2 } cnnlOpTensorDesc_t; /* I */
typedef struct cnnlOpTensorStruct *cnnlOpTensorDescriptor_t;
CNNL_API cnnlStatus_t cnnlCreateOpTensorDescriptor(cnnlOpTensorDescriptor_t *desc);
CNNL_API cnnlStatus_t cnnlDestroyOpTensorDescriptor(cnnlOpTensorDescriptor_t desc);
CNNL_API cnnlStatus_t cnnlSetOpTensorDescriptor(cnnlOpTensorDescriptor_t desc, cnnlOpTensorDesc_t op,
                                                cnnlDataType_t opTensorCompType, cnnlNanPropagation_t nanOpt);
CNNL_API cnnlStatus_t cnnlGetOpTensorWorkspaceSize(cnnlHandle_t handle, cnnlTensorDescriptor_t aDesc,
                                                   cnnlTensorDescriptor_t bDesc, cnnlTensorDescriptor_t cDesc,
                                                   size_t *workspaceSize);
CNNL_API cnnlStatus_t cnnlOpTensor(cnnlHandle_t handle, cnnlOpTensorDescriptor_t desc, const void *alpha1,
                                   cnnlTensorDescriptor_t aDesc, const void *a, const void *alpha2,
                                   cnnlTensorDescriptor_t bDesc, const void *b, void *workspace,
                                   size_t workspaceSize, const void *beta, cnnlTensorDescriptor_t cDesc, void *c);

/* ---- activation (U: call sites; signature of _v2 and mode values I) ----
 * y = alpha * act(x) + beta * y; NULL alpha/beta mean 1/0. GELU is the erf form. */
typedef enum {
    CNNL_ACTIVATION_SIGMOID = 0,
    CNNL_ACTIVATION_RELU = 1,
    CNNL_ACTIVATION_TANH = 3,
    CNNL_ACTIVATION_GELU = 8,
    CNNL_ACTIVATION_SILU = 13
} cnnlActivationMode_t;
typedef struct cnnlActivationStruct *cnnlActivationDescriptor_t;
CNNL_API cnnlStatus_t cnnlCreateActivationDescriptor(cnnlActivationDescriptor_t *desc);
CNNL_API cnnlStatus_t cnnlDestroyActivationDescriptor(cnnlActivationDescriptor_t desc);
CNNL_API cnnlStatus_t cnnlSetActivationDescriptor_v2(cnnlActivationDescriptor_t desc, cnnlActivationMode_t mode,
                                                     cnnlActivationPreference_t prefer,
                                                     cnnlNanPropagation_t nanProp, float coef);
CNNL_API cnnlStatus_t cnnlActivationForward(cnnlHandle_t handle, cnnlActivationDescriptor_t desc, const void *alpha,
                                            cnnlTensorDescriptor_t xDesc, const void *x, const void *beta,
                                            cnnlTensorDescriptor_t yDesc, void *y);

#ifdef __cplusplus
}
#endif
#endif /* KX_CAMBRICON_CNNL_H */
