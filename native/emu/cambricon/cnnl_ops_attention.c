/*
 * cnnlFlashAttentionForward, packed (varlen) inference form: per batch the
 * rows [cuSeq[b], cuSeq[b+1]) of q and k/v form one sequence. cuSeqQ/cuSeqK
 * are int32 device tensors read on the worker. GQA when Hq % Hkv == 0.
 */
#include "cambricon_internal.h"

#include <stdlib.h>
#include <string.h>

static const char K_FA[] = "cnnlFlashAttentionDescriptor";

struct cnnlFlashAttentionStruct {
    int set, causal;
    int maxq, maxk;
    float scale;
};

CN_OBJ_API(cnnlCreateFlashAttentionDescriptor, cnnlDestroyFlashAttentionDescriptor,
           cnnlFlashAttentionDescriptor_t, K_FA)

CNNL_API cnnlStatus_t cnnlSetFlashAttentionDescriptor(cnnlFlashAttentionDescriptor_t desc, cnnlDataType_t computeDtype,
                                                      cnnlActivationPreference_t prefer, cnnlAttentionMaskMode_t maskMode,
                                                      bool isPackMode, bool isOutZero, bool returnSoftmax, int maxSeqLenQ,
                                                      int maxSeqLenKv, float dropoutP, float softmaxScale)
{
    CN_ENTRY();
    (void)prefer; (void)isOutZero;
    if (!desc || !kx_handle_is_live(desc, K_FA)) return CNNL_STATUS_BAD_PARAM;
    if (computeDtype != CNNL_DTYPE_FLOAT || (maskMode != CNNL_ATTN_MASK_NONE && maskMode != CNNL_ATTN_MASK_CAUSAL) ||
        maxSeqLenQ < 0 || maxSeqLenKv < 0)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "compute dtype must be float; mask mode NONE or CAUSAL");
    if (!isPackMode || returnSoftmax || dropoutP != 0.0f)
        return cn_status_fail(CNNL_STATUS_NOT_SUPPORTED, __func__, "emulated: pack mode, no dropout, no softmax output");
    desc->set = 1;
    desc->causal = maskMode == CNNL_ATTN_MASK_CAUSAL;
    desc->maxq = maxSeqLenQ;
    desc->maxk = maxSeqLenKv;
    desc->scale = softmaxScale;
    return CNNL_STATUS_SUCCESS;
}

/* q [T,H,D], k [T,Hkv,D], v [T,Hkv,Dv] */
static cnnlStatus_t check_qkv(const char *fn, const struct cnnlTensorStruct *q, const struct cnnlTensorStruct *k,
                              const struct cnnlTensorStruct *v)
{
    if (!q || !k || !v || q->ndim != 3 || k->ndim != 3 || v->ndim != 3)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "q/k/v must be set 3-D descriptors [T, heads, dim]");
    if (!cn_is_float(q->dtype) || k->dtype != q->dtype || v->dtype != q->dtype)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "q/k/v must share a float dtype");
    if (q->dims[2] != k->dims[2] || k->dims[0] != v->dims[0] || k->dims[1] != v->dims[1] || k->dims[1] <= 0 ||
        q->dims[1] % k->dims[1])
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "head dims/counts inconsistent (Hq % Hkv must be 0)");
    return CNNL_STATUS_SUCCESS;
}

static size_t fa_ws(const struct cnnlTensorStruct *q) { return 16384u + (size_t)(q->dims[0] * q->dims[1]) * 8u; }

CNNL_API cnnlStatus_t cnnlGetFlashAttentionForwardWorkspaceSize(cnnlHandle_t handle, cnnlFlashAttentionDescriptor_t desc,
                                                                cnnlTensorDescriptor_t qDesc, cnnlTensorDescriptor_t kDesc,
                                                                cnnlTensorDescriptor_t vDesc, size_t *workspaceSize)
{
    CN_ENTRY();
    if (!handle || !kx_handle_is_live(handle, CN_K_HANDLE) || !desc || !kx_handle_is_live(desc, K_FA) || !desc->set ||
        !workspaceSize)
        return CNNL_STATUS_BAD_PARAM;
    cnnlStatus_t st = check_qkv(__func__, cn_desc(qDesc), cn_desc(kDesc), cn_desc(vDesc));
    if (st) return st;
    *workspaceSize = fa_ws(cn_desc(qDesc));
    return CNNL_STATUS_SUCCESS;
}

/* slots: 0 q, 1 k, 2 v, 3 cuSeqQ, 4 cuSeqK, 5 lse, 6 out; i[0] causal, i[1] batch; f[0] scale */
static hm_view rows(const hm_view *x, int64_t start, int64_t len)
{
    /* [T,H,D] rows [start, start+len) -> [1,H,len,D] */
    hm_view r = *x;
    r.data = (char *)x->data + start * x->strides[0] * (int64_t)hm_type_size(x->type);
    r.ndim = 4;
    int64_t d[4] = { 1, x->dims[1], len, x->dims[2] }, s[4] = { 0, x->strides[1], x->strides[0], x->strides[2] };
    memcpy(r.dims, d, sizeof d);
    memcpy(r.strides, s, sizeof s);
    return r;
}

static void compute_fa(const cn_task *t)
{
    int64_t B = t->i[1], Tq = t->v[0].dims[0], Tk = t->v[1].dims[0];
    for (int64_t b = 0; b < B; b++) {
        int64_t q0 = (int64_t)hm_get(&t->v[3], b), q1 = (int64_t)hm_get(&t->v[3], b + 1);
        int64_t k0 = (int64_t)hm_get(&t->v[4], b), k1 = (int64_t)hm_get(&t->v[4], b + 1);
        if (q0 < 0 || q1 < q0 || q1 > Tq || k0 < 0 || k1 < k0 || k1 > Tk) {
            kx_stream_set_error(kx_worker_stream(), KX_ERR_INVALID_VALUE);   /* bad cu_seqlens: reported at sync */
            return;
        }
        hm_view q = rows(&t->v[0], q0, q1 - q0), k = rows(&t->v[1], k0, k1 - k0), v = rows(&t->v[2], k0, k1 - k0);
        hm_view o = rows(&t->v[6], q0, q1 - q0), lse;
        hm_attn p = { .scale = (float)t->f[0], .causal = (int)t->i[0], .bottom_right = 1 };
        if (t->present[5]) {                        /* lse [H, Tq] -> [1, H, len] */
            lse = t->v[5];
            lse.data = (char *)lse.data + q0 * lse.strides[1] * (int64_t)hm_type_size(lse.type);
            lse.ndim = 3;
            int64_t d[3] = { 1, t->v[5].dims[0], q1 - q0 }, s[3] = { 0, t->v[5].strides[0], t->v[5].strides[1] };
            memcpy(lse.dims, d, sizeof d);
            memcpy(lse.strides, s, sizeof s);
            p.lse = &lse;
        }
        hm_attention(&q, &k, &v, &o, &p);
    }
}

CNNL_API cnnlStatus_t cnnlFlashAttentionForward(cnnlHandle_t handle, cnnlFlashAttentionDescriptor_t desc,
                                                cnnlTensorDescriptor_t qDesc, const void *q,
                                                cnnlTensorDescriptor_t kDesc, const void *k,
                                                cnnlTensorDescriptor_t vDesc, const void *v,
                                                cnnlTensorDescriptor_t cuSeqQDesc, const void *cuSeqQ,
                                                cnnlTensorDescriptor_t cuSeqKDesc, const void *cuSeqK,
                                                const size_t *rngState, void *workspace, size_t workspaceSize,
                                                cnnlTensorDescriptor_t dropMaskDesc, void *dropMask,
                                                cnnlTensorDescriptor_t softmaxLseDesc, void *softmaxLse,
                                                cnnlTensorDescriptor_t outDesc, void *out)
{
    CN_ENTRY();
    const char *fn = __func__;
    (void)rngState;                                 /* no dropout */
    if (!desc || !kx_handle_is_live(desc, K_FA) || !desc->set) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "descriptor not set");
    if (dropMaskDesc || dropMask) return cn_status_fail(CNNL_STATUS_NOT_SUPPORTED, fn, "dropout mask not emulated");
    const struct cnnlTensorStruct *Q = cn_desc(qDesc), *O = cn_desc(outDesc), *CQ = cn_desc(cuSeqQDesc),
                                  *CK = cn_desc(cuSeqKDesc), *L = softmaxLseDesc ? cn_desc(softmaxLseDesc) : NULL;
    cnnlStatus_t st = check_qkv(fn, Q, cn_desc(kDesc), cn_desc(vDesc));
    if (st) return st;
    if (!O || O->ndim != 3 || O->dims[0] != Q->dims[0] || O->dims[1] != Q->dims[1] || O->dims[2] != cn_desc(vDesc)->dims[2])
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "out must be [Tq, Hq, Dv]");
    if (!CQ || !CK || CQ->ndim != 1 || CK->dims[0] != CQ->dims[0] || CQ->dims[0] < 2 || CQ->dtype != CNNL_DTYPE_INT32 ||
        CK->dtype != CNNL_DTYPE_INT32)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "cu_seqlens must be int32 [B+1]");
    if (softmaxLseDesc && (!L || L->ndim != 2 || L->dims[0] != Q->dims[1] || L->dims[1] != Q->dims[0] || L->dtype != CNNL_DTYPE_FLOAT))
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "softmaxLse must be float [Hq, Tq]");
    int phys;
    kx_stream *s;
    if ((st = cn_begin(fn, handle, &phys, &s))) return st;
    cn_task *t = calloc(1, sizeof *t);
    if (!t) return CNNL_STATUS_ALLOC_FAILED;
    t->compute = compute_fa;
    t->i[0] = desc->causal;
    t->i[1] = CQ->dims[0] - 1;
    t->f[0] = desc->scale;
    if ((st = cn_bind(fn, t, 0, qDesc, q, phys)) || (st = cn_bind(fn, t, 1, kDesc, k, phys)) ||
        (st = cn_bind(fn, t, 2, vDesc, v, phys)) || (st = cn_bind(fn, t, 3, cuSeqQDesc, cuSeqQ, phys)) ||
        (st = cn_bind(fn, t, 4, cuSeqKDesc, cuSeqK, phys)) ||
        (st = cn_bind(fn, t, 5, softmaxLse ? softmaxLseDesc : NULL, softmaxLse, phys)) ||
        (st = cn_bind(fn, t, 6, outDesc, out, phys))) {
        free(t);
        return st;
    }
    return cn_submit(fn, s, phys, t, workspace, workspaceSize, fa_ws(Q));
}
