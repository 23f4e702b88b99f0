/*
 * Kuaxin subset of the MUSA driver API (libmusa.so): device naming only.
 * Names: cu->mu rename (ggml vendors/musa.h maps CUresult -> MUresult, V);
 * muDeviceGetName / muDeviceTotalMem and all values: I (CUDA's).
 */
#ifndef KX_MUSA_H
#define KX_MUSA_H

#include <stddef.h>
#include "../kx_subset.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_MU_RESULTS(X)                 \
    X(MUSA_SUCCESS, 0)                   \
    X(MUSA_ERROR_INVALID_VALUE, 1)       \
    X(MUSA_ERROR_NOT_INITIALIZED, 3)     \
    X(MUSA_ERROR_NO_DEVICE, 100)         \
    X(MUSA_ERROR_INVALID_DEVICE, 101)

#ifndef KX_SDK_CHECK
typedef enum musaError_enum { KX_MU_RESULTS(KX_ENUM_ITEM) } MUresult;
typedef int MUdevice;
#else
KX_MU_RESULTS(KX_ENUM_CHECK)
#endif

MUresult muInit(unsigned int Flags);
MUresult muDeviceGet(MUdevice *device, int ordinal);
MUresult muDeviceGetName(char *name, int len, MUdevice dev);
MUresult muDeviceTotalMem(size_t *bytes, MUdevice dev);
MUresult muGetErrorString(MUresult error, const char **pStr);
MUresult muGetErrorName(MUresult error, const char **pStr);

#ifdef __cplusplus
}
#endif

#endif
