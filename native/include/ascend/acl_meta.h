/*
 * aclnn tensor/meta API (libnnopbase.so; real header aclnn/acl_meta.h).
 * Signatures U+ (acl_meta.h text and CANN docs) unless tagged.
 *
 * Every aclnn op is two-phase:
 *   aclnnXxxGetWorkspaceSize(<inputs, attributes, outputs>, uint64_t *workspaceSize,
 *                            aclOpExecutor **executor)
 *   aclnnXxx(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
 *            aclrtStream stream)
 * The executor is single-use and freed by the library after phase two unless
 * aclSetAclOpExecutorRepeatable was called; a repeatable one is freed with
 * aclDestroyAclOpExecutor.
 */
#ifndef KX_ASCEND_ACL_META_H
#define KX_ASCEND_ACL_META_H

#include "acl_base.h"
#include "acl_rt.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t aclnnStatus;

#define ACLNN_SUCCESS            0
#define ACLNN_ERR_PARAM_NULLPTR  161001   /* V ops-transformer docs */
#define ACLNN_ERR_PARAM_INVALID  161002   /* V */
#define ACLNN_ERR_RUNTIME_ERROR  361001   /* V */

typedef struct aclTensor aclTensor;
typedef struct aclScalar aclScalar;
typedef struct aclIntArray aclIntArray;
typedef struct aclTensorList aclTensorList;
typedef struct aclOpExecutor aclOpExecutor;

/* offset is in elements, from tensorData (I: docs say "offset of the view").
 * Pitfall seen in public code: ACL_FORMAT_ND passed in the offset slot. */
ACL_FUNC_VISIBILITY aclTensor *aclCreateTensor(const int64_t *viewDims, uint64_t viewDimsNum,
                                               aclDataType dataType, const int64_t *stride,
                                               int64_t offset, aclFormat format,
                                               const int64_t *storageDims, uint64_t storageDimsNum,
                                               void *tensorData);
ACL_FUNC_VISIBILITY aclnnStatus aclDestroyTensor(const aclTensor *tensor);

/* The value is copied at creation. */
ACL_FUNC_VISIBILITY aclScalar *aclCreateScalar(void *value, aclDataType dataType);
ACL_FUNC_VISIBILITY aclnnStatus aclDestroyScalar(const aclScalar *scalar);

ACL_FUNC_VISIBILITY aclIntArray *aclCreateIntArray(const int64_t *value, uint64_t size);
ACL_FUNC_VISIBILITY aclnnStatus aclDestroyIntArray(const aclIntArray *array);

/* The list takes ownership of its tensors: aclDestroyTensorList destroys them
 * too (I: CANN docs say the tensors need not be destroyed separately). */
ACL_FUNC_VISIBILITY aclTensorList *aclCreateTensorList(const aclTensor *const *value, uint64_t size);
ACL_FUNC_VISIBILITY aclnnStatus aclDestroyTensorList(const aclTensorList *array);

ACL_FUNC_VISIBILITY aclnnStatus aclSetAclOpExecutorRepeatable(aclOpExecutor *executor);
ACL_FUNC_VISIBILITY aclnnStatus aclDestroyAclOpExecutor(aclOpExecutor *executor);
/* Rebind the device address of the index-th input/output tensor of a
 * repeatable executor (U: call sites only). Indices count tensors in the
 * order of the GetWorkspaceSize parameters, inputs and outputs separately. */
ACL_FUNC_VISIBILITY aclnnStatus aclSetInputTensorAddr(aclOpExecutor *executor, const size_t index,
                                                      aclTensor *tensor, void *addr);
ACL_FUNC_VISIBILITY aclnnStatus aclSetOutputTensorAddr(aclOpExecutor *executor, const size_t index,
                                                       aclTensor *tensor, void *addr);

#ifdef __cplusplus
}
#endif
#endif /* KX_ASCEND_ACL_META_H */
