/*
 * kx_hostmath - reference op math on host memory for the Ascend and Cambricon
 * emulators: strided views of any supported dtype, computed in fp32 (reductions
 * accumulate in double). Runs on a stream worker with already translated
 * pointers; it never allocates device memory and never fails on valid views.
 *
 * Lives beside the emulators rather than in core/ because only the op-library
 * emulators (aclnn, CNNL) need it; the CUDA-family core has no op math.
 */
#ifndef KX_HOSTMATH_H
#define KX_HOSTMATH_H

#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

typedef enum {
    HM_F32, HM_F16, HM_BF16, HM_F64, HM_I8, HM_U8, HM_I16, HM_I32, HM_I64, HM_BOOL,
    HM_INVALID
} hm_type;

#define HM_MAX_DIMS 8

/* Element (i0..in-1) lives at data + sum(i_k * strides[k]) * size(type).
 * Strides are in elements and may be 0 (broadcast). */
typedef struct hm_view {
    hm_type type;
    void *data;
    int ndim;
    int64_t dims[HM_MAX_DIMS];
    int64_t strides[HM_MAX_DIMS];
} hm_view;

size_t hm_type_size(hm_type t);
int64_t hm_numel(const hm_view *v);
/* Element offsets (in elements) of the lowest and one past the highest element
 * the view touches; both 0 for an empty view. Used to bounds-check a view. */
void hm_extent(const hm_view *v, int64_t *lo, int64_t *hi);
/* Fills dense row-major strides. */
void hm_contiguous_strides(hm_view *v);
/* Right-aligned numpy broadcast of `in` to dims[ndim]: stride 0 for expanded
 * dims. Returns 0, or -1 if the shapes are incompatible. */
int hm_broadcast(const hm_view *in, int ndim, const int64_t *dims, hm_view *out);
/* Shape of numpy broadcasting a and b; returns -1 if incompatible. */
int hm_broadcast_shape(const hm_view *a, const hm_view *b, int *ndim, int64_t *dims);

/* Scalar access by row-major flat index of the view. Stores round to nearest
 * even for f16/bf16; float -> int truncates toward zero and saturates. */
double hm_get(const hm_view *v, int64_t flat);
void hm_set(const hm_view *v, int64_t flat, double x);
/* Dense float copy of a view (malloc; caller frees) / write back. */
float *hm_gather(const hm_view *v);
void hm_scatter(const hm_view *v, const float *src);

float hm_f16_to_f32(uint16_t h);
uint16_t hm_f32_to_f16(float f);
float hm_bf16_to_f32(uint16_t h);
uint16_t hm_f32_to_bf16(float f);

/* out[..., M, N] = alpha * a[..., M, K] @ b[..., K, N] + beta * c, where a's
 * and b's batch dims broadcast to out's; c (nullable) has out's shape
 * (broadcast beforehand) and may alias out. */
void hm_matmul(const hm_view *a, const hm_view *b, const hm_view *out,
               float alpha, float beta, const hm_view *c);

/* Attention over 4-D views q [B,Hq,Sq,D], k [B,Hkv,Sk,D], v [B,Hkv,Sk,Dv],
 * out [B,Hq,Sq,Dv]; Hq % Hkv == 0 (GQA: q head h reads kv head h/(Hq/Hkv)). */
typedef struct hm_attn {
    float scale;
    int causal;            /* key j visible iff j <= i + diag */
    int band;              /* key j visible iff i+diag-pre <= j <= i+diag+next */
    int64_t pre, next;
    int bottom_right;      /* diag = Sk - Sq (decode, KV cache) instead of 0 */
    const hm_view *mask;   /* nullable; 4-D, broadcast to [B,Hq,Sq,Sk] */
    int mask_is_bool;      /* nonzero element = masked out; else additive */
    const hm_view *lse;    /* nullable; [B,Hq,Sq] log-sum-exp of scaled scores */
} hm_attn;
void hm_attention(const hm_view *q, const hm_view *k, const hm_view *v,
                  const hm_view *out, const hm_attn *p);

/* y = alpha * softmax(x, dim) (or log-softmax) + beta * y. */
void hm_softmax(const hm_view *x, const hm_view *y, int dim, int log_softmax,
                float alpha, float beta);

/* Normalises over dims [axis, ndim). LayerNorm when rms == 0, else RMSNorm
 * (x * rstd, rstd = 1/sqrt(mean(x^2)+eps)). weight/bias/mean/rstd nullable;
 * weight and bias hold inner elements, mean and rstd outer elements. */
void hm_norm(const hm_view *x, const hm_view *y, int axis, const hm_view *weight,
             const hm_view *bias, double eps, int rms, const hm_view *mean,
             const hm_view *rstd);

typedef enum { HM_ADD, HM_SUB, HM_MUL, HM_DIV } hm_binop;
/* out = op(alpha1 * a, alpha2 * b) + beta * out; a and b broadcast to out. */
void hm_binary(hm_binop op, const hm_view *a, const hm_view *b, const hm_view *out,
               float alpha1, float alpha2, float beta);

typedef enum { HM_RELU, HM_SILU, HM_GELU_ERF, HM_GELU_TANH, HM_EXP, HM_SIGMOID,
               HM_TANH, HM_IDENTITY } hm_unop;
/* y = alpha * op(x) + beta * y */
void hm_unary(hm_unop op, const hm_view *x, const hm_view *y, float alpha, float beta);

/* Element-wise dtype conversion (x and y have the same shape). */
void hm_cast(const hm_view *x, const hm_view *y);

#pragma GCC visibility pop
#endif /* KX_HOSTMATH_H */
