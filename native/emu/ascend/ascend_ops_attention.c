/*
 * aclnnPromptFlashAttentionV3 (prefill) and aclnnIncreFlashAttentionV4
 * (decode, non-paged KV cache). Layouts BSH, BSND and BNSD are mapped to
 * [B,N,S,D] views by strides; quantisation, pse and paged KV are rejected
 * as not emulated rather than silently ignored.
 */
#include "ascend_internal.h"

#include <stdlib.h>
#include <string.h>

enum { L_BSH, L_BSND, L_BNSD };

static int parse_layout(const char *s)
{
    if (!s) return -1;
    if (!strcmp(s, "BSH")) return L_BSH;
    if (!strcmp(s, "BSND")) return L_BSND;
    if (!strcmp(s, "BNSD")) return L_BNSD;
    return -1;
}

/* [B,N,S,D] view of a tensor stored in `layout` with n heads. */
static int to_bnsd(const hm_view *in, int layout, int64_t n, hm_view *out)
{
    hm_view r = *in;
    r.ndim = 4;
    if (layout == L_BNSD) {
        if (in->ndim != 4 || in->dims[1] != n) return -1;
        *out = r;
        return 0;
    }
    int64_t B, S, D, sB, sS, sN, sD;
    if (layout == L_BSH) {
        if (in->ndim != 3 || n <= 0 || in->dims[2] % n) return -1;
        B = in->dims[0]; S = in->dims[1]; D = in->dims[2] / n;
        sB = in->strides[0]; sS = in->strides[1]; sD = in->strides[2]; sN = D * sD;
    } else {
        if (in->ndim != 4 || in->dims[2] != n) return -1;
        B = in->dims[0]; S = in->dims[1]; D = in->dims[3];
        sB = in->strides[0]; sS = in->strides[1]; sN = in->strides[2]; sD = in->strides[3];
    }
    int64_t d[4] = { B, n, S, D }, st[4] = { sB, sN, sS, sD };
    memcpy(r.dims, d, sizeof d);
    memcpy(r.strides, st, sizeof st);
    *out = r;
    return 0;
}

/* Fixes dim `dim` of v to [start, start+len). */
static hm_view narrow(hm_view v, int dim, int64_t start, int64_t len)
{
    v.data = (char *)v.data + start * v.strides[dim] * (int64_t)hm_type_size(v.type);
    v.dims[dim] = len;
    return v;
}

/* Mask shapes [Sq,Sk], [B,Sq,Sk], [B,1,Sq,Sk], [B,N,Sq,Sk] (larger trailing
 * dims allowed) -> 4-D view broadcast over batch/head. */
static int mask_view(const hm_view *m, int64_t B, int64_t N, int64_t Sq, int64_t Sk, hm_view *out)
{
    hm_view r = *m;
    if (Sq == 1 && m->ndim == 2 && m->dims[0] == B && B > 1) {   /* decode [B,Sk] = [B,1,1,Sk] */
        hm_view t = *m;
        t.ndim = 4;
        t.dims[0] = m->dims[0]; t.strides[0] = m->strides[0];
        t.dims[1] = 1; t.strides[1] = 0;
        t.dims[2] = 1; t.strides[2] = 0;
        t.dims[3] = m->dims[1]; t.strides[3] = m->strides[1];
        return mask_view(&t, B, N, Sq, Sk, out);
    }
    if (m->ndim < 2 || m->ndim > 4) return -1;
    int64_t d[4] = { 1, 1, 0, 0 }, st[4] = { 0, 0, 0, 0 };
    int off = 4 - m->ndim;
    for (int i = 0; i < m->ndim; i++) { d[i + off] = m->dims[i]; st[i + off] = m->strides[i]; }
    if (m->ndim == 3) { d[0] = m->dims[0]; st[0] = m->strides[0]; d[1] = 1; st[1] = 0; }
    if (d[2] < Sq || d[3] < Sk || (d[0] != 1 && d[0] != B) || (d[1] != 1 && d[1] != N)) return -1;
    r.ndim = 4;
    r.dims[0] = B; r.strides[0] = d[0] == 1 ? 0 : st[0];
    r.dims[1] = N; r.strides[1] = d[1] == 1 ? 0 : st[1];
    r.dims[2] = Sq; r.strides[2] = st[2];
    r.dims[3] = Sk; r.strides[3] = st[3];
    *out = r;
    return 0;
}

/* Task slots: v[0] q, v[1] k, v[2] v, v[3] mask, v[4] out.
 * i[0] layout, i[1] heads, i[2] kv heads, i[3] sparse mode, i[4] pre, i[5] next,
 * i[6] decode; f[0] scale; list = q lengths (nlist), then kv lengths (nlist2). */
static void compute_attention(const acl_task *t)
{
    int layout = (int)t->i[0];
    int64_t nq = t->i[1], nkv = t->i[2];
    hm_view q, k, v, o, m;
    if (to_bnsd(&t->v[0], layout, nq, &q) || to_bnsd(&t->v[1], layout, nkv, &k) ||
        to_bnsd(&t->v[2], layout, nkv, &v) || to_bnsd(&t->v[4], layout, nq, &o))
        return;                                     /* validated in phase one */
    int64_t B = q.dims[0];
    for (int64_t b = 0; b < B; b++) {
        int64_t sq = q.dims[2], sk = k.dims[2];
        if (t->nlist && b < t->nlist) sq = t->list[b] < sq ? t->list[b] : sq;
        if (t->nlist2 && b < t->nlist2) sk = t->list[t->nlist + b] < sk ? t->list[t->nlist + b] : sk;
        hm_view qb = narrow(narrow(q, 0, b, 1), 2, 0, sq), kb = narrow(narrow(k, 0, b, 1), 2, 0, sk);
        hm_view vb = narrow(narrow(v, 0, b, 1), 2, 0, sk), ob = narrow(narrow(o, 0, b, 1), 2, 0, sq);
        hm_attn p = { .scale = (float)t->f[0] };
        int mode = (int)t->i[3];
        if (t->present[3] && (mode == 0 || mode == 1) &&
            mask_view(&t->v[3], q.dims[0], nq, q.dims[2], k.dims[2], &m) == 0) {
            m = narrow(narrow(narrow(m, 0, b, 1), 2, 0, sq), 3, 0, sk);
            p.mask = &m;
            p.mask_is_bool = 1;
        }
        if (mode == 0 && !t->i[6]) { p.band = 1; p.pre = t->i[4]; p.next = t->i[5]; }
        if (mode == 2) p.causal = 1;
        if (mode == 3) { p.causal = 1; p.bottom_right = 1; }
        if (mode == 4) { p.band = 1; p.pre = t->i[4]; p.next = t->i[5]; p.bottom_right = 1; }
        hm_attention(&qb, &kb, &vb, &ob, &p);
        if (sq < q.dims[2]) {                      /* rows past the actual length: zeros (I) */
            hm_view rest = narrow(narrow(o, 0, b, 1), 2, sq, q.dims[2] - sq);
            int64_t n = hm_numel(&rest);
            for (int64_t i = 0; i < n; i++) hm_set(&rest, i, 0.0);
        }
    }
}

static uint64_t attn_ws(int64_t b, int64_t n, int64_t s) { return 16384u + (uint64_t)(b * n * s) * 8u; }

static hm_view shape_view(const aclTensor *t)
{
    hm_view v = { .type = aclx_hm_type(t->dtype), .ndim = t->ndim };
    memcpy(v.dims, t->dims, sizeof v.dims);
    memcpy(v.strides, t->strides, sizeof v.strides);
    return v;
}

/* Shared phase-one checks; fills the executor's attributes. */
static aclnnStatus attn_phase1(const char *fn, const aclTensor *q, const aclTensor *k, const aclTensor *v,
                               const aclTensor *mask, const aclTensor *out, const aclIntArray *qlen,
                               const aclIntArray *kvlen, int64_t heads, int64_t kvHeads, double scale,
                               const char *layoutStr, int64_t sparse, int64_t pre, int64_t next, int decode,
                               uint64_t *ws, aclOpExecutor **exo)
{
    aclnnStatus e;
    if ((e = aclx_need_tensor(fn, "query", q)) || (e = aclx_need_tensor(fn, "key", k)) ||
        (e = aclx_need_tensor(fn, "value", v)) || (e = aclx_need_tensor(fn, "attentionOut", out)) ||
        (e = aclx_opt_tensor(fn, "attenMask", mask)))
        return e;
    if ((qlen && !aclx_is_int_array(qlen)) || (kvlen && !aclx_is_int_array(kvlen)))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "sequence lengths are not live aclIntArrays");
    int layout = parse_layout(layoutStr);
    if (layout < 0) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "inputLayout \"%s\" not one of BSH, BSND, BNSD",
                                    layoutStr ? layoutStr : "(null)");
    if (kvHeads == 0) kvHeads = heads;
    if (heads <= 0 || kvHeads <= 0 || heads % kvHeads)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "numHeads %lld must be a positive multiple of numKeyValueHeads %lld",
                        (long long)heads, (long long)kvHeads);
    if (!aclx_is_float(q->dtype) || k->dtype != q->dtype || v->dtype != q->dtype || !aclx_is_float(out->dtype))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "query/key/value must share a float dtype");
    if (sparse < 0 || sparse > 4) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "sparseMode %lld not in 0..4", (long long)sparse);
    /* V (ops-transformer aclnnPromptFlashAttentionV3.md): sparseMode 2 (leftUpCausal), 3 (rightDownCausal)
     * and 4 (band) need the optimised 2048x2048 attenMask (bool/int8/uint8); a NULL mask is invalid. Its
     * content (1 above the diagonal) is not checked here (I: the real op's reaction to other content is unknown). */
    if (!decode && sparse >= 2) {
        if (!mask) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "sparseMode %lld needs the 2048x2048 compressed"
                                   " attenMask, got NULL", (long long)sparse);
        if (mask->ndim != 2 || mask->dims[0] != 2048 || mask->dims[1] != 2048 ||
            (mask->dtype != ACL_BOOL && mask->dtype != ACL_INT8 && mask->dtype != ACL_UINT8))
            return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "sparseMode %lld needs a 2048x2048 bool/int8/uint8"
                            " attenMask", (long long)sparse);
    }
    hm_view qv = shape_view(q), kv = shape_view(k), vv = shape_view(v), ov = shape_view(out), a, b, c, d;
    if (to_bnsd(&qv, layout, heads, &a) || to_bnsd(&kv, layout, kvHeads, &b) || to_bnsd(&vv, layout, kvHeads, &c) ||
        to_bnsd(&ov, layout, heads, &d))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "tensor ranks/heads do not fit layout %s", layoutStr);
    if (b.dims[0] != a.dims[0] || c.dims[0] != a.dims[0] || b.dims[3] != a.dims[3] || c.dims[2] != b.dims[2] ||
        d.dims[0] != a.dims[0] || d.dims[2] != a.dims[2] || d.dims[3] != c.dims[3])
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "q/k/v/out shapes are inconsistent");
    if (decode && a.dims[2] != 1) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "decode query must have sequence length 1");
    if (mask && !(!decode && sparse >= 2)) {       /* the compressed mask does not cover [B,N,Sq,Sk] */
        hm_view mv = shape_view(mask), tmp;
        if (mask_view(&mv, a.dims[0], heads, a.dims[2], b.dims[2], &tmp))
            return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "attenMask shape does not cover [B,N,Sq,Sk]");
    }
    if ((qlen && (int64_t)qlen->size != a.dims[0]) || (kvlen && (int64_t)kvlen->size != a.dims[0]))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "sequence length arrays must have B entries");
    aclOpExecutor *ex = aclx_exec_new(fn, compute_attention, attn_ws(a.dims[0], heads, a.dims[2]));
    if (!ex) return acl_fail(ACLNN_ERR_RUNTIME_ERROR, fn, "out of host memory");
    int64_t n1 = qlen ? (int64_t)qlen->size : 0, n2 = kvlen ? (int64_t)kvlen->size : 0;
    if (n1 + n2) {
        ex->proto.list = malloc(sizeof(int64_t) * (size_t)(n1 + n2));
        if (!ex->proto.list) { aclx_exec_discard(ex); return acl_fail(ACLNN_ERR_RUNTIME_ERROR, fn, "out of host memory"); }
        if (n1) memcpy(ex->proto.list, qlen->values, sizeof(int64_t) * (size_t)n1);
        if (n2) memcpy(ex->proto.list + n1, kvlen->values, sizeof(int64_t) * (size_t)n2);
    }
    ex->proto.nlist = n1;
    ex->proto.nlist2 = n2;
    int64_t attrs[7] = { layout, heads, kvHeads, sparse, pre, next, decode };
    memcpy(ex->proto.i, attrs, sizeof attrs);
    ex->proto.f[0] = scale;
    aclx_exec_in(ex, q);
    aclx_exec_in(ex, k);
    aclx_exec_in(ex, v);
    aclx_exec_in(ex, mask);
    aclx_exec_out(ex, out);
    return aclx_exec_publish(ex, ws, exo);
}

#define NOT_EMULATED(fn, t, name) \
    if (t) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "%s is not emulated (pass NULL)", name)

ACL_FUNC_VISIBILITY aclnnStatus aclnnPromptFlashAttentionV3GetWorkspaceSize(
    const aclTensor *query, const aclTensor *key, const aclTensor *value, const aclTensor *pseShift,
    const aclTensor *attenMask, const aclIntArray *actualSeqLengths, const aclIntArray *actualSeqLengthsKv,
    const aclTensor *deqScale1, const aclTensor *quantScale1, const aclTensor *deqScale2,
    const aclTensor *quantScale2, const aclTensor *quantOffset2, int64_t numHeads, double scaleValue,
    int64_t preTokens, int64_t nextTokens, char *inputLayout, int64_t numKeyValueHeads, int64_t sparseMode,
    int64_t innerPrecise, const aclTensor *attentionOut, uint64_t *workspaceSize, aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    const char *fn = "aclnnPromptFlashAttentionV3";
    aclnnStatus e = aclx_check_phase1(fn, workspaceSize, executor);
    if (e) return e;
    (void)innerPrecise;                                /* precision hint: fp32 anyway */
    NOT_EMULATED(fn, pseShift, "pseShift");
    NOT_EMULATED(fn, deqScale1 || quantScale1 || deqScale2 || quantScale2 || quantOffset2, "quantisation");
    return attn_phase1(fn, query, key, value, attenMask, attentionOut, actualSeqLengths, actualSeqLengthsKv, numHeads,
                       numKeyValueHeads, scaleValue, inputLayout, sparseMode, preTokens, nextTokens, 0,
                       workspaceSize, executor);
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnPromptFlashAttentionV3(void *workspace, uint64_t workspaceSize,
                                                            aclOpExecutor *executor, aclrtStream stream)
{
    KX_FAULT_POINT(aclnnStatus);
    return aclx_run(__func__, workspace, workspaceSize, executor, stream);
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnIncreFlashAttentionV4GetWorkspaceSize(
    const aclTensor *query, const aclTensorList *key, const aclTensorList *value, const aclTensor *pseShift,
    const aclTensor *attenMask, const aclIntArray *actualSeqLengths, const aclTensor *dequantScale1,
    const aclTensor *quantScale1, const aclTensor *dequantScale2, const aclTensor *quantScale2,
    const aclTensor *quantOffset2, const aclTensor *antiquantScale, const aclTensor *antiquantOffset,
    const aclTensor *blocktable, const aclTensor *kvPaddingSize, int64_t numHeads, double scaleValue,
    char *inputLayout, int64_t numKeyValueHeads, int64_t blockSize, int64_t innerPrecise,
    const aclTensor *attentionOut, uint64_t *workspaceSize, aclOpExecutor **executor)
{
    KX_FAULT_POINT(aclnnStatus);
    const char *fn = "aclnnIncreFlashAttentionV4";
    aclnnStatus e = aclx_check_phase1(fn, workspaceSize, executor);
    if (e) return e;
    (void)innerPrecise;
    NOT_EMULATED(fn, pseShift, "pseShift");
    NOT_EMULATED(fn, dequantScale1 || quantScale1 || dequantScale2 || quantScale2 || quantOffset2 ||
                 antiquantScale || antiquantOffset, "quantisation");
    NOT_EMULATED(fn, blocktable || blockSize != 0, "paged KV (blocktable/blockSize)");
    NOT_EMULATED(fn, kvPaddingSize, "kvPaddingSize");
    if (!aclx_is_list(key) || !aclx_is_list(value) || key->size != 1 || value->size != 1)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "key/value must be live tensor lists of one tensor each");
    /* Decode: the single query row sees every valid key (sparse mode 1 = mask only). */
    return attn_phase1(fn, query, key->tensors[0], value->tensors[0], attenMask, attentionOut, NULL, actualSeqLengths,
                       numHeads, numKeyValueHeads, scaleValue, inputLayout, 1, 0, 0, 1, workspaceSize, executor);
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnIncreFlashAttentionV4(void *workspace, uint64_t workspaceSize,
                                                           aclOpExecutor *executor, aclrtStream stream)
{
    KX_FAULT_POINT(aclnnStatus);
    return aclx_run(__func__, workspace, workspaceSize, executor, stream);
}
