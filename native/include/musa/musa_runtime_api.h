/*
 * Kuaxin subset of the MUSA runtime API (libmusart.so): a cuda->musa rename
 * (names V: ggml vendors/musa.h, InfiniCore). Numeric values:
 *   musaMemcpyKind H2D 1, D2H 2, D2D 3: U+ (two ports cast raw ints);
 *   H2H 0: U; Default 4: I. Do not copy the "stub" header with H2D 0.
 *   musaError_t and musaDeviceAttr: I (CUDA's numbers; probe on an SDK).
 */
#ifndef KX_MUSA_RUNTIME_API_H
#define KX_MUSA_RUNTIME_API_H

#include <stddef.h>
#include "../kx_subset.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_MUSA_ERRORS(X)                      \
    X(musaSuccess, 0)                          \
    X(musaErrorInvalidValue, 1)                \
    X(musaErrorMemoryAllocation, 2)            \
    X(musaErrorInitializationError, 3)         \
    X(musaErrorInvalidDevicePointer, 17)       \
    X(musaErrorInvalidMemcpyDirection, 21)     \
    X(musaErrorNoDevice, 100)                  \
    X(musaErrorInvalidDevice, 101)             \
    X(musaErrorInvalidResourceHandle, 400)     \
    X(musaErrorNotReady, 600)                  \
    X(musaErrorIllegalAddress, 700)            \
    X(musaErrorNotSupported, 801)              \
    X(musaErrorUnknown, 999)

#define KX_MUSA_MEMCPY_KINDS(X)                \
    X(musaMemcpyHostToHost, 0)                 \
    X(musaMemcpyHostToDevice, 1)               \
    X(musaMemcpyDeviceToHost, 2)               \
    X(musaMemcpyDeviceToDevice, 3)             \
    X(musaMemcpyDefault, 4)

#define KX_MUSA_DEVICE_ATTRS(X)                \
    X(musaDevAttrMaxThreadsPerBlock, 1)        \
    X(musaDevAttrWarpSize, 10)                 \
    X(musaDevAttrMultiProcessorCount, 16)      \
    X(musaDevAttrComputeCapabilityMajor, 75)   \
    X(musaDevAttrComputeCapabilityMinor, 76)

#ifndef KX_SDK_CHECK
typedef enum musaError { KX_MUSA_ERRORS(KX_ENUM_ITEM) } musaError_t;
enum musaMemcpyKind { KX_MUSA_MEMCPY_KINDS(KX_ENUM_ITEM) };
enum musaDeviceAttr { KX_MUSA_DEVICE_ATTRS(KX_ENUM_ITEM) };

typedef struct MUstream_st *musaStream_t;   /* same pointer as the driver's MUstream (U) */
typedef struct MUevent_st *musaEvent_t;

#define musaStreamDefault       0x00
#define musaStreamNonBlocking   0x01
#define musaEventDefault        0x00
#define musaEventBlockingSync   0x01
#define musaEventDisableTiming  0x02
#else
KX_MUSA_ERRORS(KX_ENUM_CHECK)
KX_MUSA_MEMCPY_KINDS(KX_ENUM_CHECK)
KX_MUSA_DEVICE_ATTRS(KX_ENUM_CHECK)
#endif

/* Devices */
musaError_t musaGetDeviceCount(int *count);
musaError_t musaSetDevice(int device);
musaError_t musaGetDevice(int *device);
musaError_t musaDeviceSynchronize(void);
musaError_t musaDeviceGetAttribute(int *value, enum musaDeviceAttr attr, int device);
musaError_t musaMemGetInfo(size_t *free, size_t *total);

/* Memory */
musaError_t musaMalloc(void **devPtr, size_t size);
musaError_t musaFree(void *devPtr);
musaError_t musaMallocHost(void **ptr, size_t size);
musaError_t musaFreeHost(void *ptr);
musaError_t musaMemcpy(void *dst, const void *src, size_t count, enum musaMemcpyKind kind);
musaError_t musaMemcpyAsync(void *dst, const void *src, size_t count, enum musaMemcpyKind kind,
                            musaStream_t stream);
musaError_t musaMemset(void *devPtr, int value, size_t count);
musaError_t musaMemsetAsync(void *devPtr, int value, size_t count, musaStream_t stream);

/* Streams */
musaError_t musaStreamCreate(musaStream_t *pStream);
musaError_t musaStreamCreateWithFlags(musaStream_t *pStream, unsigned int flags);
musaError_t musaStreamDestroy(musaStream_t stream);
musaError_t musaStreamSynchronize(musaStream_t stream);
musaError_t musaStreamQuery(musaStream_t stream);
musaError_t musaStreamWaitEvent(musaStream_t stream, musaEvent_t event, unsigned int flags);

/* Events */
musaError_t musaEventCreate(musaEvent_t *event);
musaError_t musaEventCreateWithFlags(musaEvent_t *event, unsigned int flags);
musaError_t musaEventRecord(musaEvent_t event, musaStream_t stream);
musaError_t musaEventQuery(musaEvent_t event);
musaError_t musaEventSynchronize(musaEvent_t event);
musaError_t musaEventElapsedTime(float *ms, musaEvent_t start, musaEvent_t end);
musaError_t musaEventDestroy(musaEvent_t event);

/* Errors */
const char *musaGetErrorString(musaError_t error);
const char *musaGetErrorName(musaError_t error);
musaError_t musaGetLastError(void);
musaError_t musaPeekAtLastError(void);

#ifdef __cplusplus
}
#endif

#endif
