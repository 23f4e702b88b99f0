/* aclnnSoftmax, aclnnLayerNorm, aclnnRmsNorm (7-argument form). */
#include "ascend_internal.h"

/* Norm workspace: two fp32 statistics per row (I: the emulator's own size). */
static uint64_t stats_bytes(int64_t outer) { return (uint64_t)outer * 8u; }

static void compute_softmax(const acl_task *t)
{
    hm_softmax(&t->v[0], &t->v[1], (int)t->i[0], 0, 1.0f, 0.0f);
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnSoftmaxGetWorkspaceSize(const aclTensor *self, int64_t dim, aclTensor *out,
                                                             uint64_t *workspaceSize, aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    const char *fn = "aclnnSoftmax";
    aclnnStatus e = aclx_check_phase1(fn, workspaceSize, executor);
    if (e || (e = aclx_need_tensor(fn, "self", self)) || (e = aclx_need_tensor(fn, "out", out))) return e;
    if (self->ndim < 1 || dim < -self->ndim || dim >= self->ndim)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "dim %lld out of range for rank %d", (long long)dim, self->ndim);
    int ok = out->ndim == self->ndim;
    for (int i = 0; ok && i < self->ndim; i++) ok = out->dims[i] == self->dims[i];
    if (!ok || !aclx_is_float(self->dtype) || !aclx_is_float(out->dtype))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "out must have self's shape; float dtypes only");
    aclOpExecutor *ex = aclx_exec_new(fn, compute_softmax, 0);
    if (!ex) return acl_fail(ACLNN_ERR_RUNTIME_ERROR, fn, "out of host memory");
    ex->proto.i[0] = dim < 0 ? dim + self->ndim : dim;
    aclx_exec_in(ex, self);
    aclx_exec_out(ex, out);
    return aclx_exec_publish(ex, workspaceSize, executor);
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnSoftmax(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                                             aclrtStream stream)
{
    KX_FAULT_POINT(aclnnStatus);
    return aclx_run(__func__, workspace, workspaceSize, executor, stream);
}

/* tensor slots: 0 x, 1 weight, 2 bias, 3 y, 4 mean, 5 rstd; i[0] axis, i[1] rms, f[0] eps */
static void compute_norm(const acl_task *t)
{
    hm_norm(&t->v[0], &t->v[3], (int)t->i[0], t->present[1] ? &t->v[1] : NULL, t->present[2] ? &t->v[2] : NULL,
            t->f[0], (int)t->i[1], t->present[4] ? &t->v[4] : NULL, t->present[5] ? &t->v[5] : NULL);
}

static aclnnStatus norm_phase1(const char *fn, const aclTensor *x, int axis, const aclTensor *w, const aclTensor *b,
                               double eps, const aclTensor *y, const aclTensor *mean, const aclTensor *rstd, int rms,
                               uint64_t *ws, aclOpExecutor **exo)
{
    if (axis < 0 || axis > x->ndim) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "normalised dims do not fit the input");
    int64_t inner = 1, outer = 1;
    for (int i = 0; i < x->ndim; i++) *(i >= axis ? &inner : &outer) *= x->dims[i];
    int ok = y->ndim == x->ndim;
    for (int i = 0; ok && i < x->ndim; i++) ok = y->dims[i] == x->dims[i];
    if (!ok) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "output shape differs from the input");
    if ((w && aclx_numel(w) != inner) || (b && aclx_numel(b) != inner))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "weight/bias must hold %lld elements", (long long)inner);
    if ((mean && aclx_numel(mean) != outer) || (rstd && aclx_numel(rstd) != outer))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "mean/rstd must hold %lld elements", (long long)outer);
    if (!(eps >= 0)) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "eps must be >= 0");
    aclOpExecutor *ex = aclx_exec_new(fn, compute_norm, stats_bytes(outer));
    if (!ex) return acl_fail(ACLNN_ERR_RUNTIME_ERROR, fn, "out of host memory");
    ex->proto.i[0] = axis;
    ex->proto.i[1] = rms;
    ex->proto.f[0] = eps;
    aclx_exec_in(ex, x);
    aclx_exec_in(ex, w);
    aclx_exec_in(ex, b);
    aclx_exec_out(ex, y);
    aclx_exec_out(ex, mean);
    aclx_exec_out(ex, rstd);
    return aclx_exec_publish(ex, ws, exo);
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnLayerNormGetWorkspaceSize(const aclTensor *input, const aclIntArray *normalizedShape,
                                                               const aclTensor *weightOptional, const aclTensor *biasOptional,
                                                               double eps, aclTensor *out, aclTensor *meanOutOptional,
                                                               aclTensor *rstdOutOptional,
                                                               uint64_t *workspaceSize, aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    const char *fn = "aclnnLayerNorm";
    aclnnStatus e = aclx_check_phase1(fn, workspaceSize, executor);
    if (e || (e = aclx_need_tensor(fn, "input", input)) || (e = aclx_need_tensor(fn, "out", out)) ||
        (e = aclx_opt_tensor(fn, "weight", weightOptional)) || (e = aclx_opt_tensor(fn, "bias", biasOptional)) ||
        (e = aclx_opt_tensor(fn, "meanOut", meanOutOptional)) || (e = aclx_opt_tensor(fn, "rstdOut", rstdOutOptional)))
        return e;
    if (!aclx_is_int_array(normalizedShape))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "normalizedShape is not a live aclIntArray");
    int n = (int)normalizedShape->size, axis = input->ndim - n;
    if (n < 1 || axis < 0) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "normalizedShape rank %d vs input rank %d", n, input->ndim);
    for (int i = 0; i < n; i++)
        if (normalizedShape->values[i] != input->dims[axis + i])
            return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "normalizedShape must equal the trailing dims of input");
    return norm_phase1(fn, input, axis, weightOptional, biasOptional, eps, out, meanOutOptional, rstdOutOptional, 0,
                       workspaceSize, executor);
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnLayerNorm(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                                               aclrtStream stream)
{
    KX_FAULT_POINT(aclnnStatus);
    return aclx_run(__func__, workspace, workspaceSize, executor, stream);
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnRmsNormGetWorkspaceSize(const aclTensor *x, const aclTensor *gamma, double epsilon,
                                                             const aclTensor *yOut, const aclTensor *rstdOut,
                                                             uint64_t *workspaceSize, aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    const char *fn = "aclnnRmsNorm";
    aclnnStatus e = aclx_check_phase1(fn, workspaceSize, executor);
    if (e || (e = aclx_need_tensor(fn, "x", x)) || (e = aclx_need_tensor(fn, "gamma", gamma)) ||
        (e = aclx_need_tensor(fn, "yOut", yOut)) || (e = aclx_need_tensor(fn, "rstdOut", rstdOut)))
        return e;
    int axis = x->ndim - gamma->ndim;
    if (gamma->ndim < 1 || axis < 0) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "gamma rank exceeds x rank");
    for (int i = 0; i < gamma->ndim; i++)
        if (gamma->dims[i] != x->dims[axis + i])
            return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "gamma must have the trailing dims of x");
    if (rstdOut->dtype != ACL_FLOAT) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "rstdOut must be float32");
    return norm_phase1(fn, x, axis, gamma, NULL, epsilon, yOut, NULL, rstdOut, 1, workspaceSize, executor);
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnRmsNorm(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                                             aclrtStream stream)
{
    KX_FAULT_POINT(aclnnStatus);
    return aclx_run(__func__, workspace, workspaceSize, executor, stream);
}
