/*
 * AscendCL runtime (libascendcl.so) on the emulator core: init, devices,
 * memory, copies, streams, events, error text.
 */
#include "ascend_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const kx_dialect kx_dialect_info = { "ascend", "ASCEND_RT_VISIBLE_DEVICES" };

/* ---- errors ---- */
static __thread char err_msg[512];
static __thread int err_set;

int acl_fail(int code, const char *fn, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err_msg, sizeof err_msg, "EE9999: %s failed, error code %d: ", fn, code);
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof err_msg) vsnprintf(err_msg + n, sizeof err_msg - (size_t)n, fmt, ap);
    va_end(ap);
    err_set = 1;
    return code;
}

aclError acl_from_kx(int kx)
{
    switch (kx) {
    case KX_OK: return ACL_SUCCESS;
    case KX_ERR_OUT_OF_MEMORY: return ACL_ERROR_RT_MEMORY_ALLOCATION;
    case KX_ERR_INVALID_DEVICE: case KX_ERR_NO_DEVICE: return ACL_ERROR_RT_INVALID_DEVICEID;
    case KX_ERR_ILLEGAL_ADDRESS: return ACL_ERROR_RT_FAILURE;
    case KX_ERR_INTERNAL: return ACL_ERROR_INTERNAL_ERROR;
    case KX_ERR_INVALID_VALUE: case KX_ERR_INVALID_HANDLE: default: return ACL_ERROR_INVALID_PARAM;
    }
}

static aclError fail_kx(int kx, const char *fn, const char *what)
{
    return acl_fail(acl_from_kx(kx), fn, "%s (%s)", what, kx_status_name(kx));
}

/* The thread's last message, or NULL. Reading does not clear it (I). */
ACL_FUNC_VISIBILITY const char *aclGetRecentErrMsg(void)
{
    return err_set ? err_msg : NULL;
}

/* ---- init / devices ---- */
static int initialized;                 /* process-wide, like the real aclInit */
static __thread int thread_device = -1;  /* logical device set on this thread */

static void reset_state(void)
{
    __atomic_store_n(&initialized, 0, __ATOMIC_SEQ_CST);
}

ACL_FUNC_VISIBILITY aclError aclInit(const char *configPath)
{
    ACL_ENTRY(aclError);
    (void)configPath;                   /* the JSON config is not interpreted */
    kx_init();
    static int hooked;
    if (!__atomic_exchange_n(&hooked, 1, __ATOMIC_SEQ_CST)) kx_on_reset(reset_state);
    if (__atomic_exchange_n(&initialized, 1, __ATOMIC_SEQ_CST))
        return acl_fail(ACL_ERROR_REPEAT_INITIALIZE, __func__, "aclInit called twice");
    return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclFinalize(void)
{
    ACL_ENTRY(aclError);
    if (!__atomic_exchange_n(&initialized, 0, __ATOMIC_SEQ_CST))
        return acl_fail(ACL_ERROR_UNINITIALIZE, __func__, "aclInit was not called");
    return ACL_SUCCESS;
}

static aclError require_init(const char *fn)
{
    if (!__atomic_load_n(&initialized, __ATOMIC_SEQ_CST))
        return acl_fail(ACL_ERROR_UNINITIALIZE, fn, "call aclInit first");
    return ACL_SUCCESS;
}

/* Ascend binds a context per thread: every thread that allocates or launches
 * must call aclrtSetDevice first (I: real error is a "context is null" code). */
int acl_require_device(const char *fn, int *phys)
{
    aclError e = require_init(fn);
    if (e) return e;
    if (thread_device < 0 || kx_logical_to_physical(thread_device) < 0)
        return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID, fn,
                        "no device set on this thread: call aclrtSetDevice first");
    *phys = kx_logical_to_physical(thread_device);
    return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetDeviceCount(uint32_t *count)
{
    ACL_ENTRY(aclError);
    if (!count) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "count is NULL");
    *count = (uint32_t)kx_device_count();
    return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSetDevice(int32_t deviceId)
{
    ACL_ENTRY(aclError);
    aclError e = require_init(__func__);
    if (e) return e;
    int rc = kx_set_current_device(deviceId);
    if (rc) return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID, __func__, "device %d not in [0, %d)",
                            deviceId, kx_device_count());
    thread_device = deviceId;
    return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetDevice(int32_t *deviceId)
{
    ACL_ENTRY(aclError);
    if (!deviceId) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "deviceId is NULL");
    if (thread_device < 0)
        return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID, __func__, "no device set on this thread");
    *deviceId = thread_device;
    return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtResetDevice(int32_t deviceId)
{
    ACL_ENTRY(aclError);
    int phys = kx_logical_to_physical(deviceId);
    if (phys < 0) return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID, __func__, "device %d not visible", deviceId);
    int rc = kx_device_sync(phys);
    if (thread_device == deviceId) thread_device = -1;
    return rc ? fail_kx(rc, __func__, "asynchronous error on the device") : ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSynchronizeDevice(void)
{
    ACL_ENTRY(aclError);
    int phys;
    aclError e = acl_require_device(__func__, &phys);
    if (e) return e;
    int rc = kx_device_sync(phys);
    return rc ? fail_kx(rc, __func__, "asynchronous error on the device") : ACL_SUCCESS;
}

/* A real-looking prefix so SoC-family parsing is exercised; the suffix keeps
 * logs honest. kuaxin_emu_name() identifies the emulator too. */
#define ACLX_DEFAULT_SOC "Ascend910B1-kuaxin-emu"
static char soc_name[64] = ACLX_DEFAULT_SOC;

ACL_FUNC_VISIBILITY const char *aclrtGetSocName(void)
{
    if (kx_fault_check(__func__)) return NULL;
    return soc_name;
}

/* Emulator control: the SoC name to report (NULL: the default), so per-SoC rules can be tested. */
ACL_FUNC_VISIBILITY int kuaxin_emu_ascend_set_soc(const char *soc)
{
    if (soc && strlen(soc) >= sizeof soc_name) return -1;
    snprintf(soc_name, sizeof soc_name, "%s", soc ? soc : ACLX_DEFAULT_SOC);
    return 0;
}

/* Ascend 910 (A: Ascend910, 910A, 910ProA, 910ProB, 910PremiumA) and 310P: no FLOAT32 KEEP_DTYPE (I: names). */
int aclx_soc_lacks_fp32_keep_dtype(void)
{
    static const char *old910[] = { "Ascend910", "Ascend910A", "Ascend910ProA", "Ascend910ProB", "Ascend910PremiumA" };
    if (strncmp(soc_name, "Ascend310P", 10) == 0) return 1;
    for (size_t i = 0; i < sizeof old910 / sizeof *old910; i++) {
        size_t n = strlen(old910[i]);
        if (strncmp(soc_name, old910[i], n) == 0 && (soc_name[n] == 0 || soc_name[n] == '-')) return 1;
    }
    return 0;
}

ACL_FUNC_VISIBILITY aclError aclrtGetMemInfo(aclrtMemAttr attr, size_t *free, size_t *total)
{
    ACL_ENTRY(aclError);
    int phys;
    aclError e = acl_require_device(__func__, &phys);
    if (e) return e;
    if (!free || !total) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "free/total is NULL");
    if (attr == ACL_DDR_MEM) {           /* no separate DDR pool on the emulator */
        *free = *total = 0;
        return ACL_SUCCESS;
    }
    if (attr != ACL_HBM_MEM) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "unsupported attr %d", attr);
    return acl_from_kx(kx_mem_info(phys, free, total));
}

ACL_FUNC_VISIBILITY aclError aclrtGetDeviceUtilizationRate(int32_t deviceId, aclrtUtilizationInfo *info)
{
    ACL_ENTRY(aclError);
    int phys = kx_logical_to_physical(deviceId);
    if (phys < 0) return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID, __func__, "device %d not visible", deviceId);
    if (!info || info->utilizationExtend)
        return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "info NULL or utilizationExtend not NULL");
    size_t fr = 0, tot = 0;
    kx_mem_info(phys, &fr, &tot);
    info->cubeUtilization = 0;           /* no load model: idle */
    info->vectorUtilization = 0;
    info->aicpuUtilization = -1;         /* -1 = not supported (documented meaning) */
    info->memoryUtilization = tot ? (int32_t)((tot - fr) * 100 / tot) : 0;
    return ACL_SUCCESS;
}

/* ---- memory ---- */
ACL_FUNC_VISIBILITY aclError aclrtMalloc(void **devPtr, size_t size, aclrtMemMallocPolicy policy)
{
    ACL_ENTRY(aclError);
    int phys;
    aclError e = acl_require_device(__func__, &phys);
    if (e) return e;
    if (!devPtr) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "devPtr is NULL");
    if (size == 0) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "size must be > 0");
    if ((int)policy < 0 || policy > ACL_MEM_MALLOC_HUGE1G_ONLY)
        return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "bad policy %d", policy);
    int rc = kx_dev_malloc(phys, size, devPtr);
    if (rc) {
        *devPtr = NULL;
        return acl_fail(acl_from_kx(rc), __func__, "cannot allocate %zu bytes on device %d (%s)", size,
                        kx_physical_to_logical(phys), kx_status_name(rc));
    }
    return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtFree(void *devPtr)
{
    ACL_ENTRY(aclError);
    if (!devPtr) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "devPtr is NULL");
    int rc = kx_dev_free(devPtr);
    return rc ? fail_kx(rc, __func__, "not the base of a live device allocation") : ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtMallocHost(void **hostPtr, size_t size)
{
    ACL_ENTRY(aclError);
    if (!hostPtr || size == 0) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "hostPtr NULL or size 0");
    int rc = kx_host_alloc(size, hostPtr);
    return rc ? fail_kx(rc, __func__, "host allocation failed") : ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtFreeHost(void *hostPtr)
{
    ACL_ENTRY(aclError);
    if (!hostPtr) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "hostPtr is NULL");
    int rc = kx_host_free(hostPtr);
    return rc ? fail_kx(rc, __func__, "not a live aclrtMallocHost allocation") : ACL_SUCCESS;
}

/* ---- copies ---- */
/* Checks destMax and that the declared kind matches where the addresses
 * live, then hands the copy to the core (which bounds-checks device sides
 * now and again when the worker runs). */
static aclError copy_kinds(const char *fn, void *dst, size_t destMax, const void *src, size_t count,
                           aclrtMemcpyKind kind, int *dk, int *sk)
{
    if (!dst || !src) return acl_fail(ACL_ERROR_INVALID_PARAM, fn, "dst or src is NULL");
    if (count > destMax)
        return acl_fail(ACL_ERROR_INVALID_PARAM, fn, "count %zu exceeds destMax %zu", count, destMax);
    int ddev = kx_is_device_addr(dst), sdev = kx_is_device_addr(src);
    switch (kind) {
    case ACL_MEMCPY_HOST_TO_HOST: *dk = KX_MEM_HOST; *sk = KX_MEM_HOST; break;
    case ACL_MEMCPY_HOST_TO_DEVICE: *dk = KX_MEM_DEVICE; *sk = KX_MEM_HOST; break;
    case ACL_MEMCPY_DEVICE_TO_HOST: *dk = KX_MEM_HOST; *sk = KX_MEM_DEVICE; break;
    case ACL_MEMCPY_DEVICE_TO_DEVICE: *dk = KX_MEM_DEVICE; *sk = KX_MEM_DEVICE; break;
    case ACL_MEMCPY_DEFAULT: *dk = KX_MEM_INFER; *sk = KX_MEM_INFER; return ACL_SUCCESS;
    default: return acl_fail(ACL_ERROR_INVALID_PARAM, fn, "bad aclrtMemcpyKind %d", kind);
    }
    if (ddev != (*dk == KX_MEM_DEVICE) || sdev != (*sk == KX_MEM_DEVICE))
        return acl_fail(ACL_ERROR_INVALID_PARAM, fn, "kind %d does not match the addresses (dst %s, src %s)",
                        kind, ddev ? "device" : "host", sdev ? "device" : "host");
    return ACL_SUCCESS;
}

static aclError do_copy(const char *fn, void *dst, size_t destMax, const void *src, size_t count,
                        aclrtMemcpyKind kind, aclrtStream stream, int async)
{
    int dk = KX_MEM_INFER, sk = KX_MEM_INFER;
    aclError e = copy_kinds(fn, dst, destMax, src, count, kind, &dk, &sk);
    if (e) return e;
    int st = KX_OK;
    kx_stream *s = kx_stream_resolve(stream, &st);
    if (!s) return acl_fail(ACL_ERROR_INVALID_PARAM, fn, "stream %p is not live", stream);
    int rc = kx_copy(dst, dk, src, sk, count, s, async);
    return rc ? fail_kx(rc, fn, "bad copy range") : ACL_SUCCESS;
}

/* Synchronous: returns after the copy and earlier work on the current
 * device's default stream (not other streams: synchronise those yourself). */
ACL_FUNC_VISIBILITY aclError aclrtMemcpy(void *dst, size_t destMax, const void *src, size_t count,
                                         aclrtMemcpyKind kind)
{
    ACL_ENTRY(aclError);
    int phys;
    aclError e = acl_require_device(__func__, &phys);
    if (e) return e;
    if (count == 0) return ACL_SUCCESS;
    return do_copy(__func__, dst, destMax, src, count, kind, NULL, 0);
}

ACL_FUNC_VISIBILITY aclError aclrtMemcpyAsync(void *dst, size_t destMax, const void *src, size_t count,
                                              aclrtMemcpyKind kind, aclrtStream stream)
{
    ACL_ENTRY(aclError);
    int phys;
    aclError e = acl_require_device(__func__, &phys);
    if (e) return e;
    if (count == 0) return ACL_SUCCESS;
    return do_copy(__func__, dst, destMax, src, count, kind, stream, 1);
}

static aclError do_set(const char *fn, void *devPtr, size_t maxCount, int32_t value, size_t count,
                       aclrtStream stream, int async)
{
    if (!devPtr) return acl_fail(ACL_ERROR_INVALID_PARAM, fn, "devPtr is NULL");
    if (count > maxCount) return acl_fail(ACL_ERROR_INVALID_PARAM, fn, "count %zu exceeds maxCount %zu", count, maxCount);
    int st = KX_OK;
    kx_stream *s = kx_stream_resolve(stream, &st);
    if (!s) return acl_fail(ACL_ERROR_INVALID_PARAM, fn, "stream %p is not live", stream);
    int rc = kx_memset(devPtr, value, count, s, async);
    return rc ? fail_kx(rc, fn, "range is not live device memory") : ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtMemset(void *devPtr, size_t maxCount, int32_t value, size_t count)
{
    ACL_ENTRY(aclError);
    int phys;
    aclError e = acl_require_device(__func__, &phys);
    return e ? e : do_set(__func__, devPtr, maxCount, value, count, NULL, 0);
}

ACL_FUNC_VISIBILITY aclError aclrtMemsetAsync(void *devPtr, size_t maxCount, int32_t value, size_t count,
                                              aclrtStream stream)
{
    ACL_ENTRY(aclError);
    int phys;
    aclError e = acl_require_device(__func__, &phys);
    return e ? e : do_set(__func__, devPtr, maxCount, value, count, stream, 1);
}

/* ---- streams ---- */
ACL_FUNC_VISIBILITY aclError aclrtCreateStream(aclrtStream *stream)
{
    ACL_ENTRY(aclError);
    int phys;
    aclError e = acl_require_device(__func__, &phys);
    if (e) return e;
    if (!stream) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "stream is NULL");
    int rc = kx_stream_create(phys, 0, (kx_stream **)stream);
    return rc ? fail_kx(rc, __func__, "cannot create stream") : ACL_SUCCESS;
}

static kx_stream *live_stream(const char *fn, aclrtStream stream, aclError *e)
{
    int st = KX_OK;
    kx_stream *s = kx_stream_resolve(stream, &st);
    *e = s ? ACL_SUCCESS : acl_fail(ACL_ERROR_INVALID_PARAM, fn, "stream %p is not live", stream);
    return s;
}

ACL_FUNC_VISIBILITY aclError aclrtDestroyStream(aclrtStream stream)
{
    ACL_ENTRY(aclError);
    if (!stream) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "stream is NULL");
    int rc = kx_stream_destroy((kx_stream *)stream);
    return rc ? fail_kx(rc, __func__, "not a live stream") : ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSynchronizeStream(aclrtStream stream)
{
    ACL_ENTRY(aclError);
    aclError e;
    kx_stream *s = live_stream(__func__, stream, &e);
    if (!s) return e;
    int rc = kx_stream_sync(s);
    return rc ? fail_kx(rc, __func__, "asynchronous error on the stream") : ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtStreamWaitEvent(aclrtStream stream, aclrtEvent event)
{
    ACL_ENTRY(aclError);
    aclError e;
    kx_stream *s = live_stream(__func__, stream, &e);
    if (!s) return e;
    if (!kx_event_is_live(event)) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "event %p is not live", event);
    return acl_from_kx(kx_stream_wait_event(s, (kx_event *)event));
}

/* ---- events ---- */
ACL_FUNC_VISIBILITY aclError aclrtCreateEvent(aclrtEvent *event)
{
    ACL_ENTRY(aclError);
    int phys;
    aclError e = acl_require_device(__func__, &phys);
    if (e) return e;
    if (!event) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "event is NULL");
    int rc = kx_event_create(phys, 0, (kx_event **)event);
    return rc ? fail_kx(rc, __func__, "cannot create event") : ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtDestroyEvent(aclrtEvent event)
{
    ACL_ENTRY(aclError);
    if (!kx_event_is_live(event)) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "event %p is not live", event);
    return acl_from_kx(kx_event_destroy((kx_event *)event));
}

ACL_FUNC_VISIBILITY aclError aclrtRecordEvent(aclrtEvent event, aclrtStream stream)
{
    ACL_ENTRY(aclError);
    if (!kx_event_is_live(event)) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "event %p is not live", event);
    aclError e;
    kx_stream *s = live_stream(__func__, stream, &e);
    if (!s) return e;
    return acl_from_kx(kx_event_record((kx_event *)event, s));
}

ACL_FUNC_VISIBILITY aclError aclrtSynchronizeEvent(aclrtEvent event)
{
    ACL_ENTRY(aclError);
    if (!kx_event_is_live(event)) return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "event %p is not live", event);
    return acl_from_kx(kx_event_sync((kx_event *)event));
}

ACL_FUNC_VISIBILITY aclError aclrtQueryEventStatus(aclrtEvent event, aclrtEventRecordedStatus *status)
{
    ACL_ENTRY(aclError);
    if (!kx_event_is_live(event) || !status)
        return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "event not live or status NULL");
    int rc = kx_event_query((kx_event *)event);
    *status = rc == KX_OK ? ACL_EVENT_RECORDED_STATUS_COMPLETE : ACL_EVENT_RECORDED_STATUS_NOT_READY;
    return rc == KX_OK || rc == KX_ERR_NOT_READY ? ACL_SUCCESS : acl_from_kx(rc);
}

ACL_FUNC_VISIBILITY aclError aclrtEventElapsedTime(float *ms, aclrtEvent startEvent, aclrtEvent endEvent)
{
    ACL_ENTRY(aclError);
    if (!ms || !kx_event_is_live(startEvent) || !kx_event_is_live(endEvent))
        return acl_fail(ACL_ERROR_INVALID_PARAM, __func__, "ms NULL or event not live");
    int rc = kx_event_elapsed_ms(ms, (kx_event *)startEvent, (kx_event *)endEvent);
    return rc ? fail_kx(rc, __func__, "events not both recorded and complete") : ACL_SUCCESS;
}
