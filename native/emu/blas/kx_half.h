/*
 * kx_half.h - IEEE binary16 and bfloat16 <-> float conversions (round to
 * nearest even), so GEMM can take fp16/bf16 inputs without compiler support.
 */
#ifndef KX_HALF_H
#define KX_HALF_H

#include <stdint.h>
#include <string.h>

static inline uint32_t kx_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float kx_bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

static inline float kx_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    if (exp == 0x1f) return kx_bits_f32(sign | 0x7f800000u | (man << 13));   /* inf / nan */
    if (exp == 0) {
        if (man == 0) return kx_bits_f32(sign);
        /* subnormal: value = man * 2^-24 */
        float v = (float)man * (1.0f / 16777216.0f);
        return sign ? -v : v;
    }
    return kx_bits_f32(sign | ((exp + 112u) << 23) | (man << 13));
}

static inline uint16_t kx_float_to_half(float f) {
    uint32_t u = kx_f32_bits(f);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    uint32_t exp = (u >> 23) & 0xffu;
    uint32_t man = u & 0x7fffffu;
    if (exp == 0xff) return (uint16_t)(sign | 0x7c00u | (man ? 0x200u : 0));  /* inf / quiet nan */
    int e = (int)exp - 127 + 15;
    if (e >= 0x1f) return (uint16_t)(sign | 0x7c00u);                        /* overflow -> inf */
    if (e <= 0) {                                                             /* subnormal or zero */
        if (e < -10) return sign;
        man |= 0x800000u;
        uint32_t shift = (uint32_t)(14 - e);
        uint32_t half = man >> shift;
        uint32_t rem = man & ((1u << shift) - 1);
        uint32_t mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1u))) half++;
        return (uint16_t)(sign | half);
    }
    uint32_t half = ((uint32_t)e << 10) | (man >> 13);
    uint32_t rem = man & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) half++;            /* may carry into inf: correct */
    return (uint16_t)(sign | half);
}

static inline float kx_bf16_to_float(uint16_t b) { return kx_bits_f32((uint32_t)b << 16); }

static inline uint16_t kx_float_to_bf16(float f) {
    uint32_t u = kx_f32_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40u);  /* quiet nan */
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

#endif
