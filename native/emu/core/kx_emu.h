/*
 * kx_emu.h - the emulator core shared by every Kuaxin vendor emulator.
 *
 * Every emulator (libkuaxin-emu-<dialect>.so) links this core statically and adds
 * a thin "dialect" layer that exports the vendor's symbols and maps the core's
 * status codes (kx_status) to the vendor's error codes.
 *
 * What the core models:
 *   - devices: count and memory capacity (env KUAXIN_EMU_DEVICES, KUAXIN_EMU_MEMORY),
 *     filtered through the dialect's *_VISIBLE_DEVICES variable (logical -> physical);
 *   - device memory at fake addresses the host cannot dereference (see kx_translate);
 *   - pinned host memory (real host memory, tracked so leaks are countable);
 *   - streams: one worker thread + FIFO queue each, plus a default stream per device;
 *   - events with real timestamps taken when a stream worker reaches them;
 *   - fault injection (kx_fault_check) and a registry of live handles.
 *
 * Conventions:
 *   - "physical" device = index into the emulated machine (0..KUAXIN_EMU_DEVICES-1);
 *     "logical" device = what the vendor API sees after the visible-devices filter.
 *     Core functions taking `int phys` want a physical index.
 *   - Functions returning int return a kx_status (KX_OK = 0) unless stated otherwise.
 *   - Nothing here aborts or exits; every failure is a return code.
 *   - All functions are thread-safe.
 *
 * Exported symbols: only the kuaxin_emu_* control API (declared at the end) is
 * exported from the .so; the kx_* functions have hidden visibility, so several
 * emulators can be loaded into one process without interposing each other.
 *
 * Stability: this header is shared with the Ascend/Cambricon emulators; add, don't change.
 */
#ifndef KX_EMU_H
#define KX_EMU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks a symbol the emulator exports (vendor API and kuaxin_emu_*). */
#define KX_EXPORT __attribute__((visibility("default")))

/* Everything kx_* is internal to one .so (see "Exported symbols" above). */
#pragma GCC visibility push(hidden)

/* ------------------------------------------------------------------------- */
/* Status codes of the core; each dialect maps them to vendor codes.         */
/* ------------------------------------------------------------------------- */
typedef enum kx_status {
    KX_OK = 0,
    KX_ERR_INVALID_VALUE = 1,     /* bad argument, pointer range not inside an allocation */
    KX_ERR_OUT_OF_MEMORY = 2,     /* device capacity or host memory exhausted */
    KX_ERR_INVALID_DEVICE = 3,    /* device index out of range */
    KX_ERR_NO_DEVICE = 4,         /* zero (visible) devices */
    KX_ERR_INVALID_HANDLE = 5,    /* stream/event/handle not live (never created or destroyed) */
    KX_ERR_NOT_READY = 6,         /* query: work still pending */
    KX_ERR_NOT_RECORDED = 7,      /* elapsed time asked of an event never recorded */
    KX_ERR_TIMING_DISABLED = 8,   /* elapsed time asked of an event created without timing */
    KX_ERR_ILLEGAL_ADDRESS = 9,   /* async: queued work touched memory freed meanwhile */
    KX_ERR_NOT_SUPPORTED = 10,
    KX_ERR_INTERNAL = 11          /* e.g. pthread_create failed */
} kx_status;

/* A short English name of a kx_status ("KX_ERR_OUT_OF_MEMORY"); never NULL. */
const char *kx_status_name(int status);

/* ------------------------------------------------------------------------- */
/* Dialect description: each emulator defines exactly one of these.          */
/* ------------------------------------------------------------------------- */
typedef struct kx_dialect {
    /* Returned by kuaxin_emu_name(), e.g. "cuda", "hip", "ascend". */
    const char *name;
    /* Visible-devices variable, e.g. "CUDA_VISIBLE_DEVICES"; NULL = no filter. */
    const char *visible_env;
} kx_dialect;

/*
 * Defined by the dialect layer (one per .so), read by the core at init:
 *   const kx_dialect kx_dialect_info = { "cuda", "CUDA_VISIBLE_DEVICES" };
 */
extern const kx_dialect kx_dialect_info;

/* ------------------------------------------------------------------------- */
/* Initialisation and devices                                                */
/* ------------------------------------------------------------------------- */

/*
 * Reads the environment once (KUAXIN_EMU_DEVICES, KUAXIN_EMU_MEMORY, the
 * dialect's visible-devices variable, KUAXIN_EMU_FAULTS). Idempotent and cheap
 * after the first call; every other kx_* function calls it implicitly.
 */
void kx_init(void);

/* Number of physical (emulated) devices, before the visible-devices filter. */
int kx_physical_device_count(void);

/* Number of logical (visible) devices; 0 if the filter hides everything. */
int kx_device_count(void);

/* Physical index of a logical device, or -1 if `logical` is out of range. */
int kx_logical_to_physical(int logical);

/* Logical index of a physical device, or -1 if that device is not visible. */
int kx_physical_to_logical(int phys);

/*
 * Parses a visible-devices list the way CUDA does: comma-separated decimal ids;
 * parsing stops at the first invalid entry (not a number, out of [0, ndev),
 * or a repeat), keeping the ids before it. spec == NULL means "all devices";
 * "" means none. Writes up to `max` physical ids to out; returns how many.
 * Exposed for tests; the core applies it to kx_dialect_info.visible_env.
 */
int kx_parse_visible_devices(const char *spec, int ndev, int *out, int max);

/*
 * The calling thread's current device (logical index), default 0. Stream
 * workers run with the current device set to their stream's device.
 */
int kx_get_current_device(void);

/* Sets the calling thread's current device; KX_ERR_INVALID_DEVICE if out of range. */
int kx_set_current_device(int logical);

/*
 * Physical index of the calling thread's current device, or -1 when there is
 * no visible device (dialects then return their "no device" code).
 */
int kx_current_physical(void);

/* Capacity and free bytes of a physical device. */
int kx_mem_info(int phys, size_t *free_bytes, size_t *total_bytes);

/* Emulated device name, e.g. "Kuaxin Emulated cuda Device 0" (logical index in the name). */
void kx_device_name(int phys, char *buf, size_t len);

/* ------------------------------------------------------------------------- */
/* Device memory: fake addresses, bounds-checked translation                 */
/* ------------------------------------------------------------------------- */

/*
 * Fake device addresses: the core reserves one PROT_NONE, MAP_NORESERVE window
 * of KX_MAX_DEVICES << KX_DEVICE_ADDR_SHIFT bytes (16 TiB of address space,
 * no memory), preferably at KX_DEVICE_ADDR_BASE; device `phys` owns
 * [base + (phys << SHIFT), +256 GiB). Nothing else can be mapped there and a
 * host dereference faults, so kx_is_device_addr() is exact. If the preferred
 * base is taken, the kernel picks another one (addresses then differ, the
 * rules do not). Addresses are never reused within a process (until
 * kuaxin_emu_reset), so a use-after-free is caught by kx_translate too.
 * One device can hold at most 256 GiB (more -> KX_ERR_OUT_OF_MEMORY).
 */
#define KX_DEVICE_ADDR_BASE  0x700000000000ULL
#define KX_DEVICE_ADDR_SHIFT 38

/*
 * Allocates `bytes` on a physical device. Capacity is enforced: returns
 * KX_ERR_OUT_OF_MEMORY when the device's used bytes would exceed its limit.
 * bytes == 0 succeeds with *out = NULL (as cudaMalloc does). Allocations are
 * 256-byte aligned and zero-filled (real devices are not; zero is deterministic).
 */
int kx_dev_malloc(int phys, size_t bytes, void **out);

/*
 * Frees an allocation given its exact base address; NULL is a no-op.
 * Anything else (interior pointer, host pointer, double free) is
 * KX_ERR_INVALID_VALUE. Waits for all streams of the owning device first
 * (like cudaFree's implicit synchronisation).
 */
int kx_dev_free(void *addr);

/*
 * Returns the host pointer backing [addr, addr+bytes) if that whole range lies
 * inside ONE live device allocation, else NULL (host pointers, freed memory,
 * out-of-bounds ranges). bytes == 0 checks only that addr is inside or at the
 * end of an allocation. Never faults.
 */
void *kx_translate(const void *addr, size_t bytes);

/* 1 if addr lies in the reserved fake device window (live allocation or not), else 0. */
int kx_is_device_addr(const void *addr);

/* Physical device owning the live allocation containing addr, or -1. */
int kx_addr_device(const void *addr);

/* Number of live device allocations on all devices. */
int64_t kx_dev_live_allocations(void);

/* ------------------------------------------------------------------------- */
/* Pinned host memory                                                        */
/* ------------------------------------------------------------------------- */

/* Allocates real, page-aligned host memory and tracks it; bytes == 0 gives NULL. */
int kx_host_alloc(size_t bytes, void **out);

/* Frees memory from kx_host_alloc; NULL is a no-op; anything else KX_ERR_INVALID_VALUE. */
int kx_host_free(void *ptr);

/* 1 if ptr lies inside a live pinned allocation, else 0. */
int kx_is_pinned(const void *ptr);

/* Number of live pinned host allocations. */
int64_t kx_host_live_allocations(void);

/* ------------------------------------------------------------------------- */
/* Streams                                                                   */
/* ------------------------------------------------------------------------- */
typedef struct kx_stream kx_stream;
typedef struct kx_event kx_event;

/* A unit of queued work; runs on the stream's worker thread. */
typedef void (*kx_task_fn)(void *arg);

/*
 * Creates a stream on a physical device with its own worker thread.
 * `flags` is kept for the dialect (e.g. non-blocking) and not interpreted.
 */
int kx_stream_create(int phys, unsigned flags, kx_stream **out);

/*
 * Destroys a stream: pending work still runs to completion (as in CUDA, where
 * destroy returns at once and the work drains), then the worker exits.
 * Default streams cannot be destroyed (KX_ERR_INVALID_HANDLE).
 */
int kx_stream_destroy(kx_stream *s);

/*
 * Resolves a handle coming from the vendor API: NULL means the default stream
 * of the calling thread's current device (also returns NULL there when no
 * device is visible). Any other value must be a live stream, else NULL and
 * *status = KX_ERR_INVALID_HANDLE. `status` may be NULL.
 * Note: the legacy default stream's implicit synchronisation with other
 * blocking streams is NOT emulated (stricter than the vendor: code that relies
 * on it shows up as a race in tests).
 */
kx_stream *kx_stream_resolve(void *handle, int *status);

/* The default stream of a physical device (created lazily), or NULL. */
kx_stream *kx_default_stream(int phys);

/* Physical device of a stream. */
int kx_stream_device(const kx_stream *s);

/* 1 if s is a live stream handle (default streams included), else 0. */
int kx_stream_is_live(const void *s);

/*
 * Appends fn(arg) to the stream's FIFO queue; it runs on the worker thread
 * after everything queued before it. The stream must be live.
 */
int kx_stream_enqueue(kx_stream *s, kx_task_fn fn, void *arg);

/*
 * Blocks until everything queued so far has run. Returns the first
 * asynchronous error recorded on the stream since the last sync (see
 * kx_stream_set_error), clearing it, or KX_OK.
 */
int kx_stream_sync(kx_stream *s);

/* KX_OK if the stream is idle, KX_ERR_NOT_READY if work is pending. */
int kx_stream_query(kx_stream *s);

/*
 * Records an asynchronous failure found by a task while running on `s`'s
 * worker; reported by the next kx_stream_sync / kx_device_sync. The first error wins.
 */
void kx_stream_set_error(kx_stream *s, int status);

/*
 * Makes future work on s wait until the latest record of e (at the time of
 * this call) has completed. An event never recorded is a no-op.
 */
int kx_stream_wait_event(kx_stream *s, kx_event *e);

/* Waits for every stream (default included) of a physical device; returns the first async error. */
int kx_device_sync(int phys);

/* 1 if the calling thread is a stream worker, else 0. */
int kx_on_worker_thread(void);

/*
 * The stream whose worker thread is calling, or NULL on any other thread.
 * Lets a task report an async failure with kx_stream_set_error.
 */
kx_stream *kx_worker_stream(void);

/* ------------------------------------------------------------------------- */
/* Copies and memset with the vendors' (CUDA's) synchronisation rules        */
/* ------------------------------------------------------------------------- */

/* Where a copy endpoint lives, as the API call declared it (memcpy kind). */
#define KX_MEM_HOST   0
#define KX_MEM_DEVICE 1
#define KX_MEM_INFER  2   /* "default" kind: decided by the address */

/*
 * Copies n bytes in s's queue order. A DEVICE side must lie inside one live
 * allocation (bounds-checked now, re-checked when the worker runs: freed by
 * then -> KX_ERR_ILLEGAL_ADDRESS on the next sync). A HOST side that points
 * into the fake device window, or NULL with n > 0, is KX_ERR_INVALID_VALUE:
 * a wrong memcpy kind is an error code, never a host fault.
 * async == 0: returns after the copy (and all earlier work on s) ran.
 * async != 0: returns at once, except that, as in CUDA, a pageable (not
 * pinned) host source is staged at call time and a pageable host destination
 * makes the call wait for the copy; pinned memory is read/written only when
 * the worker reaches the copy (so a missing sync shows up).
 */
int kx_copy(void *dst, int dst_kind, const void *src, int src_kind, size_t n,
            kx_stream *s, int async);

/*
 * Sets n bytes of device memory to (unsigned char)value in s's queue order.
 * dst must lie inside one live allocation. async as for kx_copy (a memset
 * has no host side, so async == 1 never waits).
 */
int kx_memset(void *dst, int value, size_t n, kx_stream *s, int async);

/* ------------------------------------------------------------------------- */
/* Events                                                                    */
/* ------------------------------------------------------------------------- */
#define KX_EVENT_DISABLE_TIMING 0x1u

/* Creates an event on a physical device; flags: KX_EVENT_DISABLE_TIMING. */
int kx_event_create(int phys, unsigned flags, kx_event **out);

/* Destroys an event; pending waits on it still complete. */
int kx_event_destroy(kx_event *e);

/* 1 if e is a live event handle, else 0. */
int kx_event_is_live(const void *e);

/*
 * Records e on stream s: the event completes, and takes its timestamp
 * (CLOCK_MONOTONIC), when s's worker reaches this point in the queue.
 */
int kx_event_record(kx_event *e, kx_stream *s);

/* KX_OK if the latest record completed (or e was never recorded), else KX_ERR_NOT_READY. */
int kx_event_query(kx_event *e);

/* Blocks until the latest record of e completed (returns at once if never recorded). */
int kx_event_sync(kx_event *e);

/*
 * Milliseconds between two completed records. KX_ERR_NOT_RECORDED if either
 * was never recorded, KX_ERR_NOT_READY if either is pending,
 * KX_ERR_TIMING_DISABLED if either was created without timing.
 */
int kx_event_elapsed_ms(float *ms, kx_event *start, kx_event *end);

/* ------------------------------------------------------------------------- */
/* Other handles (BLAS handles, descriptors, ...)                            */
/* ------------------------------------------------------------------------- */

/*
 * Registers a dialect-owned handle so it counts in kuaxin_emu_live_handles()
 * and is released by kuaxin_emu_reset() through `destroy` (may be NULL).
 * `kind` is a static string such as "cublasHandle".
 */
int kx_handle_register(void *handle, const char *kind, void (*destroy)(void *handle));

/* Unregisters; KX_ERR_INVALID_HANDLE if handle is not registered under kind. */
int kx_handle_unregister(void *handle, const char *kind);

/* 1 if handle is registered under kind (same string content), else 0. */
int kx_handle_is_live(const void *handle, const char *kind);

/* ------------------------------------------------------------------------- */
/* Fault injection                                                           */
/* ------------------------------------------------------------------------- */

/*
 * Called first by every emulated API entry point with its exported name
 * (usually __func__). Returns 0 normally, or the injected vendor code when a
 * fault armed for this function (kuaxin_emu_inject_fault, KUAXIN_EMU_FAULTS)
 * reaches its Nth call; that fault is then disarmed, so later calls succeed.
 */
int kx_fault_check(const char *function);

/*
 * Asynchronous faults (kuaxin_emu_inject_async_fault): when one fires, kx_fault_check returns 0 and the call goes
 * on; the first work that call queues (kx_stream_enqueue applies this wrapper) runs and then records the code as
 * its stream's asynchronous error, so the next kx_stream_sync / kx_device_sync returns it, as a device-side fault
 * surfaces on a real runtime. A call that queues nothing (a free, a stream create, a sync) leaves the code on the
 * current device: the next stream, device or event synchronisation (or completed event query) on that device
 * returns it, once (kx_fault_take_device_error). Calls on stream worker threads are never wrapped.
 */
void kx_fault_wrap_async(kx_task_fn *fn, void **arg);

/* Takes the device's pending asynchronous fault code (see above), or KX_OK. Called by the synchronisations. */
int kx_fault_take_device_error(int phys);

/* The calling thread's fired-but-unattached asynchronous fault code, or 0. */
int kx_fault_async_pending(void);

/* Convenience for entry points: returns the injected code (cast to type T) if any. */
#define KX_FAULT_POINT(T)                                      \
    do {                                                       \
        int kx_fault_code_ = kx_fault_check(__func__);         \
        if (kx_fault_code_ != 0) return (T)kx_fault_code_;     \
    } while (0)

/* ------------------------------------------------------------------------- */
/* Misc helpers for dialects                                                 */
/* ------------------------------------------------------------------------- */

/* Monotonic clock in nanoseconds. */
int64_t kx_now_ns(void);

/*
 * Registers a callback run by kuaxin_emu_reset() after the core freed
 * everything, so a dialect can reset its own state (last errors, init flags).
 */
void kx_on_reset(void (*fn)(void));

#pragma GCC visibility pop

/* ========================================================================= */
/* Exported control / introspection API, identical in every emulator.        */
/* Java tests bind these by name from the emulator library.                  */
/* ========================================================================= */

/*
 * Makes the nth (1 = next) subsequent call of `function` (exported symbol
 * name, e.g. "cudaMalloc", "cublasSgemm_v2") return `code` without doing
 * anything; later calls behave normally. Several faults may be armed at once.
 * Returns 0, or -1 for a NULL/empty name, nth < 1 or code == 0.
 */
KX_EXPORT int kuaxin_emu_inject_fault(const char *function, int nth, int code);

/*
 * As kuaxin_emu_inject_fault, but the nth call succeeds and the work it queues fails later: its stream's next
 * synchronisation (stream or device) returns `code`, as a kernel fault or a failed DMA does on a real device. The
 * stream stays usable afterwards (the error is reported once). KUAXIN_EMU_FAULTS spells it "fn:nth:code:async".
 * Returns 0, or -1 as kuaxin_emu_inject_fault.
 */
KX_EXPORT int kuaxin_emu_inject_async_fault(const char *function, int nth, int code);

/*
 * on != 0: forgets the recorded calls and starts recording every entry point reached (the names faults can
 * target); 0 stops. Returns 0.
 */
KX_EXPORT int kuaxin_emu_record_calls(int on);

/*
 * Writes the recorded entry points, each followed by '\n', NUL-terminated, as many whole names as fit in
 * `len` bytes; returns
 * the bytes the whole list needs (without the NUL). buf may be NULL to ask the size.
 */
KX_EXPORT int64_t kuaxin_emu_recorded_calls(char *buf, size_t len);

/* Injected faults that have fired (synchronous and asynchronous) since the library was loaded. */
KX_EXPORT int64_t kuaxin_emu_faults_fired(void);

/*
 * Disarms every fault (including those from KUAXIN_EMU_FAULTS). An asynchronous fault that already fired stays
 * until a synchronisation reports it, as a device error would; kuaxin_emu_reset drops it.
 */
KX_EXPORT void kuaxin_emu_clear_faults(void);

/*
 * Sets the capacity of a physical device in bytes. Existing allocations stay;
 * if they exceed the new limit, free memory reads 0 and new allocations fail.
 * Returns 0, or -1 if the device does not exist.
 */
KX_EXPORT int kuaxin_emu_set_memory_limit(int physicalDevice, size_t bytes);

/*
 * Changes the number of physical devices (1..KX_MAX_DEVICES) and re-applies
 * the visible-devices filter. Only meant right after kuaxin_emu_reset().
 * Returns 0 or -1.
 */
KX_EXPORT int kuaxin_emu_set_device_count(int devices);

/*
 * Replaces the visible-devices filter with `spec` (same syntax as the vendor
 * variable); NULL re-reads the environment variable. Returns the number of
 * visible devices.
 */
KX_EXPORT int kuaxin_emu_set_visible_devices(const char *spec);

/* Live device allocations plus live pinned host allocations. */
KX_EXPORT int64_t kuaxin_emu_live_allocations(void);

/* Live streams (not counting default streams), events, and registered handles. */
KX_EXPORT int64_t kuaxin_emu_live_handles(void);

/*
 * Tests only: waits for and destroys every stream, event and handle, frees all
 * device and pinned memory, clears faults and re-reads the environment.
 * Pointers and handles from before are invalid afterwards. Returns 0.
 */
KX_EXPORT int kuaxin_emu_reset(void);

/* Does nothing and returns 0: the entry point the dispatch-overhead benchmark calls, from Java through the whole
 * front door and from a C caller directly (native/bench/noop_caller.c), so the difference is Kuaxin's cost. */
KX_EXPORT int kuaxin_emu_noop(void);

/* The dialect name of this emulator ("cuda", "hip", "musa", "supa", "ascend", ...). */
KX_EXPORT const char *kuaxin_emu_name(void);

/*
 * For companion libraries that run work on this emulator's streams and memory
 * (the collective-library emulators, which find this library among those
 * already loaded, as a real collective library uses the loaded runtime):
 * kuaxin_emu_translate is kx_translate; kuaxin_emu_stream_enqueue appends
 * fn(arg) to a stream handle of this emulator's API (NULL = the current
 * device's default stream). Returns 0, or a kx_status.
 */
KX_EXPORT void *kuaxin_emu_translate(const void *addr, size_t bytes);
KX_EXPORT int kuaxin_emu_stream_enqueue(void *stream, void (*fn)(void *arg), void *arg);

#define KX_MAX_DEVICES 64

#ifdef __cplusplus
}
#endif

#endif /* KX_EMU_H */
