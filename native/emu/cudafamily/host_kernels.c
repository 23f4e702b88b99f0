/*
 * host_kernels.c - the host side of every Kuaxin device kernel, for the
 * CUDA-family emulators (see host_kernels.h). Written from the op definitions,
 * not from the CUDA sources: values go through double, element access through
 * the shared host-math views, so a device kernel and its host twin agree only
 * if both match the fp64 oracle the conformance suite checks them against.
 */
#include "host_kernels.h"
#include "../core/kx_emu.h"
#include "../hostmath/kx_hostmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const hm_type HM_OF[] = {HM_F32, HM_F16, HM_BF16, HM_F64, HM_I8, HM_U8, HM_I32, HM_I64, HM_BOOL};

static int is_float(int32_t dtype) { return dtype >= KXK_F32 && dtype <= KXK_F64; }

/* Translates a device view; KX_ERR_ILLEGAL_ADDRESS if it leaves one live allocation, KX_ERR_INVALID_VALUE if
 * malformed. An absent tensor (ptr 0) gives a view with data NULL. */
static int view(const KxTensor *t, hm_view *v) {
    memset(v, 0, sizeof *v);
    if (t->dtype < 0 || t->dtype > KXK_BOOL || t->rank < 0 || t->rank > KXK_MAX_DIMS) return KX_ERR_INVALID_VALUE;
    v->type = HM_OF[t->dtype];
    v->ndim = t->rank;
    for (int i = 0; i < t->rank; i++) {
        if (t->shape[i] < 0 || t->stride[i] < 0) return KX_ERR_INVALID_VALUE;
        v->dims[i] = t->shape[i];
        v->strides[i] = t->stride[i];
    }
    if (t->ptr == 0) return KX_OK;
    int64_t lo, hi;
    hm_extent(v, &lo, &hi);
    size_t es = hm_type_size(v->type);
    if (hi == lo) {
        v->data = (void *)(uintptr_t)1;      /* empty: never read */
        return KX_OK;
    }
    char *host = kx_translate((const void *)(uintptr_t)(t->ptr + (uint64_t)lo * es), (size_t)(hi - lo) * es);
    if (host == NULL) return KX_ERR_ILLEGAL_ADDRESS;
    v->data = host - lo * (int64_t)es;
    return KX_OK;
}

#define VIEW(t, v)                               \
    hm_view v;                                   \
    do {                                         \
        int st_ = view((t), &v);                 \
        if (st_ != KX_OK) return st_;            \
    } while (0)

static int64_t blocks_xy(kxk_dim3 g) { return (int64_t)g.x * g.y; }

/* Rows over every dimension but the last. */
static int64_t rows_of(const hm_view *v) {
    if (v->ndim == 0) return 1;
    int64_t n = 1;
    for (int i = 0; i < v->ndim - 1; i++) n *= v->dims[i];
    return n;
}

/* The 1-D view of row r (over the last dimension) of v; idx (may be NULL) receives the row's index. */
static hm_view row_of(const hm_view *v, int64_t r, int64_t *idx) {
    hm_view row = {0};
    row.type = v->type;
    row.ndim = 1;
    int last = v->ndim - 1;
    row.dims[0] = v->ndim > 0 ? v->dims[last] : 1;
    row.strides[0] = v->ndim > 0 ? v->strides[last] : 1;
    int64_t off = 0;
    for (int i = last - 1; i >= 0; i--) {
        int64_t k = r % v->dims[i];
        r /= v->dims[i];
        if (idx) idx[i] = k;
        off += k * v->strides[i];
    }
    row.data = (char *)v->data + off * (int64_t)hm_type_size(v->type);
    return row;
}

/* Integer element access at a flat index (row-major over the view), without a detour through double. */
static void *elem(const hm_view *v, int64_t flat) {
    int64_t off = 0;
    for (int d = v->ndim - 1; d >= 0; d--) {
        off += (flat % v->dims[d]) * v->strides[d];
        flat /= v->dims[d];
    }
    return (char *)v->data + off * (int64_t)hm_type_size(v->type);
}

static int64_t get_int(const hm_view *v, int64_t flat) {
    void *p = elem(v, flat);
    switch (v->type) {
    case HM_I8: return *(int8_t *)p;
    case HM_U8: return *(uint8_t *)p;
    case HM_I16: return *(int16_t *)p;
    case HM_I32: return *(int32_t *)p;
    case HM_I64: return *(int64_t *)p;
    case HM_BOOL: return *(uint8_t *)p != 0;
    default: return (int64_t)hm_get(v, flat);
    }
}

/* Stores v wrapped to the output type, as C's two's-complement narrowing does. */
static void set_int(const hm_view *v, int64_t flat, int64_t x) {
    void *p = elem(v, flat);
    switch (v->type) {
    case HM_I8: *(int8_t *)p = (int8_t)(uint8_t)(uint64_t)x; break;
    case HM_U8: *(uint8_t *)p = (uint8_t)(uint64_t)x; break;
    case HM_I16: *(int16_t *)p = (int16_t)(uint16_t)(uint64_t)x; break;
    case HM_I32: *(int32_t *)p = (int32_t)(uint32_t)(uint64_t)x; break;
    case HM_I64: *(int64_t *)p = x; break;
    case HM_BOOL: *(uint8_t *)p = x != 0; break;
    default: hm_set(v, flat, (double)x); break;
    }
}

static double activation(int op, double x) {
    switch (op) {
    case KXK_RELU: return x > 0 ? x : (x == x ? 0 : x);
    case KXK_SILU: return x / (1 + exp(-x));
    /* Forms without cancellation in the negative tail: 1 + tanh(u) = 2 / (1 + e^-2u), 1 + erf(z) = erfc(-z). */
    case KXK_GELU_TANH: return x / (1 + exp(-2 * 0.7978845608028654 * (x + 0.044715 * x * x * x)));
    case KXK_GELU_ERF: return 0.5 * x * erfc(-x * 0.7071067811865476);
    case KXK_EXP: return exp(x);
    default: return x;
    }
}

static int k_unary(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    (void)g; (void)b;                          /* grid-stride: any grid covers every element */
    VIEW(a[0], x);
    VIEW(a[1], y);
    int op = *(const int32_t *)a[2];
    int64_t n = hm_numel(&y);
    for (int64_t i = 0; i < n; i++) hm_set(&y, i, activation(op, hm_get(&x, i)));
    return KX_OK;
}

static int k_binary(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    (void)g; (void)b;
    VIEW(a[0], x);
    VIEW(a[1], w);
    VIEW(a[2], y);
    int op = *(const int32_t *)a[3];
    int integer = !is_float(((const KxTensor *)a[2])->dtype);
    int64_t n = hm_numel(&y);
    for (int64_t i = 0; i < n; i++) {
        if (integer) {                           /* in int64, not double: 64-bit operands keep every bit */
            int64_t u = get_int(&x, i), v = get_int(&w, i), r;
            switch (op) {
            case KXK_ADD: r = (int64_t)((uint64_t)u + (uint64_t)v); break;
            case KXK_SUB: r = (int64_t)((uint64_t)u - (uint64_t)v); break;
            case KXK_MUL: r = (int64_t)((uint64_t)u * (uint64_t)v); break;
            default: r = v == 0 ? 0 : (v == -1 ? (int64_t)(0 - (uint64_t)u) : u / v); break;
            }
            set_int(&y, i, r);
            continue;
        }
        double p = hm_get(&x, i), q = hm_get(&w, i), r;
        switch (op) {
        case KXK_ADD: r = p + q; break;
        case KXK_SUB: r = p - q; break;
        case KXK_MUL: r = p * q; break;
        default: r = p / q; break;
        }
        hm_set(&y, i, r);
    }
    return KX_OK;
}

static int k_softmax(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    (void)b;
    VIEW(a[0], x);
    VIEW(a[1], y);
    int64_t rows = rows_of(&y), nb = blocks_xy(g);
    for (int64_t r = 0; r < rows && r < nb; r++) {
        hm_view xr = row_of(&x, r, NULL), yr = row_of(&y, r, NULL);
        int64_t n = xr.dims[0];
        double max = -INFINITY, sum = 0;
        for (int64_t j = 0; j < n; j++) max = fmax(max, hm_get(&xr, j));
        for (int64_t j = 0; j < n; j++) sum += exp(hm_get(&xr, j) - max);
        for (int64_t j = 0; j < n; j++) hm_set(&yr, j, exp(hm_get(&xr, j) - max) / sum);
    }
    return KX_OK;
}

static int k_norm(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    (void)b;
    VIEW(a[0], x);
    VIEW(a[1], gamma);
    VIEW(a[2], beta);
    VIEW(a[3], y);
    const KxNormParams *p = a[4];
    int64_t rows = rows_of(&y), nb = blocks_xy(g);
    for (int64_t r = 0; r < rows && r < nb; r++) {
        hm_view xr = row_of(&x, r, NULL), yr = row_of(&y, r, NULL);
        int64_t n = xr.dims[0];
        double mean = 0, sq = 0;
        if (!p->rms) {
            for (int64_t j = 0; j < n; j++) mean += hm_get(&xr, j);
            mean /= (double)n;
        }
        for (int64_t j = 0; j < n; j++) {
            double d = hm_get(&xr, j) - mean;
            sq += d * d;
        }
        double inv = 1 / sqrt(sq / (double)n + p->eps);
        for (int64_t j = 0; j < n; j++) {
            double v = (hm_get(&xr, j) - mean) * inv;
            if (gamma.data) v *= hm_get(&gamma, j);
            if (beta.data) v += hm_get(&beta, j);
            hm_set(&yr, j, v);
        }
    }
    return KX_OK;
}

static int k_rope(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    (void)b;
    VIEW(a[0], x);
    VIEW(a[1], pos);
    VIEW(a[2], y);
    const KxRopeParams *p = a[3];
    int64_t rows = rows_of(&y), nb = blocks_xy(g);
    int half = p->rotary_dims / 2;
    for (int64_t r = 0; r < rows && r < nb; r++) {
        int64_t idx[KXK_MAX_DIMS] = {0};
        hm_view xr = row_of(&x, r, idx), yr = row_of(&y, r, NULL);
        double at = pos.data ? hm_get(&pos, r) : (double)(p->start + idx[p->seq_axis]);
        for (int64_t j = p->rotary_dims; j < xr.dims[0]; j++) hm_set(&yr, j, hm_get(&xr, j));
        for (int i = 0; i < half; i++) {
            double angle = at * pow(p->base, -2.0 * i / p->rotary_dims);
            double c = cos(angle), s = sin(angle);
            int64_t i0 = p->half_split ? i : 2 * i, i1 = p->half_split ? i + half : 2 * i + 1;
            double x0 = hm_get(&xr, i0), x1 = hm_get(&xr, i1);
            hm_set(&yr, i0, x0 * c - x1 * s);
            hm_set(&yr, i1, x0 * s + x1 * c);
        }
    }
    return KX_OK;
}

static int k_reduce(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    (void)b;
    VIEW(a[0], x);
    VIEW(a[1], y);
    int op = *(const int32_t *)a[2];
    int64_t rows = rows_of(&x), nb = blocks_xy(g);
    for (int64_t r = 0; r < rows && r < nb; r++) {
        hm_view xr = row_of(&x, r, NULL);
        int64_t n = xr.dims[0], arg = 0;
        double acc = (op == KXK_MAX || op == KXK_ARGMAX) ? -INFINITY : 0;
        for (int64_t j = 0; j < n; j++) {
            double v = hm_get(&xr, j);
            if (op == KXK_SUM || op == KXK_MEAN) {
                acc += v;
            } else if (acc == acc && (v != v || v > acc || j == 0)) {   /* the first NaN wins */
                acc = v;
                arg = j;
            }
        }
        hm_set(&y, r, op == KXK_MEAN ? acc / (double)n : op == KXK_ARGMAX ? (double)arg : acc);
    }
    return KX_OK;
}

static int k_embedding(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    (void)b;
    VIEW(a[0], table);
    VIEW(a[1], ids);
    VIEW(a[2], y);
    int64_t rows = hm_numel(&ids), nb = blocks_xy(g);
    int64_t vocab = table.dims[0], d = table.dims[1];
    for (int64_t r = 0; r < rows && r < nb; r++) {
        hm_view yr = row_of(&y, r, NULL);
        double id = hm_get(&ids, r);
        int64_t t = (int64_t)id;
        for (int64_t j = 0; j < d; j++) {
            int inside = id >= 0 && t < vocab;
            hm_set(&yr, j, inside ? hm_get(&table, t * d + j) : 0);
        }
    }
    return KX_OK;
}

/* Visible keys of query row i of batch bi: min(Sk, lens[bi]), and with causal the bottom-right diagonal. */
static int64_t attn_limit(const hm_view *lens, int64_t bi, int64_t i, int64_t Sq, int64_t Sk, int causal) {
    int64_t valid = Sk;
    if (lens->data) {
        double l = hm_get(lens, bi);
        valid = l < 0 ? 0 : l > (double)Sk ? Sk : (int64_t)l;
    }
    int64_t limit = causal ? i + valid - Sq + 1 : valid;
    return limit > valid ? valid : limit;
}

/* Softmax of query row (bi, h, i) over keys [lo, hi), unnormalised: *max, *sum = sum exp(s - max), acc[Dv] =
 * sum exp(s - max) v. Nothing visible (or every score -inf): *max = -inf, *sum = 0, acc = 0. s holds hi - lo. */
static void attn_part(const hm_view *q, const hm_view *k, const hm_view *v, const hm_view *mask, float scale,
                      int64_t bi, int64_t h, int64_t kh, int64_t i, int64_t lo, int64_t hi, double *s,
                      double *max, double *sum, double *acc) {
    int64_t Hq = q->dims[1], Sq = q->dims[2], D = q->dims[3], Hkv = k->dims[1], Sk = k->dims[2], Dv = v->dims[3];
    int64_t qo = ((bi * Hq + h) * Sq + i) * D;
    double m = -INFINITY, l = 0;
    for (int64_t j = lo; j < hi; j++) {
        double dot = 0;
        int64_t ko = ((bi * Hkv + kh) * Sk + j) * D;
        for (int64_t x = 0; x < D; x++) dot += hm_get(q, qo + x) * hm_get(k, ko + x);
        s[j - lo] = scale * dot + (mask->data ? hm_get(mask, ((bi * Hq + h) * Sq + i) * Sk + j) : 0);
        m = fmax(m, s[j - lo]);
    }
    for (int64_t x = 0; x < Dv; x++) acc[x] = 0;
    if (m != -INFINITY) {
        for (int64_t j = lo; j < hi; j++) {
            double e = exp(s[j - lo] - m);
            l += e;
            int64_t vo = ((bi * Hkv + kh) * Sk + j) * Dv;
            for (int64_t x = 0; x < Dv; x++) acc[x] += e * hm_get(v, vo + x);
        }
    }
    *max = m;
    *sum = l;
}

/* kx_attention (one query row per block: rows_per_block 1) and kx_attn_prefill_mma (32 rows per block). */
static int attention_rows(kxk_dim3 g, void *const *a, int64_t rows_per_block) {
    VIEW(a[0], q);
    VIEW(a[1], k);
    VIEW(a[2], v);
    VIEW(a[3], mask);
    VIEW(a[4], lens);
    VIEW(a[5], out);
    const KxAttnParams *p = a[6];
    int64_t B = q.dims[0], Hq = q.dims[1], Sq = q.dims[2];
    int64_t Hkv = k.dims[1], Sk = k.dims[2], Dv = v.dims[3];
    if (Hkv == 0 || Hq % Hkv != 0) return KX_ERR_INVALID_VALUE;
    double *s = malloc(sizeof(double) * (size_t)(Sk + Dv + 1)), *acc = s + Sk;
    if (s == NULL) return KX_ERR_OUT_OF_MEMORY;
    for (int64_t bi = 0; bi < B && bi < g.z; bi++) {
        for (int64_t h = 0; h < Hq && h < g.y; h++) {
            for (int64_t i = 0; i < Sq && i < (int64_t)g.x * rows_per_block; i++) {
                double max, sum;
                attn_part(&q, &k, &v, &mask, p->scale, bi, h, h / (Hq / Hkv), i, 0,
                          attn_limit(&lens, bi, i, Sq, Sk, p->causal), s, &max, &sum, acc);
                int64_t oo = ((bi * Hq + h) * Sq + i) * Dv;
                for (int64_t x = 0; x < Dv; x++) hm_set(&out, oo + x, sum > 0 ? acc[x] / sum : 0);
            }
        }
    }
    free(s);
    return KX_OK;
}

static int k_attention(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    (void)b;
    return attention_rows(g, a, 1);
}

/* The tensor-core prefill: the same math (the device rounds P to the input type; the oracle bounds both). It
 * checks what the device kernel assumes: 16-bit floats, D = Dv a multiple of 16 up to 128, 64 threads. */
static int k_attn_prefill_mma(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    const KxTensor *q = a[0], *k = a[1], *v = a[2];
    int64_t D = q->shape[3];
    if ((q->dtype != KXK_BF16 && q->dtype != KXK_F16) || k->dtype != q->dtype || v->dtype != q->dtype
        || D % 16 != 0 || D > 128 || D == 0 || k->shape[3] != D || v->shape[3] != D || b.x != 64) {
        return KX_ERR_INVALID_VALUE;
    }
    return attention_rows(g, a, 32);
}

/* The partials' layout the device kernels index directly: dense f32 [B, Hq, Sq, splits, Dv + 2]. */
static int split_part_ok(const hm_view *part, const KxAttnSplitParams *p, int64_t B, int64_t Hq, int64_t Sq,
                         int64_t Dv) {
    int64_t want[5] = {B, Hq, Sq, p->splits, Dv + 2}, st = 1;
    if (part->type != HM_F32 || part->ndim != 5 || part->data == NULL) return 0;
    for (int d = 4; d >= 0; d--) {
        if (part->dims[d] != want[d] || part->strides[d] != st) return 0;
        st *= want[d];
    }
    return p->splits >= 1 && p->chunk >= 1;
}

static int k_attn_split(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    (void)b;
    VIEW(a[0], q);
    VIEW(a[1], k);
    VIEW(a[2], v);
    VIEW(a[3], mask);
    VIEW(a[4], lens);
    VIEW(a[5], part);
    const KxAttnSplitParams *p = a[6];
    int64_t B = q.dims[0], Hq = q.dims[1], Sq = q.dims[2];
    int64_t Hkv = k.dims[1], Sk = k.dims[2], Dv = v.dims[3];
    if (Hkv == 0 || Hq % Hkv != 0 || !split_part_ok(&part, p, B, Hq, Sq, Dv)) return KX_ERR_INVALID_VALUE;
    double *s = malloc(sizeof(double) * (size_t)(p->chunk + Dv + 1)), *acc = s + p->chunk;
    if (s == NULL) return KX_ERR_OUT_OF_MEMORY;
    for (int64_t bi = 0; bi < B && bi < g.z; bi++) {
        for (int64_t h = 0; h < Hq && h < g.y; h++) {
            for (int64_t bx = 0; bx < Sq * p->splits && bx < g.x; bx++) {
                int64_t i = bx / p->splits, si = bx % p->splits;
                int64_t limit = attn_limit(&lens, bi, i, Sq, Sk, p->causal);
                int64_t lo = si * p->chunk, hi = lo + p->chunk < limit ? lo + p->chunk : limit;
                double max = -INFINITY, sum = 0;
                for (int64_t x = 0; x < Dv; x++) acc[x] = 0;
                if (lo < hi) attn_part(&q, &k, &v, &mask, p->scale, bi, h, h / (Hq / Hkv), i, lo, hi, s, &max, &sum, acc);
                int64_t o = (((bi * Hq + h) * Sq + i) * p->splits + si) * (Dv + 2);
                hm_set(&part, o, max);
                hm_set(&part, o + 1, sum);
                for (int64_t x = 0; x < Dv; x++) hm_set(&part, o + 2 + x, acc[x]);
            }
        }
    }
    free(s);
    return KX_OK;
}

static int k_attn_combine(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    (void)b;
    VIEW(a[0], part);
    VIEW(a[1], out);
    const KxAttnSplitParams *p = a[2];
    int64_t B = out.dims[0], Hq = out.dims[1], Sq = out.dims[2], Dv = out.dims[3];
    if (out.ndim != 4 || !split_part_ok(&part, p, B, Hq, Sq, Dv)) return KX_ERR_INVALID_VALUE;
    for (int64_t bi = 0; bi < B && bi < g.z; bi++) {
        for (int64_t h = 0; h < Hq && h < g.y; h++) {
            for (int64_t i = 0; i < Sq && i < g.x; i++) {
                int64_t r = ((bi * Hq + h) * Sq + i) * p->splits * (Dv + 2);
                double mx = -INFINITY, l = 0;
                for (int64_t s = 0; s < p->splits; s++) mx = fmax(mx, hm_get(&part, r + s * (Dv + 2)));
                for (int64_t s = 0; s < p->splits; s++) {
                    double ms = hm_get(&part, r + s * (Dv + 2));
                    if (ms != -INFINITY) l += hm_get(&part, r + s * (Dv + 2) + 1) * exp(ms - mx);
                }
                int64_t oo = ((bi * Hq + h) * Sq + i) * Dv;
                for (int64_t x = 0; x < Dv; x++) {
                    double o = 0;
                    for (int64_t s = 0; s < p->splits; s++) {
                        double ms = hm_get(&part, r + s * (Dv + 2));
                        if (ms != -INFINITY) o += hm_get(&part, r + s * (Dv + 2) + 2 + x) * exp(ms - mx);
                    }
                    hm_set(&out, oo + x, l > 0 ? o / l : 0);
                }
            }
        }
    }
    return KX_OK;
}

/* c and bias must arrive broadcast to y's shape: the device kernel indexes them with y's flat index. */
static int same_shape(const hm_view *t, const hm_view *y) {
    if (t->data == NULL) return 1;
    if (t->ndim != y->ndim) return 0;
    for (int d = 0; d < y->ndim; d++) if (t->dims[d] != y->dims[d]) return 0;
    return 1;
}

static int k_epilogue(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    (void)g; (void)b;                          /* grid-stride: any grid covers every element */
    VIEW(a[0], acc);
    VIEW(a[1], c);
    VIEW(a[2], bias);
    VIEW(a[3], y);
    const KxEpilogueParams *p = a[4];
    if (acc.type != HM_F32 && acc.type != HM_F64) return KX_ERR_INVALID_VALUE;   /* a GEMM accumulator */
    if (p->act < KXK_IDENTITY || p->act > KXK_GELU_ERF) return KX_ERR_INVALID_VALUE;
    if (!same_shape(&acc, &y) || !same_shape(&c, &y) || !same_shape(&bias, &y)) return KX_ERR_INVALID_VALUE;
    int64_t n = hm_numel(&y);
    for (int64_t i = 0; i < n; i++) {
        double v = hm_get(&acc, i);
        if (c.data) v += p->beta * hm_get(&c, i);
        if (bias.data) v += hm_get(&bias, i);
        hm_set(&y, i, activation(p->act, v));
    }
    return KX_OK;
}

static int k_abi_version(kxk_dim3 g, kxk_dim3 b, void *const *a) {
    (void)g; (void)b;
    const KxTensor *t = a[0];
    int32_t *p = kx_translate((const void *)(uintptr_t)t->ptr, sizeof(int32_t));
    if (p == NULL) return KX_ERR_ILLEGAL_ADDRESS;
    *p = KXK_ABI_VERSION;
    return KX_OK;
}

#define T sizeof(KxTensor)
#define I sizeof(int32_t)
static const kxk_host_kernel KERNELS[] = {
    {"kx_unary", 3, {T, T, I}, k_unary},
    {"kx_binary", 4, {T, T, T, I}, k_binary},
    {"kx_softmax", 2, {T, T}, k_softmax},
    {"kx_norm", 5, {T, T, T, T, sizeof(KxNormParams)}, k_norm},
    {"kx_rope", 4, {T, T, T, sizeof(KxRopeParams)}, k_rope},
    {"kx_reduce", 3, {T, T, I}, k_reduce},
    {"kx_embedding", 3, {T, T, T}, k_embedding},
    {"kx_attention", 7, {T, T, T, T, T, T, sizeof(KxAttnParams)}, k_attention},
    {"kx_attn_prefill_mma", 7, {T, T, T, T, T, T, sizeof(KxAttnParams)}, k_attn_prefill_mma},
    {"kx_attn_split", 7, {T, T, T, T, T, T, sizeof(KxAttnSplitParams)}, k_attn_split},
    {"kx_attn_combine", 3, {T, T, sizeof(KxAttnSplitParams)}, k_attn_combine},
    {"kx_epilogue", 5, {T, T, T, T, sizeof(KxEpilogueParams)}, k_epilogue},
    {"kxk_abi_version", 1, {T}, k_abi_version},
};

const kxk_host_kernel *kxk_find(const char *name) {
    for (size_t i = 0; i < sizeof KERNELS / sizeof KERNELS[0]; i++) {
        if (strcmp(KERNELS[i].name, name) == 0) return &KERNELS[i];
    }
    return NULL;
}
