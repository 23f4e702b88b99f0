/*
 * dialect.h - one CUDA-family emulator source, four spellings.
 *
 * Build with exactly one of -DKX_DIALECT_CUDA / _CUDALEGACY / _HIP / _MUSA / _SUPA. RT(x)
 * pastes the runtime prefix (cudaMalloc, hipMalloc, ...), BL(x) the BLAS prefix;
 * the result is rescanned, so cuBLAS's "#define cublasCreate cublasCreate_v2"
 * in our header makes BL(Create) define the _v2 symbol. Everything that is not
 * a pure rename is spelled out here or under #if in the sources.
 */
#ifndef KX_CUDAFAMILY_DIALECT_H
#define KX_CUDAFAMILY_DIALECT_H

#include "../core/kx_emu.h"

/* The CUDA 10.2-level spelling (Hygon DTK's CUDA layer, Iluvatar CoreX): CUDA's
 * names and values, but GemmEx takes a cudaDataType compute type. */
#if defined(KX_DIALECT_CUDALEGACY)
#  define KX_DIALECT_CUDA 1
#  define KX_CUDA_LEGACY_COMPUTE 1
#endif

#if defined(KX_DIALECT_CUDA)
#  include "cuda/cuda_runtime_api.h"
#  include "cuda/cublas_v2.h"
#  include "cuda/cuda.h"
#  define RT(x) cuda##x
#  define BL(x) cublas##x
#  ifdef KX_CUDA_LEGACY_COMPUTE
#    define KX_DIALECT_NAME "cudalegacy"
#  else
#    define KX_DIALECT_NAME "cuda"
#  endif
#  define KX_VISIBLE_ENV "CUDA_VISIBLE_DEVICES"
#  define KX_PLATFORM "CUDA"
#  define KX_MEMCPY_KIND_T enum cudaMemcpyKind
#  define KX_DEVATTR_T enum cudaDeviceAttr
#  define KX_HAS_DRIVER 1
#elif defined(KX_DIALECT_HIP)
#  include "hip/hip_runtime_api.h"
#  include "hip/hipblas.h"
#  define RT(x) hip##x
#  define BL(x) hipblas##x
#  define KX_DIALECT_NAME "hip"
#  define KX_VISIBLE_ENV "HIP_VISIBLE_DEVICES"
#  define KX_PLATFORM "ROCm"
#  define KX_MEMCPY_KIND_T hipMemcpyKind
#  define KX_DEVATTR_T hipDeviceAttribute_t
#  define KX_HAS_DRIVER 0
#elif defined(KX_DIALECT_MUSA)
#  include "musa/musa_runtime_api.h"
#  include "musa/mublas.h"
#  include "musa/musa.h"
#  define RT(x) musa##x
#  define BL(x) mublas##x
#  define KX_DIALECT_NAME "musa"
#  define KX_VISIBLE_ENV "MUSA_VISIBLE_DEVICES"
#  define KX_PLATFORM "MUSA"
#  define KX_MEMCPY_KIND_T enum musaMemcpyKind
#  define KX_DEVATTR_T enum musaDeviceAttr
#  define KX_HAS_DRIVER 1
#elif defined(KX_DIALECT_SUPA)
#  include "supa/supa_runtime_api.h"
#  include "supa/sublas.h"
#  define RT(x) supa##x
#  define BL(x) sublas##x
#  define KX_DIALECT_NAME "supa"
/* I: Biren's variable name was not found in public sources; this is a guess. */
#  define KX_VISIBLE_ENV "SUPA_VISIBLE_DEVICES"
#  define KX_PLATFORM "SUPA"
#  define KX_MEMCPY_KIND_T enum supaMemcpyKind
#  define KX_DEVATTR_T enum supaDeviceAttr
#  define KX_HAS_DRIVER 0
#else
#  error "define one of KX_DIALECT_CUDA, KX_DIALECT_HIP, KX_DIALECT_MUSA, KX_DIALECT_SUPA"
#endif

#define KX_STR_(x) #x
#define KX_STR(x) KX_STR_(x)

typedef RT(Error_t) kx_rt_error;
typedef RT(Stream_t) kx_rt_stream;
typedef RT(Event_t) kx_rt_event;

#pragma GCC visibility push(hidden)
/* runtime.c: maps a kx_status to this dialect's runtime error. */
kx_rt_error kx_rt_map(int status);
/* runtime.c: marks the (emulated) driver initialised; every runtime call does it. */
void kx_rt_touch(void);
int kx_rt_driver_initialised(void);
#pragma GCC visibility pop

#endif
