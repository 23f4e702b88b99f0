/*
 * CNRT runtime on the emulator core: devices, memory, copies (CNRT's own
 * direction enum, queue before direction), queues, notifiers, errors.
 */
#include "cambricon_internal.h"

#include <stdio.h>
#include <stdlib.h>

const kx_dialect kx_dialect_info = { "cambricon", "MLU_VISIBLE_DEVICES" };

static __thread cnrtRet_t last_error = cnrtSuccess;

/* What "not yet complete" is: CNRT 6.0 says cnrtErrorBusy, newer CNRT cnrtErrorNotReady. */
static cnrtRet_t pending_code = cnrtErrorBusy;

/* Emulator control: which of the two "pending" codes queries return (returns 0, or -1 for another code). */
CNRT_API int kuaxin_emu_cnrt_set_pending_code(int code)
{
    if (code != cnrtErrorBusy && code != cnrtErrorNotReady) return -1;
    pending_code = (cnrtRet_t)code;
    return 0;
}

cnrtRet_t cnrt_fail(cnrtRet_t code, const char *fn, const char *what)
{
    last_error = code;
    if (getenv("KUAXIN_EMU_TRACE")) fprintf(stderr, "[kuaxin-emu-cambricon] %s: %s (%d)\n", fn, what, code);
    return code;
}

cnrtRet_t cnrt_from_kx(int kx)
{
    switch (kx) {
    case KX_OK: return cnrtSuccess;
    case KX_ERR_OUT_OF_MEMORY: return cnrtErrorNoMem;
    case KX_ERR_INVALID_DEVICE: return cnrtErrorDeviceInvalid;
    case KX_ERR_NO_DEVICE: return cnrtErrorNoDevice;
    case KX_ERR_NOT_READY: return pending_code;
    case KX_ERR_ILLEGAL_ADDRESS: case KX_ERR_INTERNAL: return cnrtErrorSys;
    default: return cnrtErrorArgsInvalid;
    }
}


#define CNRT_ENTRY()                                                            \
    do {                                                                        \
        int f_ = kx_fault_check(__func__);                                      \
        if (f_ != 0) return cnrt_fail((cnrtRet_t)f_, __func__, "injected fault"); \
    } while (0)
#define CNRT_CHECK_KX(call, what)                                               \
    do {                                                                        \
        int rc_ = (call);                                                       \
        if (rc_) return cnrt_fail(cnrt_from_kx(rc_), __func__, what);           \
    } while (0)

CNRT_API const char *cnrtGetErrorStr(cnrtRet_t ret)
{
    switch (ret) {
    case cnrtSuccess: return "No error";
    case cnrtErrorBusy: return "Device busy: work not yet complete";
    case cnrtErrorNotReady: return "The device or resource requested is busy now";
    case cnrtErrorInit: return "CNRT initialization failed";
    case cnrtErrorSysNoMem: return "Insufficient host memory";
    case cnrtErrorNoAttribute: return "The queried attribute does not exist";
    case cnrtErrorArgsInvalid: return "Invalid argument";
    case cnrtErrorNoDevice: return "No MLU device available";
    case cnrtErrorDeviceInvalid: return "Invalid device ordinal";
    case cnrtErrorNoMem: return "Out of device memory";
    case cnrtErrorSys: return "System or driver error";
    default: return "Unknown CNRT error";
    }
}

CNRT_API const char *cnrtGetErrorName(cnrtRet_t ret)
{
    switch (ret) {
    case cnrtSuccess: return "cnrtSuccess";
    case cnrtErrorBusy: return "cnrtErrorBusy";
    case cnrtErrorNotReady: return "cnrtErrorNotReady";
    case cnrtErrorInit: return "cnrtErrorInit";
    case cnrtErrorSysNoMem: return "cnrtErrorSysNoMem";
    case cnrtErrorNoAttribute: return "cnrtErrorNoAttribute";
    case cnrtErrorArgsInvalid: return "cnrtErrorArgsInvalid";
    case cnrtErrorNoDevice: return "cnrtErrorNoDevice";
    case cnrtErrorDeviceInvalid: return "cnrtErrorDeviceInvalid";
    case cnrtErrorNoMem: return "cnrtErrorNoMem";
    case cnrtErrorSys: return "cnrtErrorSys";
    default: return "cnrtErrorUnknown";
    }
}

CNRT_API cnrtRet_t cnrtGetLastError(void)
{
    cnrtRet_t e = last_error;
    last_error = cnrtSuccess;
    return e;
}

/* ---- devices ---- */
CNRT_API cnrtRet_t cnrtGetDeviceCount(unsigned int *count)
{
    CNRT_ENTRY();
    if (!count) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "count is NULL");
    *count = (unsigned)kx_device_count();
    return *count ? cnrtSuccess : cnrt_fail(cnrtErrorNoDevice, __func__, "no visible device");
}

CNRT_API cnrtRet_t cnrtSetDevice(int device)
{
    CNRT_ENTRY();
    CNRT_CHECK_KX(kx_set_current_device(device), "device out of range");
    return cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtGetDevice(int *device)
{
    CNRT_ENTRY();
    if (!device) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "device is NULL");
    if (kx_current_physical() < 0) return cnrt_fail(cnrtErrorNoDevice, __func__, "no visible device");
    *device = kx_get_current_device();
    return cnrtSuccess;
}

static int current(int *phys)
{
    *phys = kx_current_physical();
    return *phys >= 0;
}

CNRT_API cnrtRet_t cnrtSyncDevice(void)
{
    CNRT_ENTRY();
    int phys;
    if (!current(&phys)) return cnrt_fail(cnrtErrorNoDevice, __func__, "no visible device");
    CNRT_CHECK_KX(kx_device_sync(phys), "asynchronous error on the device");
    return cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtGetDeviceProperties(cnrtDeviceProp_t *prop, int device)
{
    CNRT_ENTRY();
    int phys = kx_logical_to_physical(device);
    if (!prop) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "prop is NULL");
    if (phys < 0) return cnrt_fail(cnrtErrorDeviceInvalid, __func__, "device not visible");
    kx_device_name(phys, prop->name, sizeof prop->name);   /* only name[] is written */
    return cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtDeviceGetAttribute(int *value, cnrtDeviceAttr_t attr, int device)
{
    CNRT_ENTRY();
    if (!value) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "value is NULL");
    if (kx_logical_to_physical(device) < 0) return cnrt_fail(cnrtErrorDeviceInvalid, __func__, "device not visible");
    switch (attr) {
    case cnrtAttrClusterCount: *value = 8; return cnrtSuccess;      /* an MLU370-like shape */
    case cnrtAttrMcorePerCluster: *value = 4; return cnrtSuccess;
    /* 0 is no attribute (the enumeration starts at 0x01): a binding with the old guessed numbers fails here. */
    default: return cnrt_fail(cnrtErrorNoAttribute, __func__, "unsupported attribute");
    }
}

CNRT_API cnrtRet_t cnrtMemGetInfo(size_t *free, size_t *total)
{
    CNRT_ENTRY();
    int phys;
    if (!free || !total) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "free/total is NULL");
    if (!current(&phys)) return cnrt_fail(cnrtErrorNoDevice, __func__, "no visible device");
    CNRT_CHECK_KX(kx_mem_info(phys, free, total), "mem info");
    return cnrtSuccess;
}

/* ---- memory ---- */
CNRT_API cnrtRet_t cnrtMalloc(void **ptr, size_t bytes)
{
    CNRT_ENTRY();
    int phys;
    if (!ptr || bytes == 0) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "ptr NULL or size 0");
    if (!current(&phys)) return cnrt_fail(cnrtErrorNoDevice, __func__, "no visible device");
    int rc = kx_dev_malloc(phys, bytes, ptr);
    if (rc) { *ptr = NULL; return cnrt_fail(cnrt_from_kx(rc), __func__, "allocation failed"); }
    return cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtFree(void *ptr)
{
    CNRT_ENTRY();
    if (!ptr) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "ptr is NULL");
    CNRT_CHECK_KX(kx_dev_free(ptr), "not the base of a live device allocation");
    return cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtHostMalloc(void **ptr, size_t bytes)
{
    CNRT_ENTRY();
    if (!ptr || bytes == 0) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "ptr NULL or size 0");
    CNRT_CHECK_KX(kx_host_alloc(bytes, ptr), "host allocation failed");
    return cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtFreeHost(void *ptr)
{
    CNRT_ENTRY();
    if (!ptr) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "ptr is NULL");
    CNRT_CHECK_KX(kx_host_free(ptr), "not a live cnrtHostMalloc allocation");
    return cnrtSuccess;
}

/* ---- copies ---- */
/* Maps dir (CNRT order: H2D 0, D2D 1, D2H 2, H2H 3, P2P 4, none 5) to the
 * core's endpoint kinds; the core checks the addresses against them. */
static cnrtRet_t kinds(const char *fn, cnrtMemTransDir_t dir, int *dk, int *sk)
{
    switch (dir) {
    case cnrtMemcpyHostToDev: *dk = KX_MEM_DEVICE; *sk = KX_MEM_HOST; return cnrtSuccess;
    case cnrtMemcpyDevToDev: case cnrtMemcpyPeerToPeer: *dk = KX_MEM_DEVICE; *sk = KX_MEM_DEVICE; return cnrtSuccess;
    case cnrtMemcpyDevToHost: *dk = KX_MEM_HOST; *sk = KX_MEM_DEVICE; return cnrtSuccess;
    case cnrtMemcpyHostToHost: *dk = KX_MEM_HOST; *sk = KX_MEM_HOST; return cnrtSuccess;
    case cnrtMemcpyNoDirection: *dk = KX_MEM_INFER; *sk = KX_MEM_INFER; return cnrtSuccess;   /* inferred (I) */
    default: return cnrt_fail(cnrtErrorArgsInvalid, fn, "bad cnrtMemTransDir_t");
    }
}

static cnrtRet_t copy(const char *fn, void *dst, void *src, size_t bytes, cnrtQueue_t queue, cnrtMemTransDir_t dir,
                      int async)
{
    int dk = KX_MEM_INFER, sk = KX_MEM_INFER, st = KX_OK;
    if (bytes == 0) return cnrtSuccess;
    cnrtRet_t e = kinds(fn, dir, &dk, &sk);
    if (e) return e;
    kx_stream *s = kx_stream_resolve(queue, &st);
    if (!s) return cnrt_fail(cnrtErrorArgsInvalid, fn, "queue is not live");
    int rc = kx_copy(dst, dk, src, sk, bytes, s, async);
    return rc ? cnrt_fail(cnrt_from_kx(rc), fn, "direction does not match the addresses, or range not live") : cnrtSuccess;
}

/* Synchronous: waits for the copy and earlier work on the default queue only. */
CNRT_API cnrtRet_t cnrtMemcpy(void *dst, void *src, size_t bytes, cnrtMemTransDir_t dir)
{
    CNRT_ENTRY();
    return copy(__func__, dst, src, bytes, NULL, dir, 0);
}

CNRT_API cnrtRet_t cnrtMemcpyAsync(void *dst, void *src, size_t bytes, cnrtQueue_t queue, cnrtMemTransDir_t dir)
{
    CNRT_ENTRY();
    return copy(__func__, dst, src, bytes, queue, dir, 1);
}

CNRT_API cnrtRet_t cnrtMemcpyAsync_V2(void *dst, void *src, size_t bytes, cnrtQueue_t queue, cnrtMemTransDir_t dir)
{
    CNRT_ENTRY();
    return copy(__func__, dst, src, bytes, queue, dir, 1);
}

CNRT_API cnrtRet_t cnrtMemcpyAsync_V3(void *dst, void *src, size_t bytes, cnrtQueue_t queue, cnrtMemTransDir_t dir)
{
    CNRT_ENTRY();
    return copy(__func__, dst, src, bytes, queue, dir, 1);
}

static cnrtRet_t set(const char *fn, void *ptr, int value, size_t bytes, cnrtQueue_t queue, int async)
{
    int st = KX_OK;
    kx_stream *s = kx_stream_resolve(queue, &st);
    if (!s) return cnrt_fail(cnrtErrorArgsInvalid, fn, "queue is not live");
    int rc = kx_memset(ptr, value, bytes, s, async);
    return rc ? cnrt_fail(cnrt_from_kx(rc), fn, "not live device memory") : cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtMemset(void *ptr, int value, size_t bytes)
{
    CNRT_ENTRY();
    return set(__func__, ptr, value, bytes, NULL, 0);
}

CNRT_API cnrtRet_t cnrtMemsetAsync(void *ptr, int value, size_t bytes, cnrtQueue_t queue)
{
    CNRT_ENTRY();
    return set(__func__, ptr, value, bytes, queue, 1);
}

/* ---- queues ---- */
CNRT_API cnrtRet_t cnrtQueueCreate(cnrtQueue_t *queue)
{
    CNRT_ENTRY();
    int phys;
    if (!queue) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "queue is NULL");
    if (!current(&phys)) return cnrt_fail(cnrtErrorNoDevice, __func__, "no visible device");
    CNRT_CHECK_KX(kx_stream_create(phys, 0, (kx_stream **)queue), "cannot create queue");
    return cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtQueueDestroy(cnrtQueue_t queue)
{
    CNRT_ENTRY();
    if (!queue) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "queue is NULL");
    CNRT_CHECK_KX(kx_stream_destroy((kx_stream *)queue), "not a live queue");
    return cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtQueueSync(cnrtQueue_t queue)
{
    CNRT_ENTRY();
    int st = KX_OK;
    kx_stream *s = kx_stream_resolve(queue, &st);
    if (!s) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "queue is not live");
    CNRT_CHECK_KX(kx_stream_sync(s), "asynchronous error on the queue");
    return cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtQueueWaitNotifier(cnrtNotifier_t notifier, cnrtQueue_t queue, unsigned int flag)
{
    CNRT_ENTRY();
    int st = KX_OK;
    kx_stream *s = kx_stream_resolve(queue, &st);
    if (!s || !kx_event_is_live(notifier) || flag != 0)
        return cnrt_fail(cnrtErrorArgsInvalid, __func__, "queue/notifier not live or flag != 0");
    CNRT_CHECK_KX(kx_stream_wait_event(s, (kx_event *)notifier), "wait failed");
    return cnrtSuccess;
}

/* ---- notifiers ---- */
CNRT_API cnrtRet_t cnrtNotifierCreate(cnrtNotifier_t *notifier)
{
    CNRT_ENTRY();
    int phys;
    if (!notifier) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "notifier is NULL");
    if (!current(&phys)) return cnrt_fail(cnrtErrorNoDevice, __func__, "no visible device");
    CNRT_CHECK_KX(kx_event_create(phys, 0, (kx_event **)notifier), "cannot create notifier");
    return cnrtSuccess;
}

#define LIVE_NOTIFIER(n) \
    if (!kx_event_is_live(n)) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "notifier is not live")

CNRT_API cnrtRet_t cnrtNotifierDestroy(cnrtNotifier_t notifier)
{
    CNRT_ENTRY();
    LIVE_NOTIFIER(notifier);
    CNRT_CHECK_KX(kx_event_destroy((kx_event *)notifier), "destroy failed");
    return cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtPlaceNotifier(cnrtNotifier_t notifier, cnrtQueue_t queue)
{
    CNRT_ENTRY();
    LIVE_NOTIFIER(notifier);
    int st = KX_OK;
    kx_stream *s = kx_stream_resolve(queue, &st);
    if (!s) return cnrt_fail(cnrtErrorArgsInvalid, __func__, "queue is not live");
    CNRT_CHECK_KX(kx_event_record((kx_event *)notifier, s), "place failed");
    return cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtWaitNotifier(cnrtNotifier_t notifier)
{
    CNRT_ENTRY();
    LIVE_NOTIFIER(notifier);
    CNRT_CHECK_KX(kx_event_sync((kx_event *)notifier), "wait failed");
    return cnrtSuccess;
}

/* Busy is a status, not an error: it does not set the last error. */
CNRT_API cnrtRet_t cnrtQueryNotifier(cnrtNotifier_t notifier)
{
    CNRT_ENTRY();
    LIVE_NOTIFIER(notifier);
    int rc = kx_event_query((kx_event *)notifier);
    return rc == KX_ERR_NOT_READY ? pending_code : rc ? cnrt_fail(cnrt_from_kx(rc), __func__, "query failed") : cnrtSuccess;
}

static cnrtRet_t elapsed(const char *fn, cnrtNotifier_t a, cnrtNotifier_t b, float *ms)
{
    if (!ms || !kx_event_is_live(a) || !kx_event_is_live(b)) return cnrt_fail(cnrtErrorArgsInvalid, fn, "bad argument");
    int rc = kx_event_elapsed_ms(ms, (kx_event *)a, (kx_event *)b);
    return rc ? cnrt_fail(cnrt_from_kx(rc), fn, "notifiers not both placed and complete") : cnrtSuccess;
}

CNRT_API cnrtRet_t cnrtNotifierElapsedTime(cnrtNotifier_t start, cnrtNotifier_t end, float *ms)
{
    CNRT_ENTRY();
    return elapsed(__func__, start, end, ms);
}

CNRT_API cnrtRet_t cnrtNotifierDuration(cnrtNotifier_t start, cnrtNotifier_t end, float *us)
{
    CNRT_ENTRY();
    cnrtRet_t e = elapsed(__func__, start, end, us);
    if (e == cnrtSuccess) *us *= 1000.0f;                     /* legacy unit: microseconds */
    return e;
}
