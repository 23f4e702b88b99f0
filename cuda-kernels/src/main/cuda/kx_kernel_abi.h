/*
 * kx_kernel_abi.h - the parameter layout of every Kuaxin device kernel.
 *
 * One definition for three readers: the CUDA C kernels in this directory (nvcc,
 * hipcc, mcc, ...), the CUDA-family emulators' host kernels (gcc), and the Java
 * launcher (io.kuaxin.cuda.KernelAbi writes the same bytes). A launch passes
 * each parameter by value, as the driver API's kernelParams array of pointers.
 * Layout rules: naturally aligned fields, no pointers wider than 64 bits, no
 * padding the Java side does not write (every struct is a multiple of 8 bytes).
 *
 * Changing anything here changes the ABI: bump KXK_ABI_VERSION, which is also
 * a kernel (kxk_abi_version) so a stale binary is detected at load time.
 */
#ifndef KX_KERNEL_ABI_H
#define KX_KERNEL_ABI_H

#include <stddef.h>
#include <stdint.h>

#define KXK_ABI_VERSION 2
#define KXK_MAX_DIMS 8

/* Element types: io.kuaxin.DType's declaration order. */
enum {
    KXK_F32 = 0, KXK_F16 = 1, KXK_BF16 = 2, KXK_F64 = 3,
    KXK_I8 = 4, KXK_U8 = 5, KXK_I32 = 6, KXK_I64 = 7, KXK_BOOL = 8
};

/* A strided view: element (i0..ir-1) is at ptr + sum(i_k * stride[k]) * size(dtype).
 * Strides are in elements and may be 0 (broadcast). ptr 0 = absent (optional input). */
typedef struct KxTensor {
    uint64_t ptr;
    int32_t dtype;
    int32_t rank;
    int64_t shape[KXK_MAX_DIMS];
    int64_t stride[KXK_MAX_DIMS];
} KxTensor;                                  /* 144 bytes */

/* kx_unary op codes (y = f(x), any dtype to any dtype; IDENTITY is cast and copy). */
enum { KXK_IDENTITY = 0, KXK_RELU = 1, KXK_SILU = 2, KXK_GELU_TANH = 3, KXK_GELU_ERF = 4, KXK_EXP = 5 };
/* kx_binary op codes (integer division truncates; x / 0 is 0 for integers). */
enum { KXK_ADD = 0, KXK_SUB = 1, KXK_MUL = 2, KXK_DIV = 3 };
/* kx_reduce op codes (over the last dimension of x; ARGMAX writes i64; the first NaN wins MAX/ARGMAX). */
enum { KXK_SUM = 0, KXK_MAX = 1, KXK_MEAN = 2, KXK_ARGMAX = 3 };

typedef struct KxNormParams {
    double eps;
    int32_t rms;                             /* 0: layer norm, 1: RMS norm */
    int32_t pad;
} KxNormParams;                              /* 16 bytes */

typedef struct KxRopeParams {
    double base;
    int64_t start;                           /* position of row 0 along seq_axis when positions are absent */
    int32_t rotary_dims;
    int32_t half_split;                      /* 0: interleaved pairs (2i, 2i+1); 1: (i, i + rot/2) */
    int32_t seq_axis;
    int32_t pad;
} KxRopeParams;                              /* 32 bytes */

typedef struct KxAttnParams {
    float scale;
    int32_t causal;                          /* bottom-right aligned: key j visible iff j <= i + valid - Sq */
} KxAttnParams;                              /* 8 bytes */

/* Split-KV decode: the visible keys of a query row are cut into `splits` chunks of `chunk` keys. */
typedef struct KxAttnSplitParams {
    float scale;
    int32_t causal;
    int32_t splits;
    int32_t chunk;
} KxAttnSplitParams;                         /* 16 bytes */

/* The matmul epilogue after a GEMM: y = act(acc + beta * c + bias), rounded once to y's dtype. */
typedef struct KxEpilogueParams {
    double beta;
    int32_t act;                             /* a kx_unary op code: IDENTITY, RELU, SILU, GELU_TANH, GELU_ERF */
    int32_t pad;
} KxEpilogueParams;                          /* 16 bytes */

/* The byte layout io.kuaxin.cuda.KernelAbi writes; a change here fails every compiler, not a test run. */
#ifdef __cplusplus
#  define KXK_ASSERT(c, m) static_assert(c, m)
#else
#  define KXK_ASSERT(c, m) _Static_assert(c, m)
#endif
KXK_ASSERT(sizeof(KxTensor) == 144, "KxTensor is 144 bytes");
KXK_ASSERT(offsetof(KxTensor, shape) == 16 && offsetof(KxTensor, stride) == 80, "KxTensor field offsets");
KXK_ASSERT(sizeof(KxNormParams) == 16 && sizeof(KxRopeParams) == 32 && sizeof(KxAttnParams) == 8, "param structs");
KXK_ASSERT(sizeof(KxAttnSplitParams) == 16 && sizeof(KxEpilogueParams) == 16, "split and epilogue params");
KXK_ASSERT(offsetof(KxRopeParams, rotary_dims) == 16 && offsetof(KxRopeParams, seq_axis) == 24, "KxRopeParams offsets");

/*
 * The kernels and their grids (blockDim.x threads cooperate on one block's work):
 *
 *   kx_unary(KxTensor x, KxTensor y, int32 op)               any grid; grid-stride over y's elements
 *   kx_binary(KxTensor a, KxTensor b, KxTensor y, int32 op)  a, b broadcast to y's shape (0 strides)
 *   kx_softmax(KxTensor x, KxTensor y)                       one block per row of the last dimension
 *   kx_norm(KxTensor x, KxTensor gamma, KxTensor beta, KxTensor y, KxNormParams p)   one block per row
 *   kx_rope(KxTensor x, KxTensor pos, KxTensor y, KxRopeParams p)   one block per row; pos has x's rank - 1
 *   kx_reduce(KxTensor x, KxTensor y, int32 op)              one block per row; y has x's rank - 1 dims
 *   kx_embedding(KxTensor table, KxTensor ids, KxTensor y)   one block per id; y is [ids..., D]
 *   kx_attention(KxTensor q, KxTensor k, KxTensor v, KxTensor mask, KxTensor lens, KxTensor out,
 *                KxAttnParams p)                             grid (Sq, Hq, B); mask broadcast to
 *                                                            [B, Hq, Sq, Sk]; lens [B] i32/i64 or absent
 *   kx_attn_prefill_mma(q, k, v, mask, lens, out, KxAttnParams p)   nvcc only; bf16/f16, D = Dv, D % 16 == 0,
 *                                                            D <= 128; grid (ceil(Sq / 32), Hq, B), 64 threads
 *   kx_attn_split(KxTensor q, KxTensor k, KxTensor v, KxTensor mask, KxTensor lens, KxTensor part,
 *                 KxAttnSplitParams p)                       grid (Sq * splits, Hq, B), x = i * splits + split;
 *                                                            part f32 [B, Hq, Sq, splits, Dv + 2]: per split
 *                                                            (max, sum, acc[Dv]) of its keys, max -inf if none
 *   kx_attn_combine(KxTensor part, KxTensor out, KxAttnSplitParams p)   grid (Sq, Hq, B): out = the splits
 *                                                            rescaled to the common max, summed, divided by sum
 *   kx_epilogue(KxTensor acc, KxTensor c, KxTensor bias, KxTensor y, KxEpilogueParams p)   any grid; c and
 *                                                            bias broadcast to y (0 strides) or absent
 *   kxk_abi_version(KxTensor out)                            writes KXK_ABI_VERSION as i32 to out.ptr
 *
 * Rows: the flat row-major index over every dimension but the last; the host
 * may pass more blocks than rows (the extra ones return) but never fewer.
 */

#endif
