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

typedef enum {
    cnrtSuccess = 0,
    cnrtErrorBusy = 1,                 /* I: "not yet complete" from cnrtQueryNotifier */
    cnrtErrorArgsInvalid = 100002,     /* I */
    cnrtErrorNoDevice = 100004,        /* U (Rust ABI manifest) */
    cnrtErrorDeviceInvalid = 100010,   /* I */
    cnrtErrorNoMem = 100100,           /* U */
    cnrtErrorSys = 100200              /* I: internal/driver failure */
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

/* Values I; names V (InfiniCore). */
typedef enum {
    cnrtAttrClusterCount = 0,
    cnrtAttrMcorePerCluster = 1
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
/* cnrtSuccess when complete, cnrtErrorBusy while pending. */
CNRT_API cnrtRet_t cnrtQueryNotifier(cnrtNotifier_t notifier);
/* Milliseconds. */
CNRT_API cnrtRet_t cnrtNotifierElapsedTime(cnrtNotifier_t start, cnrtNotifier_t end, float *ms);
/* Legacy: MICROseconds. */
CNRT_API cnrtRet_t cnrtNotifierDuration(cnrtNotifier_t start, cnrtNotifier_t end, float *us);

#ifdef __cplusplus
}
#endif
#endif /* KX_CAMBRICON_CNRT_H */
