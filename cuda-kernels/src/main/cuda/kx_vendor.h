/*
 * kx_vendor.h - what differs between the CUDA-family compilers, in one place
 * (the way ggml's vendors/{cuda,hip,musa}.h do it). The kernels use only:
 *   KX_GLOBAL / KX_DEVICE   kernel and device-function qualifiers
 *   kx_h2f / kx_f2h         IEEE binary16 bits <-> float (round to nearest even)
 *   kx_bf2f / kx_f2bf       bfloat16 bits <-> float (round to nearest even, NaN kept)
 *   KX_SYNC()               block barrier
 *   KX_WARP_SIZE            threads per warp: 64 on Hygon DCU (AMD-style wavefronts), 32 elsewhere
 *   KX_HAS_WMMA             1 where nvcuda::wmma tensor-core tiles exist (nvcc, sm_80+)
 *   KX_HAS_SHFL             1 where a butterfly shuffle exists; kx_shfl_xor(v, lane_mask) then reads the
 *                           value of lane (lane ^ lane_mask) of the same warp, every lane taking part
 * The kernels reduce within a warp with kx_shfl_xor over KX_WARP_SIZE lanes and
 * across warps through shared memory; without a shuffle (Biren: no public
 * intrinsic) every reduction goes through shared memory and barriers instead.
 *
 *   NVIDIA  nvcc              -DKXK_NVIDIA (or nothing)   cuda_fp16.h (V)
 *   Hygon   hipcc (DTK)       __HIP_PLATFORM_AMD__        hip/hip_fp16.h (V: HIP docs)
 *   Moore Threads  mcc        __MUSACC__                  musa_fp16.h (U: ggml vendors/musa.h includes it)
 *   Iluvatar CoreX clang++    __ILUVATAR__ (I)            cuda_fp16.h (U: CoreX ships CUDA headers)
 *   Biren   SUPA compiler     __SUPA__ (I)                no public header: half conversions in software
 *
 * Shuffles: CUDA __shfl_xor_sync(mask, v, m) (V: CUDA programming guide, warp shuffle functions); HIP
 * __shfl_xor(v, m) over the 64-lane wavefront, no mask (V: HIP programming guide, warp cross-lane functions);
 * MUSA __shfl_xor_sync as CUDA's (U: MUSA mirrors the CUDA intrinsics, ggml's vendors/musa.h keeps them);
 * CoreX as CUDA's (U: CoreX ships CUDA headers).
 */
#ifndef KX_VENDOR_H
#define KX_VENDOR_H

#include <stdint.h>

#if defined(__HIP_PLATFORM_AMD__) || defined(__HIPCC__)
#  include <hip/hip_runtime.h>
#  include <hip/hip_fp16.h>
#  define KX_HW_HALF 1
#elif defined(__MUSACC__)
#  include <musa_fp16.h>
#  define KX_HW_HALF 1
#elif defined(__SUPA__)
#  define KX_HW_HALF 0
#else
#  include <cuda_fp16.h>
#  define KX_HW_HALF 1
#endif

#if defined(__HIP_PLATFORM_AMD__) || defined(__HIPCC__)
#  define KX_WARP_SIZE 64
#  define KX_HAS_SHFL 1
#  define kx_shfl_xor(v, m) __shfl_xor((v), (m))
#elif defined(__SUPA__)
#  define KX_WARP_SIZE 32
#  define KX_HAS_SHFL 0
#else
#  define KX_WARP_SIZE 32
#  define KX_HAS_SHFL 1
#  define kx_shfl_xor(v, m) __shfl_xor_sync(0xffffffffu, (v), (m))
#endif

/* Tensor cores through WMMA (nvcuda::wmma, bf16/f16 16x16x16 tiles, sm_80+): nvcc only. Other compilers build
 * no kx_attn_prefill_mma; the launcher then keeps kx_attention. */
#if defined(__NVCC__) && !defined(__HIPCC__) && !defined(__MUSACC__) && !defined(__ILUVATAR__)
#  define KX_HAS_WMMA 1
#  include <mma.h>
#  include <cuda_bf16.h>
#else
#  define KX_HAS_WMMA 0
#endif

#define KX_GLOBAL extern "C" __global__
#define KX_DEVICE static __device__ __forceinline__
#define KX_SYNC() __syncthreads()

#if KX_HW_HALF
KX_DEVICE float kx_h2f(uint16_t b) { return __half2float(__ushort_as_half(b)); }
KX_DEVICE uint16_t kx_f2h(float f) { return __half_as_ushort(__float2half_rn(f)); }
#else
KX_DEVICE float kx_h2f(uint16_t h) {
    uint32_t s = (uint32_t)(h & 0x8000) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e == 0x1f) return __uint_as_float(s | 0x7f800000u | (m << 13));
    if (e == 0) return (s ? -1.0f : 1.0f) * (float)m * 5.9604644775390625e-8f;   /* m * 2^-24 */
    return __uint_as_float(s | ((e + 112) << 23) | (m << 13));
}
KX_DEVICE uint16_t kx_f2h(float f) {
    uint32_t x = __float_as_uint(f), s = (x >> 16) & 0x8000;
    float a = fabsf(f);
    if (a != a) return (uint16_t)(s | 0x7e00);
    if (a >= 65520.0f) return (uint16_t)(s | 0x7c00);
    if (a < 6.103515625e-5f) return (uint16_t)(s | (uint32_t)rintf(a * 16777216.0f));   /* subnormal */
    uint32_t b = __float_as_uint(a), r = b + 0xfff + ((b >> 13) & 1);
    return (uint16_t)(s | ((r - (112u << 23)) >> 13));
}
#endif

KX_DEVICE float kx_bf2f(uint16_t b) { return __uint_as_float((uint32_t)b << 16); }
KX_DEVICE uint16_t kx_f2bf(float f) {
    uint32_t x = __float_as_uint(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40);   /* quiet NaN */
    return (uint16_t)((x + 0x7fffu + ((x >> 16) & 1)) >> 16);
}

#endif
