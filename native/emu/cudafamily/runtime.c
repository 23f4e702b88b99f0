/*
 * runtime.c - the CUDA-family runtime API (cuda*, hip*, musa*, supa*) over
 * the emulator core. Every entry point: fault check, argument checks, core
 * call, status mapping, and the thread's "last error" like the vendor's.
 */
#include "dialect.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

const kx_dialect kx_dialect_info = {KX_DIALECT_NAME, KX_VISIBLE_ENV};

static __thread kx_rt_error t_last_error;    /* RT(GetLastError) returns and clears it */
static atomic_int g_driver_init;

void kx_rt_touch(void) { atomic_store(&g_driver_init, 1); }
int kx_rt_driver_initialised(void) { return atomic_load(&g_driver_init); }

static void reset_hook(void) {
    t_last_error = RT(Success);
    atomic_store(&g_driver_init, 0);
}

static pthread_once_t g_hook_once = PTHREAD_ONCE_INIT;
static void register_hook(void) { kx_on_reset(reset_hook); }

kx_rt_error kx_rt_map(int st) {
    switch (st) {
    case KX_OK: return RT(Success);
    case KX_ERR_INVALID_VALUE: return RT(ErrorInvalidValue);
    case KX_ERR_OUT_OF_MEMORY: return RT(ErrorMemoryAllocation);
    case KX_ERR_INVALID_DEVICE: return RT(ErrorInvalidDevice);
    case KX_ERR_NO_DEVICE: return RT(ErrorNoDevice);
    case KX_ERR_INVALID_HANDLE: return RT(ErrorInvalidResourceHandle);
    case KX_ERR_NOT_READY: return RT(ErrorNotReady);
    /* CUDA reports elapsed-time on an unrecorded or non-timing event as a bad handle. */
    case KX_ERR_NOT_RECORDED: return RT(ErrorInvalidResourceHandle);
    case KX_ERR_TIMING_DISABLED: return RT(ErrorInvalidResourceHandle);
    case KX_ERR_ILLEGAL_ADDRESS: return RT(ErrorIllegalAddress);
    case KX_ERR_NOT_SUPPORTED: return RT(ErrorNotSupported);
    default: return RT(ErrorUnknown);
    }
}

/* Records failures (not "not ready", which is an answer) as the last error. */
static kx_rt_error ret(kx_rt_error e) {
    if (e != RT(Success) && e != RT(ErrorNotReady)) t_last_error = e;
    return e;
}

#define RET_ST(st) return ret(kx_rt_map(st))

/* Entry: init, reset hook, fault injection (the injected code also becomes the last error). */
#define ENTER()                                                    \
    do {                                                           \
        kx_init();                                                 \
        kx_rt_touch();                                             \
        pthread_once(&g_hook_once, register_hook);                 \
        int f_ = kx_fault_check(__func__);                         \
        if (f_ != 0) return ret((kx_rt_error)f_);                  \
    } while (0)

/* Physical index of the current device, or return "no device". */
#define CURRENT_PHYS(var)                                          \
    int var = kx_current_physical();                               \
    if (var < 0) RET_ST(KX_ERR_NO_DEVICE)

/* Declares var as the emulator stream behind handle (kx_stream_resolve), or returns the status of a
 * bad handle. */
#define STREAM_OR_RETURN(var, handle)                                \
    int var##_st;                                                    \
    kx_stream *var = kx_stream_resolve((void *)(handle), &var##_st); \
    if (var == NULL) RET_ST(var##_st)

/* ------------------------------------------------------------------------- */
/* Devices                                                                   */
/* ------------------------------------------------------------------------- */

KX_EXPORT kx_rt_error RT(GetDeviceCount)(int *count) {
    ENTER();
    if (count == NULL) RET_ST(KX_ERR_INVALID_VALUE);
    *count = kx_device_count();
    if (*count == 0) RET_ST(KX_ERR_NO_DEVICE);      /* as CUDA: count 0 *and* an error */
    return RT(Success);
}

KX_EXPORT kx_rt_error RT(SetDevice)(int device) {
    ENTER();
    if (kx_device_count() == 0) RET_ST(KX_ERR_NO_DEVICE);
    RET_ST(kx_set_current_device(device));
}

KX_EXPORT kx_rt_error RT(GetDevice)(int *device) {
    ENTER();
    if (device == NULL) RET_ST(KX_ERR_INVALID_VALUE);
    if (kx_device_count() == 0) RET_ST(KX_ERR_NO_DEVICE);
    *device = kx_get_current_device();
    return RT(Success);
}

KX_EXPORT kx_rt_error RT(DeviceSynchronize)(void) {
    ENTER();
    CURRENT_PHYS(phys);
    RET_ST(kx_device_sync(phys));
}

KX_EXPORT kx_rt_error RT(MemGetInfo)(size_t *free_bytes, size_t *total_bytes) {
    ENTER();
    if (free_bytes == NULL || total_bytes == NULL) RET_ST(KX_ERR_INVALID_VALUE);
    CURRENT_PHYS(phys);
    RET_ST(kx_mem_info(phys, free_bytes, total_bytes));
}

/* Emulated properties: a small, fixed, plausible device per dialect. */
KX_EXPORT kx_rt_error RT(DeviceGetAttribute)(int *value, KX_DEVATTR_T attr, int device) {
    ENTER();
    if (value == NULL) RET_ST(KX_ERR_INVALID_VALUE);
    int phys = kx_logical_to_physical(device);
    if (phys < 0) RET_ST(kx_device_count() == 0 ? KX_ERR_NO_DEVICE : KX_ERR_INVALID_DEVICE);
    switch ((int)attr) {
#if defined(KX_DIALECT_HIP)
    case hipDeviceAttributeMaxThreadsPerBlock: *value = 1024; break;
    case hipDeviceAttributeWarpSize: *value = 64; break;              /* AMD/Hygon wavefront */
    case hipDeviceAttributeMultiprocessorCount: *value = 8; break;
    case hipDeviceAttributeComputeCapabilityMajor: *value = 9; break; /* gfx9xx-like */
    case hipDeviceAttributeComputeCapabilityMinor: *value = 0; break;
    case hipDeviceAttributeTotalGlobalMem: {
        size_t total = 0;
        kx_mem_info(phys, NULL, &total);
        *value = total > INT_MAX ? INT_MAX : (int)total;             /* an int attribute */
        break;
    }
#else
    case RT(DevAttrMaxThreadsPerBlock): *value = 1024; break;
    case RT(DevAttrWarpSize): *value = 32; break;
    case RT(DevAttrMultiProcessorCount): *value = 8; break;
    case RT(DevAttrComputeCapabilityMajor): *value = 8; break;
    case RT(DevAttrComputeCapabilityMinor): *value = 0; break;
#endif
    default: RET_ST(KX_ERR_INVALID_VALUE);
    }
    return RT(Success);
}

#if defined(KX_DIALECT_HIP)
KX_EXPORT hipError_t hipInit(unsigned int flags) {
    ENTER();
    if (flags != 0) RET_ST(KX_ERR_INVALID_VALUE);
    return hipSuccess;
}

KX_EXPORT hipError_t hipDeviceGet(hipDevice_t *device, int ordinal) {
    ENTER();
    if (device == NULL) RET_ST(KX_ERR_INVALID_VALUE);
    if (kx_logical_to_physical(ordinal) < 0) RET_ST(KX_ERR_INVALID_DEVICE);
    *device = ordinal;
    return hipSuccess;
}

KX_EXPORT hipError_t hipDeviceGetName(char *name, int len, hipDevice_t device) {
    ENTER();
    if (name == NULL || len <= 0) RET_ST(KX_ERR_INVALID_VALUE);
    int phys = kx_logical_to_physical(device);
    if (phys < 0) RET_ST(KX_ERR_INVALID_DEVICE);
    kx_device_name(phys, name, (size_t)len);
    return hipSuccess;
}

KX_EXPORT hipError_t hipDeviceTotalMem(size_t *bytes, hipDevice_t device) {
    ENTER();
    if (bytes == NULL) RET_ST(KX_ERR_INVALID_VALUE);
    int phys = kx_logical_to_physical(device);
    if (phys < 0) RET_ST(KX_ERR_INVALID_DEVICE);
    RET_ST(kx_mem_info(phys, NULL, bytes));
}
#endif

/* ------------------------------------------------------------------------- */
/* Memory                                                                    */
/* ------------------------------------------------------------------------- */

KX_EXPORT kx_rt_error RT(Malloc)(void **ptr, size_t size) {
    ENTER();
    if (ptr == NULL) RET_ST(KX_ERR_INVALID_VALUE);
    CURRENT_PHYS(phys);
    RET_ST(kx_dev_malloc(phys, size, ptr));
}

KX_EXPORT kx_rt_error RT(Free)(void *ptr) {
    ENTER();
    RET_ST(kx_dev_free(ptr));
}

/* Pinned host memory: HIP spells it hipHostMalloc(ptr, size, flags) / hipHostFree. */
#if defined(KX_DIALECT_HIP)
KX_EXPORT hipError_t hipHostMalloc(void **ptr, size_t size, unsigned int flags) {
    ENTER();
    if (ptr == NULL) RET_ST(KX_ERR_INVALID_VALUE);
    if (flags & ~0xfu) RET_ST(KX_ERR_INVALID_VALUE);   /* Default/Portable/Mapped/WriteCombined */
    RET_ST(kx_host_alloc(size, ptr));
}

KX_EXPORT hipError_t hipHostFree(void *ptr) {
    ENTER();
    RET_ST(kx_host_free(ptr));
}
#else
KX_EXPORT kx_rt_error RT(MallocHost)(void **ptr, size_t size) {
    ENTER();
    if (ptr == NULL) RET_ST(KX_ERR_INVALID_VALUE);
    RET_ST(kx_host_alloc(size, ptr));
}

KX_EXPORT kx_rt_error RT(FreeHost)(void *ptr) {
    ENTER();
    RET_ST(kx_host_free(ptr));
}
#endif

/* Memcpy kinds -> where each side lives; -1 for an unknown kind. */
static int kind_sides(int kind, int *dst, int *src) {
    switch (kind) {
    case RT(MemcpyHostToHost): *dst = KX_MEM_HOST; *src = KX_MEM_HOST; return 0;
    case RT(MemcpyHostToDevice): *dst = KX_MEM_DEVICE; *src = KX_MEM_HOST; return 0;
    case RT(MemcpyDeviceToHost): *dst = KX_MEM_HOST; *src = KX_MEM_DEVICE; return 0;
    case RT(MemcpyDeviceToDevice): *dst = KX_MEM_DEVICE; *src = KX_MEM_DEVICE; return 0;
    case RT(MemcpyDefault): *dst = KX_MEM_INFER; *src = KX_MEM_INFER; return 0;
    default: return -1;
    }
}

static kx_rt_error do_copy(void *dst, const void *src, size_t n, int kind, kx_rt_stream stream, int async) {
    int dk, sk;
    if (kind_sides(kind, &dk, &sk) != 0) return ret(RT(ErrorInvalidMemcpyDirection));
    STREAM_OR_RETURN(s, stream);
    RET_ST(kx_copy(dst, dk, src, sk, n, s, async));
}

KX_EXPORT kx_rt_error RT(Memcpy)(void *dst, const void *src, size_t count, KX_MEMCPY_KIND_T kind) {
    ENTER();
    return do_copy(dst, src, count, (int)kind, NULL, 0);
}

KX_EXPORT kx_rt_error RT(MemcpyAsync)(void *dst, const void *src, size_t count, KX_MEMCPY_KIND_T kind,
                                      kx_rt_stream stream) {
    ENTER();
    return do_copy(dst, src, count, (int)kind, stream, 1);
}

static kx_rt_error do_memset(void *dst, int value, size_t n, kx_rt_stream stream) {
    STREAM_OR_RETURN(s, stream);
    /* Both forms are asynchronous for device memory (CUDA docs); ordering does the rest. */
    RET_ST(kx_memset(dst, value, n, s, 1));
}

KX_EXPORT kx_rt_error RT(Memset)(void *dst, int value, size_t count) {
    ENTER();
    return do_memset(dst, value, count, NULL);
}

KX_EXPORT kx_rt_error RT(MemsetAsync)(void *dst, int value, size_t count, kx_rt_stream stream) {
    ENTER();
    return do_memset(dst, value, count, stream);
}

/* ------------------------------------------------------------------------- */
/* Streams                                                                   */
/* ------------------------------------------------------------------------- */

static kx_rt_error stream_create(kx_rt_stream *out, unsigned flags) {
    if (out == NULL || flags > 1u) RET_ST(KX_ERR_INVALID_VALUE);   /* Default 0, NonBlocking 1 */
    CURRENT_PHYS(phys);
    kx_stream *s;
    int st = kx_stream_create(phys, flags, &s);
    if (st == KX_OK) *out = (kx_rt_stream)s;
    RET_ST(st);
}

KX_EXPORT kx_rt_error RT(StreamCreate)(kx_rt_stream *stream) {
    ENTER();
    return stream_create(stream, 0);
}

KX_EXPORT kx_rt_error RT(StreamCreateWithFlags)(kx_rt_stream *stream, unsigned int flags) {
    ENTER();
    return stream_create(stream, flags);
}

KX_EXPORT kx_rt_error RT(StreamDestroy)(kx_rt_stream stream) {
    ENTER();
    RET_ST(kx_stream_destroy((kx_stream *)stream));   /* NULL / default: invalid handle */
}

KX_EXPORT kx_rt_error RT(StreamSynchronize)(kx_rt_stream stream) {
    ENTER();
    STREAM_OR_RETURN(s, stream);
    RET_ST(kx_stream_sync(s));
}

KX_EXPORT kx_rt_error RT(StreamQuery)(kx_rt_stream stream) {
    ENTER();
    STREAM_OR_RETURN(s, stream);
    RET_ST(kx_stream_query(s));
}

KX_EXPORT kx_rt_error RT(StreamWaitEvent)(kx_rt_stream stream, kx_rt_event event, unsigned int flags) {
    ENTER();
    if (flags != 0) RET_ST(KX_ERR_INVALID_VALUE);
    STREAM_OR_RETURN(s, stream);
    RET_ST(kx_stream_wait_event(s, (kx_event *)event));
}

/* ------------------------------------------------------------------------- */
/* Events                                                                    */
/* ------------------------------------------------------------------------- */

static kx_rt_error event_create(kx_rt_event *out, unsigned flags) {
    /* Default 0, BlockingSync 1, DisableTiming 2, Interprocess 4 (needs DisableTiming). */
    if (out == NULL || (flags & ~0x7u) || ((flags & 0x4u) && !(flags & 0x2u))) RET_ST(KX_ERR_INVALID_VALUE);
    CURRENT_PHYS(phys);
    kx_event *e;
    int st = kx_event_create(phys, (flags & 0x2u) ? KX_EVENT_DISABLE_TIMING : 0u, &e);
    if (st == KX_OK) *out = (kx_rt_event)e;
    RET_ST(st);
}

KX_EXPORT kx_rt_error RT(EventCreate)(kx_rt_event *event) {
    ENTER();
    return event_create(event, 0);
}

KX_EXPORT kx_rt_error RT(EventCreateWithFlags)(kx_rt_event *event, unsigned int flags) {
    ENTER();
    return event_create(event, flags);
}

KX_EXPORT kx_rt_error RT(EventRecord)(kx_rt_event event, kx_rt_stream stream) {
    ENTER();
    STREAM_OR_RETURN(s, stream);
    RET_ST(kx_event_record((kx_event *)event, s));
}

KX_EXPORT kx_rt_error RT(EventQuery)(kx_rt_event event) {
    ENTER();
    RET_ST(kx_event_query((kx_event *)event));
}

KX_EXPORT kx_rt_error RT(EventSynchronize)(kx_rt_event event) {
    ENTER();
    RET_ST(kx_event_sync((kx_event *)event));
}

KX_EXPORT kx_rt_error RT(EventElapsedTime)(float *ms, kx_rt_event start, kx_rt_event end) {
    ENTER();
    RET_ST(kx_event_elapsed_ms(ms, (kx_event *)start, (kx_event *)end));
}

KX_EXPORT kx_rt_error RT(EventDestroy)(kx_rt_event event) {
    ENTER();
    RET_ST(kx_event_destroy((kx_event *)event));
}

/* ------------------------------------------------------------------------- */
/* Errors                                                                    */
/* ------------------------------------------------------------------------- */

#if defined(KX_DIALECT_HIP)
/* HIP's primary spellings for the aliased codes. */
#  define NAME_OOM "hipErrorOutOfMemory"
#  define NAME_INIT "hipErrorNotInitialized"
#  define NAME_HANDLE "hipErrorInvalidHandle"
#else
#  define NAME_OOM KX_STR(RT(ErrorMemoryAllocation))
#  define NAME_INIT KX_STR(RT(ErrorInitializationError))
#  define NAME_HANDLE KX_STR(RT(ErrorInvalidResourceHandle))
#endif

/* code, name, text: texts as the CUDA runtime prints them (HIP copies them; MUSA/SUPA: I). */
#define KX_ERROR_TEXTS(X)                                                                          \
    X(RT(Success), KX_STR(RT(Success)), "no error")                                                \
    X(RT(ErrorInvalidValue), KX_STR(RT(ErrorInvalidValue)), "invalid argument")                    \
    X(RT(ErrorMemoryAllocation), NAME_OOM, "out of memory")                                        \
    X(RT(ErrorInitializationError), NAME_INIT, "initialization error")                             \
    X(RT(ErrorInvalidDevicePointer), KX_STR(RT(ErrorInvalidDevicePointer)), "invalid device pointer") \
    X(RT(ErrorInvalidMemcpyDirection), KX_STR(RT(ErrorInvalidMemcpyDirection)),                    \
      "invalid copy direction for memcpy")                                                         \
    X(RT(ErrorNoDevice), KX_STR(RT(ErrorNoDevice)), "no " KX_PLATFORM "-capable device is detected") \
    X(RT(ErrorInvalidDevice), KX_STR(RT(ErrorInvalidDevice)), "invalid device ordinal")            \
    X(RT(ErrorInvalidResourceHandle), NAME_HANDLE, "invalid resource handle")                      \
    X(RT(ErrorNotReady), KX_STR(RT(ErrorNotReady)), "device not ready")                            \
    X(RT(ErrorIllegalAddress), KX_STR(RT(ErrorIllegalAddress)), "an illegal memory access was encountered") \
    X(RT(ErrorNotSupported), KX_STR(RT(ErrorNotSupported)), "operation not supported")             \
    X(RT(ErrorUnknown), KX_STR(RT(ErrorUnknown)), "unknown error")

KX_EXPORT const char *RT(GetErrorString)(kx_rt_error error) {
#define TEXT_CASE(code, name, text) case code: return text;
    switch ((int)error) { KX_ERROR_TEXTS(TEXT_CASE) default: return "unrecognized error code"; }
#undef TEXT_CASE
}

KX_EXPORT const char *RT(GetErrorName)(kx_rt_error error) {
#define NAME_CASE(code, name, text) case code: return name;
    switch ((int)error) { KX_ERROR_TEXTS(NAME_CASE) default: return "unrecognized error code"; }
#undef NAME_CASE
}

KX_EXPORT kx_rt_error RT(GetLastError)(void) {
    kx_init();
    kx_rt_error e = t_last_error;
    t_last_error = RT(Success);
    return e;
}

KX_EXPORT kx_rt_error RT(PeekAtLastError)(void) {
    kx_init();
    return t_last_error;
}
