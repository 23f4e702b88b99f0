/* aclnnMatmul and aclnnBatchMatMul: phase one validates shapes, phase two
 * (aclx_run) computes out = self @ mat2 in fp32 on the stream worker. */
#include "ascend_internal.h"

#include <string.h>

static void compute_matmul(const acl_task *t)
{
    hm_matmul(&t->v[0], &t->v[1], &t->v[2], 1.0f, 0.0f, NULL);
}

/* Workspace: one fp32 accumulator tile of M x N (I: sizes are the emulator's
 * own; only the protocol, not the number, matches the vendor). */
static uint64_t acc_bytes(int64_t m, int64_t n) { return (uint64_t)(m * n) * 4u; }

static aclnnStatus check_common(const char *fn, const aclTensor *self, const aclTensor *mat2,
                                const aclTensor *out, int8_t cubeMathType)
{
    aclnnStatus e;
    if ((e = aclx_need_tensor(fn, "self", self)) || (e = aclx_need_tensor(fn, "mat2", mat2)) ||
        (e = aclx_need_tensor(fn, "out", out)))
        return e;
    if (cubeMathType < KX_CUBE_KEEP_DTYPE || cubeMathType > KX_CUBE_USE_HF32)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "cubeMathType %d not in 0..3", cubeMathType);
    if (!aclx_is_float(self->dtype) || self->dtype != mat2->dtype || !aclx_is_float(out->dtype))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "dtypes %d x %d -> %d unsupported (float16/bf16/float, equal inputs)",
                        self->dtype, mat2->dtype, out->dtype);
    if (self->dtype == ACL_FLOAT && cubeMathType == KX_CUBE_KEEP_DTYPE && aclx_soc_lacks_fp32_keep_dtype())
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "cubeMathType KEEP_DTYPE does not support FLOAT32 on this SoC");
    return ACLNN_SUCCESS;
}

/* Inserts a size-1 dim at position pos (torch.matmul 1-D promotion). */
static void unsqueeze(struct aclTensor *t, int pos)
{
    for (int i = t->ndim; i > pos; i--) { t->dims[i] = t->dims[i - 1]; t->strides[i] = t->strides[i - 1]; }
    t->dims[pos] = 1;
    t->strides[pos] = 0;
    t->ndim++;
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmulGetWorkspaceSize(const aclTensor *self, const aclTensor *mat2, aclTensor *out,
                                                            int8_t cubeMathType, uint64_t *workspaceSize,
                                                            aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    const char *fn = "aclnnMatmul";
    aclnnStatus e = aclx_check_phase1(fn, workspaceSize, executor);
    if (e || (e = check_common(fn, self, mat2, out, cubeMathType))) return e;
    if (self->ndim < 1 || mat2->ndim < 1 || self->ndim > ACLX_MAX_DIMS - 1 || mat2->ndim > ACLX_MAX_DIMS - 1)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "ranks %d, %d unsupported", self->ndim, mat2->ndim);
    struct aclTensor a = *self, b = *mat2, o = *out;
    int a1 = a.ndim == 1, b1 = b.ndim == 1;
    if (a1) unsqueeze(&a, 0);
    if (b1) unsqueeze(&b, 1);
    int64_t M = a.dims[a.ndim - 2], K = a.dims[a.ndim - 1], N = b.dims[b.ndim - 1];
    if (b.dims[b.ndim - 2] != K)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "inner dims differ: self K=%lld, mat2 K=%lld",
                        (long long)K, (long long)b.dims[b.ndim - 2]);
    /* expected out: broadcast(batch(a), batch(b)) + [M] + [N], minus promoted dims */
    hm_view av = { .ndim = a.ndim - 2 }, bv = { .ndim = b.ndim - 2 };
    memcpy(av.dims, a.dims, sizeof(int64_t) * (size_t)av.ndim);
    memcpy(bv.dims, b.dims, sizeof(int64_t) * (size_t)bv.ndim);
    int nb;
    int64_t bd[HM_MAX_DIMS];
    if (hm_broadcast_shape(&av, &bv, &nb, bd) || nb + 2 > ACLX_MAX_DIMS)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "batch dims do not broadcast");
    int64_t want[HM_MAX_DIMS];
    int nw = 0;
    for (int i = 0; i < nb; i++) want[nw++] = bd[i];
    if (!a1) want[nw++] = M;
    if (!b1) want[nw++] = N;
    int ok = o.ndim == nw;
    for (int i = 0; ok && i < nw; i++) ok = o.dims[i] == want[i];
    if (!ok) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "out has the wrong shape (rank %d, expected rank %d)", o.ndim, nw);
    if (a1) unsqueeze(&o, o.ndim - (b1 ? 0 : 1));
    if (b1) unsqueeze(&o, o.ndim);
    aclOpExecutor *ex = aclx_exec_new(fn, compute_matmul, acc_bytes(M, N));
    if (!ex) return acl_fail(ACLNN_ERR_RUNTIME_ERROR, fn, "out of host memory");
    aclx_exec_in(ex, &a);
    aclx_exec_in(ex, &b);
    aclx_exec_out(ex, &o);
    return aclx_exec_publish(ex, workspaceSize, executor);
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmul(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                                            aclrtStream stream)
{
    KX_FAULT_POINT(aclnnStatus);
    return aclx_run(__func__, workspace, workspaceSize, executor, stream);
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnBatchMatMulGetWorkspaceSize(const aclTensor *self, const aclTensor *mat2,
                                                                 aclTensor *out, int8_t cubeMathType,
                                                                 uint64_t *workspaceSize, aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    const char *fn = "aclnnBatchMatMul";
    aclnnStatus e = aclx_check_phase1(fn, workspaceSize, executor);
    if (e || (e = check_common(fn, self, mat2, out, cubeMathType))) return e;
    if (self->ndim != 3 || mat2->ndim != 3 || out->ndim != 3)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "self, mat2 and out must be 3-D");
    int64_t B = self->dims[0], M = self->dims[1], K = self->dims[2], N = mat2->dims[2];
    /* Equal batch sizes only (I: the docs do not promise broadcasting here). */
    if (mat2->dims[0] != B || mat2->dims[1] != K || out->dims[0] != B || out->dims[1] != M || out->dims[2] != N)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "shapes [%lld,%lld,%lld] x [%lld,%lld,%lld] -> [%lld,%lld,%lld] do not match",
                        (long long)B, (long long)M, (long long)K, (long long)mat2->dims[0], (long long)mat2->dims[1],
                        (long long)N, (long long)out->dims[0], (long long)out->dims[1], (long long)out->dims[2]);
    aclOpExecutor *ex = aclx_exec_new(fn, compute_matmul, acc_bytes(M, N));
    if (!ex) return acl_fail(ACLNN_ERR_RUNTIME_ERROR, fn, "out of host memory");
    aclx_exec_in(ex, self);
    aclx_exec_in(ex, mat2);
    aclx_exec_out(ex, out);
    return aclx_exec_publish(ex, workspaceSize, executor);
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnBatchMatMul(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                                                 aclrtStream stream)
{
    KX_FAULT_POINT(aclnnStatus);
    return aclx_run(__func__, workspace, workspaceSize, executor, stream);
}
