/* aclnn elementwise ops: Add/Sub (with alpha), Mul, Div, Silu, Gelu(V2),
 * Relu, Exp, Cast. Binary ops broadcast numpy-style to out's shape.
 * None of them needs a workspace. */
#include "ascend_internal.h"

static int same_shape(const aclTensor *a, const aclTensor *b)
{
    if (a->ndim != b->ndim) return 0;
    for (int i = 0; i < a->ndim; i++) if (a->dims[i] != b->dims[i]) return 0;
    return 1;
}

static hm_view shape_of(const aclTensor *t)
{
    hm_view v = { .ndim = t->ndim };
    for (int i = 0; i < t->ndim; i++) v.dims[i] = t->dims[i];
    return v;
}

/* attribute slots: i[0] = op, f[0] = alpha */
static void compute_binary(const acl_task *t)
{
    hm_binary((hm_binop)t->i[0], &t->v[0], &t->v[1], &t->v[2], 1.0f, (float)t->f[0], 0.0f);
}

static aclnnStatus binary_phase1(const char *fn, hm_binop op, const aclTensor *self, const aclTensor *other,
                                 const aclScalar *alpha, const aclTensor *out, uint64_t *ws, aclOpExecutor **exo)
{
    aclnnStatus e = aclx_check_phase1(fn, ws, exo);
    if (e || (e = aclx_need_tensor(fn, "self", self)) || (e = aclx_need_tensor(fn, "other", other)) ||
        (e = aclx_need_tensor(fn, "out", out)))
        return e;
    if (alpha && !aclx_is_scalar(alpha)) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "alpha is not a live aclScalar");
    hm_view a = shape_of(self), b = shape_of(other);
    int nd;
    int64_t dims[HM_MAX_DIMS];
    if (hm_broadcast_shape(&a, &b, &nd, dims)) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "self and other do not broadcast");
    int ok = nd == out->ndim;
    for (int i = 0; ok && i < nd; i++) ok = dims[i] == out->dims[i];
    if (!ok) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "out shape is not the broadcast shape of self and other");
    aclOpExecutor *ex = aclx_exec_new(fn, compute_binary, 0);
    if (!ex) return acl_fail(ACLNN_ERR_RUNTIME_ERROR, fn, "out of host memory");
    ex->proto.i[0] = op;
    ex->proto.f[0] = alpha ? alpha->value : 1.0;
    aclx_exec_in(ex, self);
    aclx_exec_in(ex, other);
    aclx_exec_out(ex, out);
    return aclx_exec_publish(ex, ws, exo);
}

#define BINARY_EXEC(name)                                                                        \
    ACL_FUNC_VISIBILITY aclnnStatus name(void *workspace, uint64_t workspaceSize,                \
                                         aclOpExecutor *executor, aclrtStream stream)            \
    {                                                                                            \
        KX_FAULT_POINT(aclnnStatus);                                                             \
        return aclx_run(__func__, workspace, workspaceSize, executor, stream);                  \
    }

ACL_FUNC_VISIBILITY aclnnStatus aclnnAddGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                         const aclScalar *alpha, aclTensor *out,
                                                         uint64_t *workspaceSize, aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    return binary_phase1("aclnnAdd", HM_ADD, self, other, alpha, out, workspaceSize, executor);
}
BINARY_EXEC(aclnnAdd)

ACL_FUNC_VISIBILITY aclnnStatus aclnnSubGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                         const aclScalar *alpha, aclTensor *out,
                                                         uint64_t *workspaceSize, aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    return binary_phase1("aclnnSub", HM_SUB, self, other, alpha, out, workspaceSize, executor);
}
BINARY_EXEC(aclnnSub)

ACL_FUNC_VISIBILITY aclnnStatus aclnnMulGetWorkspaceSize(const aclTensor *self, const aclTensor *other, aclTensor *out,
                                                         uint64_t *workspaceSize, aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    return binary_phase1("aclnnMul", HM_MUL, self, other, NULL, out, workspaceSize, executor);
}
BINARY_EXEC(aclnnMul)

ACL_FUNC_VISIBILITY aclnnStatus aclnnDivGetWorkspaceSize(const aclTensor *self, const aclTensor *other, aclTensor *out,
                                                         uint64_t *workspaceSize, aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    return binary_phase1("aclnnDiv", HM_DIV, self, other, NULL, out, workspaceSize, executor);
}
BINARY_EXEC(aclnnDiv)

/* ---- unary ---- */
static void compute_unary(const acl_task *t)
{
    hm_unary((hm_unop)t->i[0], &t->v[0], &t->v[1], 1.0f, 0.0f);
}

static void compute_cast(const acl_task *t)
{
    hm_cast(&t->v[0], &t->v[1]);
}

static aclnnStatus unary_phase1(const char *fn, acl_compute_fn fnc, int op, const aclTensor *self,
                                const aclTensor *out, uint64_t *ws, aclOpExecutor **exo)
{
    aclnnStatus e = aclx_check_phase1(fn, ws, exo);
    if (e || (e = aclx_need_tensor(fn, "self", self)) || (e = aclx_need_tensor(fn, "out", out))) return e;
    if (!same_shape(self, out)) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "out shape differs from self");
    aclOpExecutor *ex = aclx_exec_new(fn, fnc, 0);
    if (!ex) return acl_fail(ACLNN_ERR_RUNTIME_ERROR, fn, "out of host memory");
    ex->proto.i[0] = op;
    aclx_exec_in(ex, self);
    aclx_exec_out(ex, out);
    return aclx_exec_publish(ex, ws, exo);
}

#define UNARY_OP(name, op)                                                                                  \
    ACL_FUNC_VISIBILITY aclnnStatus name##GetWorkspaceSize(const aclTensor *self, aclTensor *out,          \
                                                           uint64_t *workspaceSize, aclOpExecutor **executor) \
    {                                                                                                       \
        KX_FAULT_POINT(aclnnStatus);                                                                        \
        return unary_phase1(#name, compute_unary, op, self, out, workspaceSize, executor);                 \
    }                                                                                                       \
    BINARY_EXEC(name)

UNARY_OP(aclnnSilu, HM_SILU)
UNARY_OP(aclnnGelu, HM_GELU_ERF)
UNARY_OP(aclnnRelu, HM_RELU)
UNARY_OP(aclnnExp, HM_EXP)

ACL_FUNC_VISIBILITY aclnnStatus aclnnGeluV2GetWorkspaceSize(const aclTensor *self, int64_t approximate, aclTensor *out,
                                                            uint64_t *workspaceSize, aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    if (approximate != 0 && approximate != 1)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, "aclnnGeluV2", "approximate %lld not 0 (none) or 1 (tanh)",
                        (long long)approximate);
    return unary_phase1("aclnnGeluV2", compute_unary, approximate ? HM_GELU_TANH : HM_GELU_ERF, self, out,
                        workspaceSize, executor);
}
BINARY_EXEC(aclnnGeluV2)

ACL_FUNC_VISIBILITY aclnnStatus aclnnCastGetWorkspaceSize(const aclTensor *self, const aclDataType dtype, aclTensor *out,
                                                          uint64_t *workspaceSize, aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    if (out && aclx_is_tensor(out) && out->dtype != dtype)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, "aclnnCast", "out dtype %d differs from dtype %d", out->dtype, dtype);
    return unary_phase1("aclnnCast", compute_cast, 0, self, out, workspaceSize, executor);
}
BINARY_EXEC(aclnnCast)
