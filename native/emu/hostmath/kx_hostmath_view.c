/* Views, dtype conversion and gather/scatter for kx_hostmath. */
#include "kx_hostmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t hm_type_size(hm_type t)
{
    switch (t) {
    case HM_F64: case HM_I64: return 8;
    case HM_F32: case HM_I32: return 4;
    case HM_F16: case HM_BF16: case HM_I16: return 2;
    case HM_I8: case HM_U8: case HM_BOOL: return 1;
    default: return 0;
    }
}

int64_t hm_numel(const hm_view *v)
{
    int64_t n = 1;
    for (int i = 0; i < v->ndim; i++) n *= v->dims[i];
    return n;
}

void hm_extent(const hm_view *v, int64_t *lo, int64_t *hi)
{
    int64_t l = 0, h = 0;
    if (hm_numel(v) == 0) { *lo = *hi = 0; return; }
    for (int i = 0; i < v->ndim; i++) {
        int64_t span = (v->dims[i] - 1) * v->strides[i];
        if (span < 0) l += span; else h += span;
    }
    *lo = l;
    *hi = h + 1;
}

void hm_contiguous_strides(hm_view *v)
{
    int64_t s = 1;
    for (int i = v->ndim - 1; i >= 0; i--) {
        v->strides[i] = s;
        s *= v->dims[i];
    }
}

int hm_broadcast(const hm_view *in, int ndim, const int64_t *dims, hm_view *out)
{
    if (in->ndim > ndim || ndim > HM_MAX_DIMS) return -1;
    hm_view r = *in;
    r.ndim = ndim;
    int shift = ndim - in->ndim;
    for (int i = ndim - 1; i >= 0; i--) {
        int j = i - shift;
        int64_t d = j >= 0 ? in->dims[j] : 1, st = j >= 0 ? in->strides[j] : 0;
        if (d == dims[i]) {
            r.dims[i] = d;
            r.strides[i] = st;
        } else if (d == 1) {
            r.dims[i] = dims[i];
            r.strides[i] = 0;
        } else {
            return -1;
        }
    }
    *out = r;
    return 0;
}

int hm_broadcast_shape(const hm_view *a, const hm_view *b, int *ndim, int64_t *dims)
{
    int n = a->ndim > b->ndim ? a->ndim : b->ndim;
    if (n > HM_MAX_DIMS) return -1;
    for (int i = 0; i < n; i++) {
        int ia = i - (n - a->ndim), ib = i - (n - b->ndim);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1) return -1;
        dims[i] = da == 1 ? db : da;
    }
    *ndim = n;
    return 0;
}

/* ---- fp16 / bf16 ---- */
float hm_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else {                         /* subnormal: renormalise */
            int e = -1;
            do { e++; man <<= 1; } while (!(man & 0x400));
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ff) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

uint16_t hm_f32_to_f16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000;
    uint32_t ax = x & 0x7fffffffu;
    if (ax >= 0x7f800000u) return (uint16_t)(sign | 0x7c00 | (ax > 0x7f800000u ? 0x200 : 0));
    if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00);        /* rounds to inf */
    if (ax < 0x38800000u) {                                          /* subnormal or zero */
        float a;
        memcpy(&a, &ax, 4);
        /* a * 2^24 rounded to nearest even gives the subnormal mantissa */
        return (uint16_t)(sign | (uint32_t)lrintf(a * 16777216.0f));
    }
    uint32_t r = ax + 0xc8000fffu + ((ax >> 13) & 1);               /* rebias + RNE */
    return (uint16_t)(sign | (r >> 13));
}

float hm_bf16_to_f32(uint16_t h)
{
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

uint16_t hm_f32_to_bf16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40);  /* quiet NaN */
    x += 0x7fff + ((x >> 16) & 1);
    return (uint16_t)(x >> 16);
}

/* ---- element access ---- */
static int64_t flat_to_offset(const hm_view *v, int64_t flat)
{
    int64_t off = 0;
    for (int i = v->ndim - 1; i >= 0; i--) {
        int64_t d = v->dims[i];
        off += (flat % d) * v->strides[i];
        flat /= d;
    }
    return off;
}

static double load(hm_type t, const void *base, int64_t off)
{
    switch (t) {
    case HM_F32: return ((const float *)base)[off];
    case HM_F64: return ((const double *)base)[off];
    case HM_F16: return hm_f16_to_f32(((const uint16_t *)base)[off]);
    case HM_BF16: return hm_bf16_to_f32(((const uint16_t *)base)[off]);
    case HM_I8: return ((const int8_t *)base)[off];
    case HM_U8: return ((const uint8_t *)base)[off];
    case HM_BOOL: return ((const uint8_t *)base)[off] != 0;
    case HM_I16: return ((const int16_t *)base)[off];
    case HM_I32: return ((const int32_t *)base)[off];
    case HM_I64: return (double)((const int64_t *)base)[off];
    default: return 0;
    }
}

static double sat(double x, double lo, double hi)
{
    if (isnan(x)) return 0;
    x = trunc(x);
    return x < lo ? lo : x > hi ? hi : x;
}

static void store(hm_type t, void *base, int64_t off, double x)
{
    switch (t) {
    case HM_F32: ((float *)base)[off] = (float)x; break;
    case HM_F64: ((double *)base)[off] = x; break;
    case HM_F16: ((uint16_t *)base)[off] = hm_f32_to_f16((float)x); break;
    case HM_BF16: ((uint16_t *)base)[off] = hm_f32_to_bf16((float)x); break;
    case HM_I8: ((int8_t *)base)[off] = (int8_t)sat(x, -128, 127); break;
    case HM_U8: ((uint8_t *)base)[off] = (uint8_t)sat(x, 0, 255); break;
    case HM_BOOL: ((uint8_t *)base)[off] = x != 0; break;
    case HM_I16: ((int16_t *)base)[off] = (int16_t)sat(x, -32768, 32767); break;
    case HM_I32: ((int32_t *)base)[off] = (int32_t)sat(x, -2147483648.0, 2147483647.0); break;
    case HM_I64: /* saturate to INT64_MAX itself: 2^63 is the first double past it (as Java's (long) cast) */
        ((int64_t *)base)[off] = x != x ? 0 : x >= 9223372036854775808.0 ? INT64_MAX
                               : (int64_t)sat(x, -9223372036854775808.0, 9223372036854774784.0);
        break;
    default: break;
    }
}

double hm_get(const hm_view *v, int64_t flat)
{
    return load(v->type, v->data, flat_to_offset(v, flat));
}

void hm_set(const hm_view *v, int64_t flat, double x)
{
    store(v->type, v->data, flat_to_offset(v, flat), x);
}

/* Odometer over the view: calls back with (flat, element offset) in row-major order. */
#define HM_FOR_EACH(v, flat, off, body)                                          \
    do {                                                                         \
        int64_t idx_[HM_MAX_DIMS] = {0};                                         \
        int64_t n_ = hm_numel(v), off = 0;                                       \
        for (int64_t flat = 0; flat < n_; flat++) {                              \
            body;                                                                \
            for (int d_ = (v)->ndim - 1; d_ >= 0; d_--) {                        \
                off += (v)->strides[d_];                                         \
                if (++idx_[d_] < (v)->dims[d_]) break;                           \
                off -= (v)->strides[d_] * (v)->dims[d_];                         \
                idx_[d_] = 0;                                                    \
            }                                                                    \
        }                                                                        \
    } while (0)

float *hm_gather(const hm_view *v)
{
    int64_t n = hm_numel(v);
    float *dst = malloc((size_t)(n > 0 ? n : 1) * sizeof(float));
    if (!dst) return NULL;
    if (v->type == HM_F32) {
        const float *src = v->data;
        HM_FOR_EACH(v, i, off, dst[i] = src[off]);
    } else {
        HM_FOR_EACH(v, i, off, dst[i] = (float)load(v->type, v->data, off));
    }
    return dst;
}

void hm_scatter(const hm_view *v, const float *src)
{
    if (v->type == HM_F32) {
        float *dst = v->data;
        HM_FOR_EACH(v, i, off, dst[off] = src[i]);
    } else {
        HM_FOR_EACH(v, i, off, store(v->type, v->data, off, src[i]));
    }
}

void hm_cast(const hm_view *x, const hm_view *y)
{
    /* double keeps int64 <-> int32 exact up to 2^53 */
    int64_t n = hm_numel(y);
    for (int64_t i = 0; i < n; i++) hm_set(y, i, hm_get(x, i));
}
