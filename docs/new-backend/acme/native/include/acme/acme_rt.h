/* Acme runtime subset bound by Kuaxin. Source: <vendor doc URL> (mark each line V/U/I). */
#ifndef KUAXIN_ACME_RT_H
#define KUAXIN_ACME_RT_H
#include <stddef.h>
typedef int acmeError_t;
#define ACME_SUCCESS 0                /* (V: acme_rt.h) */
#define ACME_ERROR_INVALID_VALUE 1    /* (V: acme_rt.h) */
#define ACME_ERROR_OUT_OF_MEMORY 2    /* (V: acme_rt.h) */
#define ACME_ERROR_NOT_READY 6        /* (V: acme_rt.h) event still pending */
#define ACME_MEMCPY_H2D 1             /* (V: acme_rt.h) */
#define ACME_MEMCPY_D2H 2
#define ACME_MEMCPY_D2D 3
const char *acmeGetErrorString(acmeError_t e);
acmeError_t acmeGetDeviceCount(int *n);
acmeError_t acmeSetDevice(int device);
acmeError_t acmeMemGetInfo(size_t *freeBytes, size_t *totalBytes);
acmeError_t acmeMalloc(void **p, size_t bytes);
acmeError_t acmeFree(void *p);
acmeError_t acmeStreamCreate(void **stream);
acmeError_t acmeStreamDestroy(void *stream);
acmeError_t acmeStreamSynchronize(void *stream);
acmeError_t acmeStreamWaitEvent(void *stream, void *event);
acmeError_t acmeMemcpyAsync(void *dst, const void *src, size_t bytes, int kind, void *stream);
acmeError_t acmeMemsetAsync(void *dst, int value, size_t bytes, void *stream);
acmeError_t acmeEventCreate(void **event);
acmeError_t acmeEventDestroy(void *event);
acmeError_t acmeEventRecord(void *event, void *stream);
acmeError_t acmeEventQuery(void *event);
acmeError_t acmeEventSynchronize(void *event);
acmeError_t acmeEventElapsedTime(float *ms, void *start, void *end);
#endif
