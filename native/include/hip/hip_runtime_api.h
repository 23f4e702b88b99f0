/*
 * Kuaxin subset of the HIP runtime API (libamdhip64.so; Hygon DTK:
 * libgalaxyhip.so.5). A cuda->hip rename with exceptions that matter here:
 *   - pinned host memory is hipHostMalloc(ptr, size, flags) / hipHostFree;
 *   - hipDeviceAttribute_t values are NOT CUDA's (ROCm >= 5 numbering, U+:
 *     several independent generated bindings agree);
 *   - the device name comes from hipDeviceGetName in the runtime itself.
 * hipError_t and hipMemcpyKind values: HIP documentation text (U+).
 */
#ifndef KX_HIP_RUNTIME_API_H
#define KX_HIP_RUNTIME_API_H

#include <stddef.h>
#include "../kx_subset.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_HIP_ERRORS(X)                       \
    X(hipSuccess, 0)                           \
    X(hipErrorInvalidValue, 1)                 \
    X(hipErrorOutOfMemory, 2)                  \
    X(hipErrorMemoryAllocation, 2)             \
    X(hipErrorNotInitialized, 3)               \
    X(hipErrorInitializationError, 3)          \
    X(hipErrorInvalidDevicePointer, 17)        \
    X(hipErrorInvalidMemcpyDirection, 21)      \
    X(hipErrorNoDevice, 100)                   \
    X(hipErrorInvalidDevice, 101)              \
    X(hipErrorInvalidHandle, 400)              \
    X(hipErrorInvalidResourceHandle, 400)      \
    X(hipErrorNotReady, 600)                   \
    X(hipErrorIllegalAddress, 700)             \
    X(hipErrorNotSupported, 801)               \
    X(hipErrorUnknown, 999)

#define KX_HIP_MEMCPY_KINDS(X)                 \
    X(hipMemcpyHostToHost, 0)                  \
    X(hipMemcpyHostToDevice, 1)                \
    X(hipMemcpyDeviceToHost, 2)                \
    X(hipMemcpyDeviceToDevice, 3)              \
    X(hipMemcpyDefault, 4)

#define KX_HIP_DEVICE_ATTRS(X)                         \
    X(hipDeviceAttributeComputeCapabilityMajor, 23)    \
    X(hipDeviceAttributeMaxThreadsPerBlock, 56)        \
    X(hipDeviceAttributeComputeCapabilityMinor, 61)    \
    X(hipDeviceAttributeMultiprocessorCount, 63)       \
    X(hipDeviceAttributeTotalGlobalMem, 84)            \
    X(hipDeviceAttributeWarpSize, 87)

#ifndef KX_SDK_CHECK
typedef enum hipError_t { KX_HIP_ERRORS(KX_ENUM_ITEM) } hipError_t;
typedef enum hipMemcpyKind { KX_HIP_MEMCPY_KINDS(KX_ENUM_ITEM) } hipMemcpyKind;
typedef enum hipDeviceAttribute_t { KX_HIP_DEVICE_ATTRS(KX_ENUM_ITEM) } hipDeviceAttribute_t;

typedef int hipDevice_t;
typedef struct ihipStream_t *hipStream_t;
typedef struct ihipEvent_t *hipEvent_t;

#define hipStreamDefault       0x00
#define hipStreamNonBlocking   0x01
#define hipEventDefault        0x0
#define hipEventBlockingSync   0x1
#define hipEventDisableTiming  0x2
#define hipHostMallocDefault   0x0
#define hipStreamPerThread     ((hipStream_t)2)
#else
KX_HIP_ERRORS(KX_ENUM_CHECK)
KX_HIP_MEMCPY_KINDS(KX_ENUM_CHECK)
KX_HIP_DEVICE_ATTRS(KX_ENUM_CHECK)
#endif

hipError_t hipInit(unsigned int flags);

/* Devices */
hipError_t hipGetDeviceCount(int *count);
hipError_t hipSetDevice(int deviceId);
hipError_t hipGetDevice(int *deviceId);
hipError_t hipDeviceSynchronize(void);
hipError_t hipDeviceGetAttribute(int *pi, hipDeviceAttribute_t attr, int deviceId);
hipError_t hipDeviceGet(hipDevice_t *device, int ordinal);
hipError_t hipDeviceGetName(char *name, int len, hipDevice_t device);
hipError_t hipDeviceTotalMem(size_t *bytes, hipDevice_t device);
hipError_t hipMemGetInfo(size_t *free, size_t *total);

/* Memory */
hipError_t hipMalloc(void **ptr, size_t size);
hipError_t hipFree(void *ptr);
hipError_t hipHostMalloc(void **ptr, size_t size, unsigned int flags);
hipError_t hipHostFree(void *ptr);
hipError_t hipMemcpy(void *dst, const void *src, size_t sizeBytes, hipMemcpyKind kind);
hipError_t hipMemcpyAsync(void *dst, const void *src, size_t sizeBytes, hipMemcpyKind kind,
                          hipStream_t stream);
hipError_t hipMemset(void *dst, int value, size_t sizeBytes);
hipError_t hipMemsetAsync(void *dst, int value, size_t sizeBytes, hipStream_t stream);

/* Streams */
hipError_t hipStreamCreate(hipStream_t *stream);
hipError_t hipStreamCreateWithFlags(hipStream_t *stream, unsigned int flags);
hipError_t hipStreamDestroy(hipStream_t stream);
hipError_t hipStreamSynchronize(hipStream_t stream);
hipError_t hipStreamQuery(hipStream_t stream);
hipError_t hipStreamWaitEvent(hipStream_t stream, hipEvent_t event, unsigned int flags);

/* Events */
hipError_t hipEventCreate(hipEvent_t *event);
hipError_t hipEventCreateWithFlags(hipEvent_t *event, unsigned flags);
hipError_t hipEventRecord(hipEvent_t event, hipStream_t stream);
hipError_t hipEventQuery(hipEvent_t event);
hipError_t hipEventSynchronize(hipEvent_t event);
hipError_t hipEventElapsedTime(float *ms, hipEvent_t start, hipEvent_t stop);
hipError_t hipEventDestroy(hipEvent_t event);

/* Errors */
const char *hipGetErrorString(hipError_t hipError);
const char *hipGetErrorName(hipError_t hip_error);
hipError_t hipGetLastError(void);
hipError_t hipPeekAtLastError(void);

#ifdef __cplusplus
}
#endif

#endif
