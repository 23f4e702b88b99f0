/*
 * Kuaxin subset of the CUDA runtime API (libcudart.so): exactly what the
 * cuda-dialect binding uses. Used verbatim by NVIDIA, Iluvatar CoreX and Hygon
 * DTK's CUDA layer. Written from NVIDIA's CUDA Runtime API documentation; values
 * are the documented ones (tag I: not re-read from an SDK header;
 * native/check-sdk.sh verifies them against one).
 */
#ifndef KX_CUDA_RUNTIME_API_H
#define KX_CUDA_RUNTIME_API_H

#include <stddef.h>
#include "../kx_subset.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cudaError_t: the codes the emulator returns, plus common ones. */
#define KX_CUDA_ERRORS(X)                      \
    X(cudaSuccess, 0)                          \
    X(cudaErrorInvalidValue, 1)                \
    X(cudaErrorMemoryAllocation, 2)            \
    X(cudaErrorInitializationError, 3)         \
    X(cudaErrorInvalidDevicePointer, 17)       \
    X(cudaErrorInvalidMemcpyDirection, 21)     \
    X(cudaErrorNoDevice, 100)                  \
    X(cudaErrorInvalidDevice, 101)             \
    X(cudaErrorInvalidResourceHandle, 400)     \
    X(cudaErrorNotReady, 600)                  \
    X(cudaErrorIllegalAddress, 700)            \
    X(cudaErrorNotSupported, 801)              \
    X(cudaErrorUnknown, 999)

#define KX_CUDA_MEMCPY_KINDS(X)                \
    X(cudaMemcpyHostToHost, 0)                 \
    X(cudaMemcpyHostToDevice, 1)               \
    X(cudaMemcpyDeviceToHost, 2)               \
    X(cudaMemcpyDeviceToDevice, 3)             \
    X(cudaMemcpyDefault, 4)

/* cudaDeviceAttr: the attributes we query (the emulator answers these only). */
#define KX_CUDA_DEVICE_ATTRS(X)                \
    X(cudaDevAttrMaxThreadsPerBlock, 1)        \
    X(cudaDevAttrWarpSize, 10)                 \
    X(cudaDevAttrMultiProcessorCount, 16)      \
    X(cudaDevAttrComputeCapabilityMajor, 75)   \
    X(cudaDevAttrComputeCapabilityMinor, 76)

#ifndef KX_SDK_CHECK
typedef enum cudaError { KX_CUDA_ERRORS(KX_ENUM_ITEM) } cudaError_t;
enum cudaMemcpyKind { KX_CUDA_MEMCPY_KINDS(KX_ENUM_ITEM) };
enum cudaDeviceAttr { KX_CUDA_DEVICE_ATTRS(KX_ENUM_ITEM) };

typedef struct CUstream_st *cudaStream_t;
typedef struct CUevent_st *cudaEvent_t;

#define cudaStreamDefault       0x00
#define cudaStreamNonBlocking   0x01
#define cudaEventDefault        0x00
#define cudaEventBlockingSync   0x01
#define cudaEventDisableTiming  0x02
#define cudaHostAllocDefault    0x00
/* Special stream handles (the emulator maps both to the device's default stream). */
#define cudaStreamLegacy        ((cudaStream_t)0x1)
#define cudaStreamPerThread     ((cudaStream_t)0x2)
#else
KX_CUDA_ERRORS(KX_ENUM_CHECK)
KX_CUDA_MEMCPY_KINDS(KX_ENUM_CHECK)
KX_CUDA_DEVICE_ATTRS(KX_ENUM_CHECK)
#endif

/* Devices */
cudaError_t cudaGetDeviceCount(int *count);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDevice(int *device);
cudaError_t cudaDeviceSynchronize(void);
cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device);
cudaError_t cudaMemGetInfo(size_t *free, size_t *total);

/* Memory */
cudaError_t cudaMalloc(void **devPtr, size_t size);
cudaError_t cudaFree(void *devPtr);
cudaError_t cudaMallocHost(void **ptr, size_t size);
cudaError_t cudaFreeHost(void *ptr);
cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind);
cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind,
                            cudaStream_t stream);
cudaError_t cudaMemset(void *devPtr, int value, size_t count);
cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream);

/* Streams */
cudaError_t cudaStreamCreate(cudaStream_t *pStream);
cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags);
cudaError_t cudaStreamDestroy(cudaStream_t stream);
cudaError_t cudaStreamSynchronize(cudaStream_t stream);
cudaError_t cudaStreamQuery(cudaStream_t stream);
cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, unsigned int flags);

/* Events */
cudaError_t cudaEventCreate(cudaEvent_t *event);
cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event, unsigned int flags);
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream);
cudaError_t cudaEventQuery(cudaEvent_t event);
cudaError_t cudaEventSynchronize(cudaEvent_t event);
cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end);
cudaError_t cudaEventDestroy(cudaEvent_t event);

/* Errors */
const char *cudaGetErrorString(cudaError_t error);
const char *cudaGetErrorName(cudaError_t error);
cudaError_t cudaGetLastError(void);
cudaError_t cudaPeekAtLastError(void);

#ifdef __cplusplus
}
#endif

#endif
