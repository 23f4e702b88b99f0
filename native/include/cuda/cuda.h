/*
 * Kuaxin subset of the CUDA driver API (libcuda.so.1): only device naming and
 * total memory, so the binding never reads the cudaDeviceProp layout.
 * The driver must be initialised (cuInit(0), or implicitly by any runtime
 * call) before the other functions work. Values: NVIDIA driver API docs (I).
 * On Iluvatar CoreX the library is /usr/local/corex/lib64/libcuda.so.1 (U).
 */
#ifndef KX_CUDA_H
#define KX_CUDA_H

#include <stddef.h>
#include "../kx_subset.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_CU_RESULTS(X)                 \
    X(CUDA_SUCCESS, 0)                   \
    X(CUDA_ERROR_INVALID_VALUE, 1)       \
    X(CUDA_ERROR_NOT_INITIALIZED, 3)     \
    X(CUDA_ERROR_NO_DEVICE, 100)         \
    X(CUDA_ERROR_INVALID_DEVICE, 101)

#ifndef KX_SDK_CHECK
typedef enum cudaError_enum { KX_CU_RESULTS(KX_ENUM_ITEM) } CUresult;
typedef int CUdevice;
#else
KX_CU_RESULTS(KX_ENUM_CHECK)
#endif

CUresult cuInit(unsigned int Flags);
CUresult cuDeviceGet(CUdevice *device, int ordinal);
CUresult cuDeviceGetName(char *name, int len, CUdevice dev);
/* cuda.h maps cuDeviceTotalMem to the _v2 symbol (size_t result). */
CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev);
CUresult cuGetErrorString(CUresult error, const char **pStr);
CUresult cuGetErrorName(CUresult error, const char **pStr);

#ifndef KX_SDK_CHECK
#define cuDeviceTotalMem cuDeviceTotalMem_v2
#endif

#ifdef __cplusplus
}
#endif

#endif
