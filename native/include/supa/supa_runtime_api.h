/*
 * Kuaxin subset of Biren's current SUPA runtime (libsupart.so, V: torch-supa
 * cmake; libsupa-runtime.so U). A cuda->supa rename in CUDA argument order:
 * supaMemcpyAsync(dst, src, n, kind, stream) (V, second pass §F). The legacy
 * su* API (stream before kind) is NOT this one.
 * Names seen (V): supaMalloc, supaFree, supaMemcpy[Async], supaStreamCreate/
 * Destroy/Synchronize, supaMemGetInfo, supaEventCreate, supaEventElapsedTime,
 * supaGetErrorString, supaGetLastError, supaEventDisableTiming.
 * Every other name and ALL numeric values here are I (CUDA's; the legacy
 * suError_t mirrors cudaError_t, U). extern "C" linkage is unverified (I).
 */
#ifndef KX_SUPA_RUNTIME_API_H
#define KX_SUPA_RUNTIME_API_H

#include <stddef.h>
#include "../kx_subset.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_SUPA_ERRORS(X)                      \
    X(supaSuccess, 0)                          \
    X(supaErrorInvalidValue, 1)                \
    X(supaErrorMemoryAllocation, 2)            \
    X(supaErrorInitializationError, 3)         \
    X(supaErrorInvalidDevicePointer, 17)       \
    X(supaErrorInvalidMemcpyDirection, 21)     \
    X(supaErrorNoDevice, 100)                  \
    X(supaErrorInvalidDevice, 101)             \
    X(supaErrorInvalidResourceHandle, 400)     \
    X(supaErrorNotReady, 600)                  \
    X(supaErrorIllegalAddress, 700)            \
    X(supaErrorNotSupported, 801)              \
    X(supaErrorUnknown, 999)

#define KX_SUPA_MEMCPY_KINDS(X)                \
    X(supaMemcpyHostToHost, 0)                 \
    X(supaMemcpyHostToDevice, 1)               \
    X(supaMemcpyDeviceToHost, 2)               \
    X(supaMemcpyDeviceToDevice, 3)             \
    X(supaMemcpyDefault, 4)

#define KX_SUPA_DEVICE_ATTRS(X)                \
    X(supaDevAttrMaxThreadsPerBlock, 1)        \
    X(supaDevAttrWarpSize, 10)                 \
    X(supaDevAttrMultiProcessorCount, 16)      \
    X(supaDevAttrComputeCapabilityMajor, 75)   \
    X(supaDevAttrComputeCapabilityMinor, 76)

#ifndef KX_SDK_CHECK
typedef enum supaError { KX_SUPA_ERRORS(KX_ENUM_ITEM) } supaError_t;
enum supaMemcpyKind { KX_SUPA_MEMCPY_KINDS(KX_ENUM_ITEM) };
enum supaDeviceAttr { KX_SUPA_DEVICE_ATTRS(KX_ENUM_ITEM) };

typedef struct supaStream_st *supaStream_t;
typedef struct supaEvent_st *supaEvent_t;

#define supaStreamDefault       0x00
#define supaStreamNonBlocking   0x01
#define supaEventDefault        0x00
#define supaEventDisableTiming  0x02
#else
KX_SUPA_ERRORS(KX_ENUM_CHECK)
KX_SUPA_MEMCPY_KINDS(KX_ENUM_CHECK)
KX_SUPA_DEVICE_ATTRS(KX_ENUM_CHECK)
#endif

/* Devices */
supaError_t supaGetDeviceCount(int *count);
supaError_t supaSetDevice(int device);
supaError_t supaGetDevice(int *device);
supaError_t supaDeviceSynchronize(void);
supaError_t supaDeviceGetAttribute(int *value, enum supaDeviceAttr attr, int device);
supaError_t supaMemGetInfo(size_t *free, size_t *total);

/* Memory */
supaError_t supaMalloc(void **devPtr, size_t size);
supaError_t supaFree(void *devPtr);
supaError_t supaMallocHost(void **ptr, size_t size);
supaError_t supaFreeHost(void *ptr);
supaError_t supaMemcpy(void *dst, const void *src, size_t count, enum supaMemcpyKind kind);
supaError_t supaMemcpyAsync(void *dst, const void *src, size_t count, enum supaMemcpyKind kind,
                            supaStream_t stream);
supaError_t supaMemset(void *devPtr, int value, size_t count);
supaError_t supaMemsetAsync(void *devPtr, int value, size_t count, supaStream_t stream);

/* Streams */
supaError_t supaStreamCreate(supaStream_t *pStream);
supaError_t supaStreamCreateWithFlags(supaStream_t *pStream, unsigned int flags);
supaError_t supaStreamDestroy(supaStream_t stream);
supaError_t supaStreamSynchronize(supaStream_t stream);
supaError_t supaStreamQuery(supaStream_t stream);
supaError_t supaStreamWaitEvent(supaStream_t stream, supaEvent_t event, unsigned int flags);

/* Events */
supaError_t supaEventCreate(supaEvent_t *event);
supaError_t supaEventCreateWithFlags(supaEvent_t *event, unsigned int flags);
supaError_t supaEventRecord(supaEvent_t event, supaStream_t stream);
supaError_t supaEventQuery(supaEvent_t event);
supaError_t supaEventSynchronize(supaEvent_t event);
supaError_t supaEventElapsedTime(float *ms, supaEvent_t start, supaEvent_t end);
supaError_t supaEventDestroy(supaEvent_t event);

/* Errors */
const char *supaGetErrorString(supaError_t error);
const char *supaGetErrorName(supaError_t error);
supaError_t supaGetLastError(void);
supaError_t supaPeekAtLastError(void);

#ifdef __cplusplus
}
#endif

#endif
