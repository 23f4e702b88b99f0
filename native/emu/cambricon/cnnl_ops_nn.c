/* CNNL softmax, layer/RMS norm, cast, op-tensor (add/sub/mul), activation. */
#include "cambricon_internal.h"

#include <stdlib.h>

static cnnlStatus_t same_shape(const struct cnnlTensorStruct *a, const struct cnnlTensorStruct *b)
{
    if (!a || !b || a->ndim != b->ndim) return CNNL_STATUS_BAD_PARAM;
    for (int i = 0; i < a->ndim; i++) if (a->dims[i] != b->dims[i]) return CNNL_STATUS_BAD_PARAM;
    return CNNL_STATUS_SUCCESS;
}

/* Allocates a task, binds the listed (desc, ptr) pairs to slots 0.. and submits. */
static cnnlStatus_t launch(const char *fn, cnnlHandle_t h, cn_task *proto, int n, const cnnlTensorDescriptor_t *d,
                           const void *const *p, void *ws, size_t wsSize, size_t need)
{
    int phys;
    kx_stream *s;
    cnnlStatus_t st = cn_begin(fn, h, &phys, &s);
    if (st) return st;
    cn_task *t = malloc(sizeof *t);
    if (!t) return CNNL_STATUS_ALLOC_FAILED;
    *t = *proto;
    for (int i = 0; i < n; i++)
        if ((st = cn_bind(fn, t, i, d[i], p[i], phys))) { free(t); return st; }
    return cn_submit(fn, s, phys, t, ws, wsSize, need);
}

/* ---- softmax ---- */
static void compute_softmax(const cn_task *t)
{
    hm_softmax(&t->v[0], &t->v[1], (int)t->i[0], (int)t->i[1], (float)t->f[0], (float)t->f[1]);
}

CNNL_API cnnlStatus_t cnnlSoftmaxForward_v2(cnnlHandle_t handle, cnnlSoftmaxAlgorithm_t algorithm, cnnlSoftmaxMode_t mode,
                                            cnnlComputationPreference_t prefer, const void *alpha,
                                            cnnlTensorDescriptor_t xDesc, const void *x, const void *beta,
                                            cnnlTensorDescriptor_t yDesc, void *y)
{
    CN_ENTRY();
    (void)prefer;
    const struct cnnlTensorStruct *X = cn_desc(xDesc);
    if (same_shape(X, cn_desc(yDesc)) || X->ndim < 1 || (int)algorithm < 0 || algorithm > CNNL_SOFTMAX_LOG)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "x/y shapes or algorithm");
    int dim;
    switch (mode) {
    case CNNL_SOFTMAX_MODE_HIGH_DIMENSION: dim = 0; break;
    case CNNL_SOFTMAX_MODE_LOW_DIMENSION: dim = X->ndim - 1; break;
    case CNNL_SOFTMAX_MODE_MEDIUM_DIMENSION: dim = X->ndim >= 2 ? X->ndim - 2 : 0; break;
    default: return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "bad mode");
    }
    cn_task p = { .compute = compute_softmax };
    p.i[0] = dim;
    p.i[1] = algorithm == CNNL_SOFTMAX_LOG;
    p.f[0] = cn_scalar(alpha, X->dtype, 1.0f);
    p.f[1] = cn_scalar(beta, X->dtype, 0.0f);
    cnnlTensorDescriptor_t d[2] = { xDesc, yDesc };
    const void *ptr[2] = { x, y };
    return launch(__func__, handle, &p, 2, d, ptr, NULL, 0, 0);
}

/* ---- norms: slots 0 x, 1 weight, 2 bias, 3 y, 4 mean/rms, 5 rstd ---- */
static void compute_norm(const cn_task *t)
{
    hm_norm(&t->v[0], &t->v[3], (int)t->i[0], t->present[1] ? &t->v[1] : NULL, t->present[2] ? &t->v[2] : NULL,
            t->f[0], (int)t->i[1], t->present[4] && !t->i[1] ? &t->v[4] : NULL,
            t->i[1] ? (t->present[4] ? &t->v[4] : NULL) : (t->present[5] ? &t->v[5] : NULL));
}

static size_t norm_ws(const struct cnnlTensorStruct *x, int axis)
{
    int64_t outer = 1;
    for (int i = 0; i < axis; i++) outer *= x->dims[i];
    return (size_t)outer * 8u;                       /* two fp32 statistics per row (I) */
}

static cnnlStatus_t norm_ws_query(const char *fn, cnnlHandle_t h, int axis, cnnlTensorDescriptor_t xDesc, size_t *ws)
{
    const struct cnnlTensorStruct *X = cn_desc(xDesc);
    if (!h || !kx_handle_is_live(h, CN_K_HANDLE) || !X || !ws || axis < 0 || axis >= X->ndim)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "bad handle, descriptor or axis");
    *ws = norm_ws(X, axis);
    return CNNL_STATUS_SUCCESS;
}

CNNL_API cnnlStatus_t cnnlGetLayerNormOpWorkspaceSize(cnnlHandle_t handle, int axis, cnnlTensorDescriptor_t xDesc,
                                                      size_t *workspaceSize)
{
    CN_ENTRY();
    return norm_ws_query(__func__, handle, axis, xDesc, workspaceSize);
}

CNNL_API cnnlStatus_t cnnlGetRmsNormOpWorkspaceSize(cnnlHandle_t handle, int axis, cnnlTensorDescriptor_t xDesc,
                                                    size_t *workspaceSize)
{
    CN_ENTRY();
    return norm_ws_query(__func__, handle, axis, xDesc, workspaceSize);
}

static cnnlStatus_t norm(const char *fn, cnnlHandle_t h, int rms, int axis, cnnlTensorDescriptor_t xD, const void *x,
                         cnnlTensorDescriptor_t wbD, const void *w, const void *b, float eps, void *ws, size_t wsSize,
                         cnnlTensorDescriptor_t yD, void *y, cnnlTensorDescriptor_t sD, void *s1, void *s2)
{
    const struct cnnlTensorStruct *X = cn_desc(xD), *WB = wbD ? cn_desc(wbD) : NULL, *S = sD ? cn_desc(sD) : NULL;
    if (same_shape(X, cn_desc(yD)) || axis < 0 || axis >= X->ndim || !(eps >= 0) || (wbD && !WB) || (sD && !S))
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "x/y shapes, axis, eps or descriptors");
    int64_t inner = 1, outer = 1;
    for (int i = 0; i < X->ndim; i++) *(i >= axis ? &inner : &outer) *= X->dims[i];
    if ((WB && cn_numel(WB) != inner) || (S && cn_numel(S) != outer))
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "weight/bias need the normalised dims, statistics the outer dims");
    cn_task p = { .compute = compute_norm };
    p.i[0] = axis;
    p.i[1] = rms;
    p.f[0] = eps;
    cnnlTensorDescriptor_t d[6] = { xD, w ? wbD : NULL, b ? wbD : NULL, yD, s1 ? sD : NULL, s2 ? sD : NULL };
    const void *ptr[6] = { x, w, b, y, s1, s2 };
    return launch(fn, h, &p, 6, d, ptr, ws, wsSize, norm_ws(X, axis));
}

CNNL_API cnnlStatus_t cnnlLayerNormForward(cnnlHandle_t handle, cnnlTensorDescriptor_t xDesc, const void *x, int axis,
                                           cnnlTensorDescriptor_t wbDesc, const void *weight, const void *bias,
                                           float eps, void *workspace, size_t workspaceSize,
                                           cnnlTensorDescriptor_t yDesc, void *y,
                                           cnnlTensorDescriptor_t meanRstdDesc, void *saveMean, void *saveRstd)
{
    CN_ENTRY();
    return norm(__func__, handle, 0, axis, xDesc, x, wbDesc, weight, bias, eps, workspace, workspaceSize, yDesc, y,
                meanRstdDesc, saveMean, saveRstd);
}

CNNL_API cnnlStatus_t cnnlRmsNormForward(cnnlHandle_t handle, int axis, cnnlTensorDescriptor_t xDesc, const void *x,
                                         cnnlTensorDescriptor_t wbDesc, const void *weight, const void *bias,
                                         float eps, void *workspace, size_t workspaceSize,
                                         cnnlTensorDescriptor_t yDesc, void *y,
                                         cnnlTensorDescriptor_t rmsDesc, void *rms)
{
    CN_ENTRY();
    return norm(__func__, handle, 1, axis, xDesc, x, wbDesc, weight, bias, eps, workspace, workspaceSize, yDesc, y,
                rmsDesc, rms, NULL);
}

/* ---- cast ---- */
static void compute_cast(const cn_task *t) { hm_cast(&t->v[0], &t->v[1]); }

static const struct { cnnlCastDataType_t c; cnnlDataType_t from, to; } casts[] = {
    { CNNL_CAST_FLOAT_TO_HALF, CNNL_DTYPE_FLOAT, CNNL_DTYPE_HALF },
    { CNNL_CAST_HALF_TO_FLOAT, CNNL_DTYPE_HALF, CNNL_DTYPE_FLOAT },
    { CNNL_CAST_FLOAT_TO_BFLOAT16, CNNL_DTYPE_FLOAT, CNNL_DTYPE_BFLOAT16 },
    { CNNL_CAST_BFLOAT16_TO_FLOAT, CNNL_DTYPE_BFLOAT16, CNNL_DTYPE_FLOAT },
    { CNNL_CAST_FLOAT_TO_INT32, CNNL_DTYPE_FLOAT, CNNL_DTYPE_INT32 },
    { CNNL_CAST_INT32_TO_FLOAT, CNNL_DTYPE_INT32, CNNL_DTYPE_FLOAT },
    { CNNL_CAST_HALF_TO_INT32, CNNL_DTYPE_HALF, CNNL_DTYPE_INT32 },
    { CNNL_CAST_INT32_TO_HALF, CNNL_DTYPE_INT32, CNNL_DTYPE_HALF },
    { CNNL_CAST_FLOAT_TO_INT8, CNNL_DTYPE_FLOAT, CNNL_DTYPE_INT8 },
    { CNNL_CAST_INT8_TO_FLOAT, CNNL_DTYPE_INT8, CNNL_DTYPE_FLOAT },
    { CNNL_CAST_INT32_TO_INT64, CNNL_DTYPE_INT32, CNNL_DTYPE_INT64 },
    { CNNL_CAST_INT64_TO_INT32, CNNL_DTYPE_INT64, CNNL_DTYPE_INT32 },
    { CNNL_CAST_HALF_TO_BFLOAT16, CNNL_DTYPE_HALF, CNNL_DTYPE_BFLOAT16 },
    { CNNL_CAST_BFLOAT16_TO_HALF, CNNL_DTYPE_BFLOAT16, CNNL_DTYPE_HALF },
    { CNNL_CAST_FLOAT_TO_INT64, CNNL_DTYPE_FLOAT, CNNL_DTYPE_INT64 },
    { CNNL_CAST_INT64_TO_FLOAT, CNNL_DTYPE_INT64, CNNL_DTYPE_FLOAT },
};

CNNL_API cnnlStatus_t cnnlCastDataType(cnnlHandle_t handle, cnnlTensorDescriptor_t inputDesc, const void *input,
                                       cnnlCastDataType_t castType, cnnlTensorDescriptor_t outputDesc, void *output)
{
    CN_ENTRY();
    const struct cnnlTensorStruct *I = cn_desc(inputDesc), *O = cn_desc(outputDesc);
    if (same_shape(I, O)) return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "input/output shapes differ");
    int ok = 0;
    for (size_t i = 0; i < sizeof casts / sizeof *casts; i++)
        ok |= casts[i].c == castType && casts[i].from == I->dtype && casts[i].to == O->dtype;
    if (!ok) return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "castType does not match the descriptors' dtypes");
    cn_task p = { .compute = compute_cast };
    cnnlTensorDescriptor_t d[2] = { inputDesc, outputDesc };
    const void *ptr[2] = { input, output };
    return launch(__func__, handle, &p, 2, d, ptr, NULL, 0, 0);
}

/* ---- op tensor ---- */
static const char K_OPT[] = "cnnlOpTensorDescriptor", K_ACT[] = "cnnlActivationDescriptor";
struct cnnlOpTensorStruct { int set; cnnlOpTensorDesc_t op; cnnlDataType_t comp; };
struct cnnlActivationStruct { int set; cnnlActivationMode_t mode; float coef; };

CN_OBJ_API(cnnlCreateOpTensorDescriptor, cnnlDestroyOpTensorDescriptor, cnnlOpTensorDescriptor_t, K_OPT)

CNNL_API cnnlStatus_t cnnlSetOpTensorDescriptor(cnnlOpTensorDescriptor_t desc, cnnlOpTensorDesc_t op,
                                                cnnlDataType_t opTensorCompType, cnnlNanPropagation_t nanOpt)
{
    CN_ENTRY();
    (void)nanOpt;
    if (!desc || !kx_handle_is_live(desc, K_OPT) || (int)op < 0 || op > CNNL_OP_TENSOR_SUB ||
        !cn_is_float(opTensorCompType))
        return CNNL_STATUS_BAD_PARAM;
    desc->set = 1;
    desc->op = op;
    desc->comp = opTensorCompType;
    return CNNL_STATUS_SUCCESS;
}

CNNL_API cnnlStatus_t cnnlGetOpTensorWorkspaceSize(cnnlHandle_t handle, cnnlTensorDescriptor_t aDesc,
                                                   cnnlTensorDescriptor_t bDesc, cnnlTensorDescriptor_t cDesc,
                                                   size_t *workspaceSize)
{
    CN_ENTRY();
    if (!handle || !kx_handle_is_live(handle, CN_K_HANDLE) || !cn_desc(aDesc) || !cn_desc(bDesc) || !cn_desc(cDesc) ||
        !workspaceSize)
        return CNNL_STATUS_BAD_PARAM;
    *workspaceSize = 0;
    return CNNL_STATUS_SUCCESS;
}

static void compute_optensor(const cn_task *t)
{
    static const hm_binop ops[] = { HM_ADD, HM_MUL, HM_SUB };
    hm_binary(ops[t->i[0]], &t->v[0], &t->v[1], &t->v[2], (float)t->f[0], (float)t->f[1], (float)t->f[2]);
}

CNNL_API cnnlStatus_t cnnlOpTensor(cnnlHandle_t handle, cnnlOpTensorDescriptor_t desc, const void *alpha1,
                                   cnnlTensorDescriptor_t aDesc, const void *a, const void *alpha2,
                                   cnnlTensorDescriptor_t bDesc, const void *b, void *workspace, size_t workspaceSize,
                                   const void *beta, cnnlTensorDescriptor_t cDesc, void *c)
{
    CN_ENTRY();
    const struct cnnlTensorStruct *A = cn_desc(aDesc), *B = cn_desc(bDesc), *C = cn_desc(cDesc);
    if (!desc || !kx_handle_is_live(desc, K_OPT) || !desc->set || !A || !B || !C)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "descriptor not live or not set");
    hm_view av = { .ndim = A->ndim }, bv = { .ndim = B->ndim }, x;
    for (int i = 0; i < A->ndim; i++) { av.dims[i] = A->dims[i]; av.strides[i] = 1; }
    for (int i = 0; i < B->ndim; i++) { bv.dims[i] = B->dims[i]; bv.strides[i] = 1; }
    if (hm_broadcast(&av, C->ndim, C->dims, &x) || hm_broadcast(&bv, C->ndim, C->dims, &x))
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "a and b must broadcast to c");
    cn_task p = { .compute = compute_optensor };
    p.i[0] = desc->op;
    p.f[0] = cn_scalar(alpha1, desc->comp, 1.0f);
    p.f[1] = cn_scalar(alpha2, desc->comp, 1.0f);
    p.f[2] = cn_scalar(beta, desc->comp, 0.0f);
    cnnlTensorDescriptor_t d[3] = { aDesc, bDesc, cDesc };
    const void *ptr[3] = { a, b, c };
    return launch(__func__, handle, &p, 3, d, ptr, workspace, workspaceSize, 0);
}

/* ---- activation ---- */
CN_OBJ_API(cnnlCreateActivationDescriptor, cnnlDestroyActivationDescriptor, cnnlActivationDescriptor_t,
           K_ACT)

CNNL_API cnnlStatus_t cnnlSetActivationDescriptor_v2(cnnlActivationDescriptor_t desc, cnnlActivationMode_t mode,
                                                     cnnlActivationPreference_t prefer, cnnlNanPropagation_t nanProp,
                                                     float coef)
{
    CN_ENTRY();
    (void)prefer; (void)nanProp;
    if (!desc || !kx_handle_is_live(desc, K_ACT)) return CNNL_STATUS_BAD_PARAM;
    if (mode != CNNL_ACTIVATION_SIGMOID && mode != CNNL_ACTIVATION_RELU && mode != CNNL_ACTIVATION_TANH &&
        mode != CNNL_ACTIVATION_GELU && mode != CNNL_ACTIVATION_SILU)
        return cn_status_fail(CNNL_STATUS_NOT_SUPPORTED, __func__, "activation mode not emulated");
    desc->set = 1;
    desc->mode = mode;
    desc->coef = coef;
    return CNNL_STATUS_SUCCESS;
}

static void compute_act(const cn_task *t)
{
    hm_unary((hm_unop)t->i[0], &t->v[0], &t->v[1], (float)t->f[0], (float)t->f[1]);
}

CNNL_API cnnlStatus_t cnnlActivationForward(cnnlHandle_t handle, cnnlActivationDescriptor_t desc, const void *alpha,
                                            cnnlTensorDescriptor_t xDesc, const void *x, const void *beta,
                                            cnnlTensorDescriptor_t yDesc, void *y)
{
    CN_ENTRY();
    const struct cnnlTensorStruct *X = cn_desc(xDesc);
    if (!desc || !kx_handle_is_live(desc, K_ACT) || !desc->set || same_shape(X, cn_desc(yDesc)))
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "descriptor not set or x/y shapes differ");
    cn_task p = { .compute = compute_act };
    switch (desc->mode) {
    case CNNL_ACTIVATION_SIGMOID: p.i[0] = HM_SIGMOID; break;
    case CNNL_ACTIVATION_RELU: p.i[0] = HM_RELU; break;
    case CNNL_ACTIVATION_TANH: p.i[0] = HM_TANH; break;
    case CNNL_ACTIVATION_GELU: p.i[0] = HM_GELU_ERF; break;
    default: p.i[0] = HM_SILU; break;
    }
    p.f[0] = cn_scalar(alpha, X->dtype, 1.0f);
    p.f[1] = cn_scalar(beta, X->dtype, 0.0f);
    cnnlTensorDescriptor_t d[2] = { xDesc, yDesc };
    const void *ptr[2] = { x, y };
    return launch(__func__, handle, &p, 2, d, ptr, NULL, 0, 0);
}
