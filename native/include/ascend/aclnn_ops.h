/*
 * aclnn op subset (libopapi.so; real headers aclnnop/aclnn_<op>.h).
 * All GetWorkspaceSize functions end with (uint64_t *workspaceSize,
 * aclOpExecutor **executor); all execute functions have the same shape.
 */
#ifndef KX_ASCEND_ACLNN_OPS_H
#define KX_ASCEND_ACLNN_OPS_H

#include "acl_meta.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_ACLNN_EXEC(name) \
    ACL_FUNC_VISIBILITY aclnnStatus name(void *workspace, uint64_t workspaceSize, \
                                         aclOpExecutor *executor, aclrtStream stream)

/* cubeMathType: 0 KEEP_DTYPE, 1 ALLOW_FP32_DOWN_PRECISION, 2 USE_FP16,
 * 3 USE_HF32 (I). The emulator always computes in fp32. */
/* cubeMathType (V: cann-ops aclnnMatmul.md): KEEP_DTYPE does not support FLOAT32
 * inputs on the Ascend 910 (A) and 310P cube units; ALLOW_FP32_DOWN_PRECISION
 * computes FLOAT32 in FLOAT16 there and in HFLOAT32 on 910B. */
#define KX_CUBE_KEEP_DTYPE 0
#define KX_CUBE_ALLOW_FP32_DOWN_PRECISION 1
#define KX_CUBE_USE_FP16 2
#define KX_CUBE_USE_HF32 3

/* ---- GEMM (U+ headers OP_API_INC_MATMUL_H_, OP_API_ACLNN_BATCHMATMUL_H) ---- */
/* torch.matmul semantics: 1-D operands are promoted, batch dims broadcast.
 * Transposes are expressed by strides of the view. */
ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmulGetWorkspaceSize(const aclTensor *self, const aclTensor *mat2,
                                                            aclTensor *out, int8_t cubeMathType,
                                                            uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnMatmul);
/* 3-D only: [B,M,K] x [B,K,N] -> [B,M,N]. Note the capital M in BatchMatMul. */
ACL_FUNC_VISIBILITY aclnnStatus aclnnBatchMatMulGetWorkspaceSize(const aclTensor *self, const aclTensor *mat2,
                                                                 aclTensor *out, int8_t cubeMathType,
                                                                 uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnBatchMatMul);

/* ---- attention ---- */
/* Prefill (V call site InfiniCore mha_flashattn_ascend.cc; U+ docs).
 * inputLayout "BSH", "BSND", "BNSD" (H = numHeads*D). attenMask: bool/int8/
 * uint8 [Sq,Sk], [B,Sq,Sk] or [B,1,Sq,Sk], 1 = masked out. sparseMode:
 * 0 = mask plus preTokens/nextTokens band (top-left aligned), 2 = top-left
 * causal, 3 = bottom-right causal, 4 = band. Modes 2/3/4 require the optimised
 * 2048x2048 mask (1 above the diagonal) instead of a full one; NULL is invalid
 * (V: ops-transformer aclnnPromptFlashAttentionV3.md).
 * numKeyValueHeads 0 means numHeads. */
ACL_FUNC_VISIBILITY aclnnStatus aclnnPromptFlashAttentionV3GetWorkspaceSize(
    const aclTensor *query, const aclTensor *key, const aclTensor *value,
    const aclTensor *pseShift, const aclTensor *attenMask,
    const aclIntArray *actualSeqLengths, const aclIntArray *actualSeqLengthsKv,
    const aclTensor *deqScale1, const aclTensor *quantScale1,
    const aclTensor *deqScale2, const aclTensor *quantScale2, const aclTensor *quantOffset2,
    int64_t numHeads, double scaleValue, int64_t preTokens, int64_t nextTokens,
    char *inputLayout, int64_t numKeyValueHeads, int64_t sparseMode, int64_t innerPrecise,
    const aclTensor *attentionOut, uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnPromptFlashAttentionV3);

/* Decode (V-doc ops-transformer aclnnIncreFlashAttentionV4.md). key/value
 * are tensor lists with one tensor each (non-paged KV cache, blockSize 0).
 * actualSeqLengths gives the valid KV length per batch (optional).
 * The query has sequence length 1; attention is over all valid keys. */
ACL_FUNC_VISIBILITY aclnnStatus aclnnIncreFlashAttentionV4GetWorkspaceSize(
    const aclTensor *query, const aclTensorList *key, const aclTensorList *value,
    const aclTensor *pseShift, const aclTensor *attenMask, const aclIntArray *actualSeqLengths,
    const aclTensor *dequantScale1, const aclTensor *quantScale1,
    const aclTensor *dequantScale2, const aclTensor *quantScale2, const aclTensor *quantOffset2,
    const aclTensor *antiquantScale, const aclTensor *antiquantOffset,
    const aclTensor *blocktable, const aclTensor *kvPaddingSize,
    int64_t numHeads, double scaleValue, char *inputLayout, int64_t numKeyValueHeads,
    int64_t blockSize, int64_t innerPrecise, const aclTensor *attentionOut,
    uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnIncreFlashAttentionV4);

/* ---- normalisation ---- */
ACL_FUNC_VISIBILITY aclnnStatus aclnnSoftmaxGetWorkspaceSize(const aclTensor *self, int64_t dim, aclTensor *out,
                                                             uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnSoftmax);
/* meanOut/rstdOut: shape of input with the normalised dims set to 1. */
ACL_FUNC_VISIBILITY aclnnStatus aclnnLayerNormGetWorkspaceSize(const aclTensor *input, const aclIntArray *normalizedShape,
                                                               const aclTensor *weightOptional, const aclTensor *biasOptional,
                                                               double eps, aclTensor *out, aclTensor *meanOutOptional,
                                                               aclTensor *rstdOutOptional,
                                                               uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnLayerNorm);
/* 7 arguments (rstdOut is required; pitfall 14 in the second pass). gamma
 * covers the last gamma.ndim dims of x; rstdOut has x's shape with those set to 1. */
ACL_FUNC_VISIBILITY aclnnStatus aclnnRmsNormGetWorkspaceSize(const aclTensor *x, const aclTensor *gamma, double epsilon,
                                                             const aclTensor *yOut, const aclTensor *rstdOut,
                                                             uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnRmsNorm);

/* ---- elementwise (U: many call sites; numpy broadcasting) ---- */
/* out = self + alpha * other; alpha may be NULL (= 1). */
ACL_FUNC_VISIBILITY aclnnStatus aclnnAddGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                         const aclScalar *alpha, aclTensor *out,
                                                         uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnAdd);
/* out = self - alpha * other */
ACL_FUNC_VISIBILITY aclnnStatus aclnnSubGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                         const aclScalar *alpha, aclTensor *out,
                                                         uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnSub);
ACL_FUNC_VISIBILITY aclnnStatus aclnnMulGetWorkspaceSize(const aclTensor *self, const aclTensor *other, aclTensor *out,
                                                         uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnMul);
ACL_FUNC_VISIBILITY aclnnStatus aclnnDivGetWorkspaceSize(const aclTensor *self, const aclTensor *other, aclTensor *out,
                                                         uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnDiv);
ACL_FUNC_VISIBILITY aclnnStatus aclnnSiluGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                          uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnSilu);
/* erf form (I: the docs' formula is not verified). */
ACL_FUNC_VISIBILITY aclnnStatus aclnnGeluGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                          uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnGelu);
/* approximate: 0 = "none" (erf), 1 = "tanh" (I). */
ACL_FUNC_VISIBILITY aclnnStatus aclnnGeluV2GetWorkspaceSize(const aclTensor *self, int64_t approximate, aclTensor *out,
                                                            uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnGeluV2);
ACL_FUNC_VISIBILITY aclnnStatus aclnnReluGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                          uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnRelu);
ACL_FUNC_VISIBILITY aclnnStatus aclnnExpGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                         uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnExp);
/* out.dtype must equal dtype. Float to int truncates toward zero (I). */
ACL_FUNC_VISIBILITY aclnnStatus aclnnCastGetWorkspaceSize(const aclTensor *self, const aclDataType dtype, aclTensor *out,
                                                          uint64_t *workspaceSize, aclOpExecutor **executor);
KX_ACLNN_EXEC(aclnnCast);

#ifdef __cplusplus
}
#endif
#endif /* KX_ASCEND_ACLNN_OPS_H */
