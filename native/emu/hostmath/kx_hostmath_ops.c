/* Op math for kx_hostmath: matmul, attention, softmax, norms, elementwise. */
#include "kx_hostmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Sub-view of v fixing its leading `nlead` dims to the row-major batch index
 * `batch` over `bdims` (right-aligned broadcast: a missing or size-1 dim of v
 * stays at 0). The result keeps v's trailing (v->ndim - nlead_v) dims. */
static hm_view batch_slice(const hm_view *v, int ntrail, int nb, const int64_t *bdims, int64_t batch)
{
    hm_view r = *v;
    int vb = v->ndim - ntrail;                      /* batch dims v actually has */
    int64_t off = 0;
    for (int i = nb - 1; i >= 0; i--) {
        int64_t idx = batch % bdims[i];
        batch /= bdims[i];
        int j = i - (nb - vb);
        if (j >= 0 && v->dims[j] != 1) off += idx * v->strides[j];
    }
    r.data = (char *)v->data + off * (int64_t)hm_type_size(v->type);
    r.ndim = ntrail;
    memmove(r.dims, v->dims + vb, sizeof(int64_t) * (size_t)ntrail);
    memmove(r.strides, v->strides + vb, sizeof(int64_t) * (size_t)ntrail);
    return r;
}

void hm_matmul(const hm_view *a, const hm_view *b, const hm_view *out,
               float alpha, float beta, const hm_view *c)
{
    int nb = out->ndim - 2;
    int64_t M = out->dims[nb], N = out->dims[nb + 1], K = a->dims[a->ndim - 1];
    int64_t batches = 1;
    for (int i = 0; i < nb; i++) batches *= out->dims[i];
    for (int64_t bt = 0; bt < batches; bt++) {
        hm_view av = batch_slice(a, 2, nb, out->dims, bt);
        hm_view bv = batch_slice(b, 2, nb, out->dims, bt);
        hm_view ov = batch_slice(out, 2, nb, out->dims, bt);
        /* gather B transposed so the inner loop walks both operands contiguously */
        hm_view bt_v = bv;
        bt_v.dims[0] = bv.dims[1]; bt_v.dims[1] = bv.dims[0];
        bt_v.strides[0] = bv.strides[1]; bt_v.strides[1] = bv.strides[0];
        float *A = hm_gather(&av), *B = hm_gather(&bt_v);
        float *O = malloc((size_t)(M * N > 0 ? M * N : 1) * sizeof(float));
        float *C = NULL;
        if (c && beta != 0.0f) {
            hm_view cv = batch_slice(c, 2, nb, out->dims, bt);
            C = hm_gather(&cv);
        }
        if (A && B && O) {
            for (int64_t i = 0; i < M; i++)
                for (int64_t j = 0; j < N; j++) {
                    const float *ar = A + i * K, *br = B + j * K;
                    float acc = 0.0f;
                    for (int64_t k = 0; k < K; k++) acc += ar[k] * br[k];
                    float r = alpha * acc;
                    if (C) r += beta * C[i * N + j];
                    O[i * N + j] = r;
                }
            hm_scatter(&ov, O);
        }
        free(A); free(B); free(O); free(C);
    }
}

/* ---- attention ---- */
static hm_view head_slice(const hm_view *v, int64_t b, int64_t h)
{
    hm_view r = *v;
    r.data = (char *)v->data + (b * v->strides[0] + h * v->strides[1]) * (int64_t)hm_type_size(v->type);
    r.ndim = v->ndim - 2;
    for (int i = 0; i < r.ndim; i++) {
        r.dims[i] = v->dims[i + 2];
        r.strides[i] = v->strides[i + 2];
    }
    return r;
}

void hm_attention(const hm_view *q, const hm_view *k, const hm_view *v,
                  const hm_view *out, const hm_attn *p)
{
    int64_t B = q->dims[0], Hq = q->dims[1], Sq = q->dims[2], D = q->dims[3];
    int64_t Hkv = k->dims[1], Sk = k->dims[2], Dv = v->dims[3];
    int64_t group = Hq / Hkv;
    int64_t diag = p->bottom_right ? Sk - Sq : 0;
    float *S = malloc((size_t)(Sk > 0 ? Sk : 1) * sizeof(float));
    float *O = malloc((size_t)(Sq * Dv > 0 ? Sq * Dv : 1) * sizeof(float));
    if (!S || !O) { free(S); free(O); return; }
    for (int64_t b = 0; b < B; b++)
        for (int64_t h = 0; h < Hq; h++) {
            hm_view qv = head_slice(q, b, h), kv = head_slice(k, b, h / group);
            hm_view vv = head_slice(v, b, h / group), ov = head_slice(out, b, h);
            hm_view mv;
            if (p->mask) mv = head_slice(p->mask, b, h);
            float *Q = hm_gather(&qv), *Kd = hm_gather(&kv), *V = hm_gather(&vv);
            float *M = p->mask ? hm_gather(&mv) : NULL;
            if (!Q || !Kd || !V || (p->mask && !M)) {
                free(Q); free(Kd); free(V); free(M);
                continue;
            }
            /* fp32 scores, max, exponentials and accumulators, as the vendors' fused attention documents for
             * f32/f16/bf16 inputs: the emulator shows a device's precision, not double's */
            for (int64_t i = 0; i < Sq; i++) {
                float mx = -INFINITY;
                for (int64_t j = 0; j < Sk; j++) {
                    int ok = 1;
                    if (p->causal && j > i + diag) ok = 0;
                    if (p->band && (j < i + diag - p->pre || j > i + diag + p->next)) ok = 0;
                    float s = -INFINITY;
                    if (ok) {
                        float acc = 0.0f;
                        for (int64_t d = 0; d < D; d++) acc += Q[i * D + d] * Kd[j * D + d];
                        s = acc * p->scale;
                        if (M) {
                            float m = M[i * Sk + j];
                            if (p->mask_is_bool) { if (m != 0.0f) s = -INFINITY; }
                            else s += m;
                        }
                    }
                    S[j] = s;
                    if (s > mx) mx = s;
                }
                float sum = 0.0f;
                for (int64_t j = 0; j < Sk; j++) {
                    float e = mx == -INFINITY ? 0.0f : expf(S[j] - mx);
                    S[j] = e;
                    sum += e;
                }
                /* A row with no visible key yields zeros (flash-attention convention). */
                for (int64_t d = 0; d < Dv; d++) {
                    float acc = 0.0f;
                    if (sum > 0)
                        for (int64_t j = 0; j < Sk; j++) acc += S[j] * V[j * Dv + d];
                    O[i * Dv + d] = sum > 0 ? acc / sum : 0.0f;
                }
                if (p->lse) {
                    int64_t li = (b * Hq + h) * Sq + i;
                    hm_set(p->lse, li, sum > 0 ? mx + logf(sum) : -INFINITY);
                }
            }
            hm_scatter(&ov, O);
            free(Q); free(Kd); free(V); free(M);
        }
    free(S);
    free(O);
}

/* ---- softmax ---- */
void hm_softmax(const hm_view *x, const hm_view *y, int dim, int log_softmax,
                float alpha, float beta)
{
    int64_t n = hm_numel(x), len = x->dims[dim], inner = 1;
    for (int i = dim + 1; i < x->ndim; i++) inner *= x->dims[i];
    float *X = hm_gather(x), *Y = beta != 0.0f ? hm_gather(y) : calloc((size_t)(n > 0 ? n : 1), sizeof(float));
    if (!X || !Y) { free(X); free(Y); return; }
    for (int64_t o = 0; len > 0 && o < n / len / inner; o++)
        for (int64_t in = 0; in < inner; in++) {
            float *xr = X + o * len * inner + in;
            float *yr = Y + o * len * inner + in;
            /* fp32 max, exponentials and sum (the vendors' documented accumulation for f32/f16/bf16) */
            float mx = -INFINITY, sum = 0.0f;
            for (int64_t j = 0; j < len; j++) if (xr[j * inner] > mx) mx = xr[j * inner];
            for (int64_t j = 0; j < len; j++) sum += expf(xr[j * inner] - mx);
            for (int64_t j = 0; j < len; j++) {
                float e = xr[j * inner] - mx;
                float r = log_softmax ? e - logf(sum) : expf(e) / sum;
                yr[j * inner] = alpha * r + beta * yr[j * inner];
            }
        }
    hm_scatter(y, Y);
    free(X);
    free(Y);
}

/* ---- layer / RMS norm ---- */
void hm_norm(const hm_view *x, const hm_view *y, int axis, const hm_view *weight,
             const hm_view *bias, double eps, int rms, const hm_view *mean,
             const hm_view *rstd)
{
    int64_t n = hm_numel(x), inner = 1;
    for (int i = axis; i < x->ndim; i++) inner *= x->dims[i];
    int64_t outer = inner > 0 ? n / inner : 0;
    float *X = hm_gather(x);
    float *W = weight ? hm_gather(weight) : NULL, *Bs = bias ? hm_gather(bias) : NULL;
    if (!X) { free(W); free(Bs); return; }
    for (int64_t o = 0; o < outer; o++) {
        float *r = X + o * inner;
        /* fp32 mean, variance (two passes) and scale, as the vendors document for f32/f16/bf16 inputs */
        float mu = 0.0f, var = 0.0f;
        if (!rms) {
            for (int64_t j = 0; j < inner; j++) mu += r[j];
            mu /= (float)inner;
        }
        for (int64_t j = 0; j < inner; j++) var += (r[j] - mu) * (r[j] - mu);
        var /= (float)inner;
        float rs = 1.0f / sqrtf(var + (float)eps);
        for (int64_t j = 0; j < inner; j++) {
            float v = (r[j] - mu) * rs;
            if (W) v *= W[j];
            if (Bs) v += Bs[j];
            r[j] = v;
        }
        if (mean) hm_set(mean, o, mu);
        if (rstd) hm_set(rstd, o, rs);
    }
    hm_scatter(y, X);
    free(X); free(W); free(Bs);
}

/* ---- elementwise ---- */
void hm_binary(hm_binop op, const hm_view *a, const hm_view *b, const hm_view *out,
               float alpha1, float alpha2, float beta)
{
    hm_view ab, bb;
    if (hm_broadcast(a, out->ndim, out->dims, &ab) || hm_broadcast(b, out->ndim, out->dims, &bb)) return;
    int64_t n = hm_numel(out);
    float *A = hm_gather(&ab), *B = hm_gather(&bb), *O = beta != 0.0f ? hm_gather(out) : NULL;
    if (!A || !B) { free(A); free(B); free(O); return; }
    for (int64_t i = 0; i < n; i++) {
        float x = alpha1 * A[i], z = alpha2 * B[i], r;
        switch (op) {
        case HM_ADD: r = x + z; break;
        case HM_SUB: r = x - z; break;
        case HM_MUL: r = x * z; break;
        default: r = x / z; break;
        }
        A[i] = O ? r + beta * O[i] : r;
    }
    hm_scatter(out, A);
    free(A); free(B); free(O);
}

/* x·sigmoid(t) without overflow: e^(−|t|) never exceeds 1, so x·e^t keeps its tiny tail for t ≪ 0 */
static float x_sigmoid(float x, float t)
{
    float e = expf(-fabsf(t));
    return x * (t >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e));
}

static float unop(hm_unop op, float x)
{
    switch (op) {
    case HM_RELU: return x > 0 || isnan(x) ? x : 0;   /* NaN propagates, as max(x, 0) in IEEE 754-2019 */
    case HM_SILU: return isnan(x) || isinf(x) ? x / (1.0f + expf(-x)) : x_sigmoid(x, x);
    /* 1 + erf(x/√2) = erfc(−x/√2) and 1 + tanh(u) = 2·sigmoid(2u): no cancellation in the negative tail */
    case HM_GELU_ERF: return 0.5f * x * erfcf(-x * 0.70710678118654752f);
    case HM_GELU_TANH:
        if (isnan(x) || isinf(x)) return x / (1.0f + expf(-1.5957691216057307f * (x + 0.044715f * x * x * x)));
        return x_sigmoid(x, 1.5957691216057307f * (x + 0.044715f * x * x * x));
    case HM_EXP: return expf(x);
    case HM_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case HM_TANH: return tanhf(x);
    default: return x;
    }
}

void hm_unary(hm_unop op, const hm_view *x, const hm_view *y, float alpha, float beta)
{
    int64_t n = hm_numel(y);
    float *X = hm_gather(x), *Y = beta != 0.0f ? hm_gather(y) : NULL;
    if (!X) { free(Y); return; }
    for (int64_t i = 0; i < n; i++) {
        float r = alpha * unop(op, X[i]);
        X[i] = Y ? r + beta * Y[i] : r;
    }
    hm_scatter(y, X);
    free(X); free(Y);
}
