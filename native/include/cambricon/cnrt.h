/*
 * CNRT subset (libcnrt.so, CNRT >= 5 naming). Signatures V from InfiniCore
 * infinirt_bang.cc / Mooncake mlu.h, U+ modern cnrt.h text, unless tagged.
 * There is no init call: the context is implicit (I).
 */
#ifndef KX_CAMBRICON_CNRT_H
#define KX_CAMBRICON_CNRT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CNRT_API __attribute__((visibility("default")))

/* V: a public copy of Cambricon's cnrt.h (CNRT 6.14.1); cnrtErrorBusy/NotReady as
 * "pending" also V in InfiniCore infinirt_bang.cc and DeepLink DIOPI's camb runtime. */
typedef enum {
    cnrtSuccess = 0,
    cnrtErrorNotReady = 1,             /* "the device or resource requested is busy now" */
    cnrtErrorInit = 100002,
    cnrtErrorNoDevice = 100004,
    cnrtErrorDeviceInvalid = 100005,   /* ordinal out of [0, count - 1] */
    cnrtErrorArgsInvalid = 100006,
    cnrtErrorSys = 100007,
    cnrtErrorSysNoMem = 100010,        /* host memory */
    cnrtErrorNoMem = 100100,           /* MLU device memory */
    cnrtErrorNoAttribute = 632009,     /* the queried attribute does not exist */
    cnrtErrorBusy = 632014             /* deprecated; what CNRT 6.0's cnrtQueryNotifier returns while pending */
} cnrtRet_t;

typedef struct cnrtQueue *cnrtQueue_t;
typedef struct cnrtNotifier *cnrtNotifier_t;

/* NOT the CUDA order. U+ (two cnrt.h versions). */
typedef enum {
    cnrtMemcpyHostToDev = 0,
    cnrtMemcpyDevToDev = 1,
    cnrtMemcpyDevToHost = 2,
    cnrtMemcpyHostToHost = 3,
    cnrtMemcpyPeerToPeer = 4,
    cnrtMemcpyNoDirection = 5
} cnrtMemTransDir_t;

/* V: public cnrt.h copy (CNRT 6.14.1); names also V in InfiniCore, torch_mlu, DIOPI. */
typedef enum {
    cnrtAttrClusterCount = 0x205,
    cnrtAttrMcorePerCluster = 0x206
} cnrtDeviceAttr_t;

/* Only name[] (offset 0) is bound; the real struct is much larger and its
 * layout unverified. Callers pass an oversized zeroed buffer (>= 4 KiB). */
typedef struct cnrtDeviceProp {
    char name[256];
} cnrtDeviceProp_t;

/* errors */
CNRT_API const char *cnrtGetErrorStr(cnrtRet_t ret);
CNRT_API const char *cnrtGetErrorName(cnrtRet_t ret);
/* Returns the calling thread's last error and resets it to cnrtSuccess (I). */
CNRT_API cnrtRet_t cnrtGetLastError(void);

/* devices */
CNRT_API cnrtRet_t cnrtGetDeviceCount(unsigned int *count);
CNRT_API cnrtRet_t cnrtSetDevice(int device);
CNRT_API cnrtRet_t cnrtGetDevice(int *device);
CNRT_API cnrtRet_t cnrtSyncDevice(void);
CNRT_API cnrtRet_t cnrtGetDeviceProperties(cnrtDeviceProp_t *prop, int device);
CNRT_API cnrtRet_t cnrtDeviceGetAttribute(int *value, cnrtDeviceAttr_t attr, int device);
CNRT_API cnrtRet_t cnrtMemGetInfo(size_t *free, size_t *total);

/* memory */
CNRT_API cnrtRet_t cnrtMalloc(void **ptr, size_t bytes);
CNRT_API cnrtRet_t cnrtFree(void *ptr);
CNRT_API cnrtRet_t cnrtHostMalloc(void **ptr, size_t bytes);
CNRT_API cnrtRet_t cnrtFreeHost(void *ptr);
CNRT_API cnrtRet_t cnrtMemcpy(void *dst, void *src, size_t bytes, cnrtMemTransDir_t dir);
/* Queue BEFORE direction in all three spellings. */
CNRT_API cnrtRet_t cnrtMemcpyAsync(void *dst, void *src, size_t bytes, cnrtQueue_t queue, cnrtMemTransDir_t dir);
CNRT_API cnrtRet_t cnrtMemcpyAsync_V2(void *dst, void *src, size_t bytes, cnrtQueue_t queue, cnrtMemTransDir_t dir);
CNRT_API cnrtRet_t cnrtMemcpyAsync_V3(void *dst, void *src, size_t bytes, cnrtQueue_t queue, cnrtMemTransDir_t dir);
CNRT_API cnrtRet_t cnrtMemset(void *ptr, int value, size_t bytes);
CNRT_API cnrtRet_t cnrtMemsetAsync(void *ptr, int value, size_t bytes, cnrtQueue_t queue);

/* queues */
CNRT_API cnrtRet_t cnrtQueueCreate(cnrtQueue_t *queue);
CNRT_API cnrtRet_t cnrtQueueDestroy(cnrtQueue_t queue);
CNRT_API cnrtRet_t cnrtQueueSync(cnrtQueue_t queue);
/* Notifier first. flag must be 0. */
CNRT_API cnrtRet_t cnrtQueueWaitNotifier(cnrtNotifier_t notifier, cnrtQueue_t queue, unsigned int flag);

/* notifiers (= events) */
CNRT_API cnrtRet_t cnrtNotifierCreate(cnrtNotifier_t *notifier);
CNRT_API cnrtRet_t cnrtNotifierDestroy(cnrtNotifier_t notifier);
CNRT_API cnrtRet_t cnrtPlaceNotifier(cnrtNotifier_t notifier, cnrtQueue_t queue);
CNRT_API cnrtRet_t cnrtWaitNotifier(cnrtNotifier_t notifier);
/* cnrtSuccess when complete; while pending cnrtErrorBusy (CNRT 6.0 docs, InfiniCore) or
 * cnrtErrorNotReady (newer torch_mlu, DIOPI): callers accept both. */
CNRT_API cnrtRet_t cnrtQueryNotifier(cnrtNotifier_t notifier);
/* Milliseconds. */
CNRT_API cnrtRet_t cnrtNotifierElapsedTime(cnrtNotifier_t start, cnrtNotifier_t end, float *ms);
/* Legacy: MICROseconds. */
CNRT_API cnrtRet_t cnrtNotifierDuration(cnrtNotifier_t start, cnrtNotifier_t end, float *us);

#ifdef __cplusplus
}
#endif
#endif /* KX_CAMBRICON_CNRT_H */
