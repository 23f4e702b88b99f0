/*
 * kx_emu.c - configuration, devices, current device, fault injection and the
 * exported kuaxin_emu_* control API.
 */
#include "kx_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KX_DEFAULT_DEVICES 2
#define KX_DEFAULT_MEMORY (4ULL << 30)

/* Configuration, guarded by g_cfg_lock (readers take it too: changes are rare). */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t g_cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_ndev;                        /* physical devices */
static int g_nvisible;                    /* logical devices */
static int g_visible[KX_MAX_DEVICES];     /* logical -> physical */
static size_t g_default_memory;

static __thread int t_current_device;     /* logical, per thread */

/* ------------------------------------------------------------------------- */
/* Env parsing                                                               */
/* ------------------------------------------------------------------------- */

static void warn_env(const char *var, const char *value) {
    /* The only output the core ever writes: a misconfiguration must be visible. */
    fprintf(stderr, "kuaxin-emu(%s): ignoring invalid %s=\"%s\"\n",
            kx_dialect_info.name, var, value);
}

/* "4G", "512M", "1024k", "1048576", optional trailing "B"/"iB"; binary units. */
static int parse_size(const char *s, size_t *out) {
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || errno != 0) return -1;
    unsigned shift = 0;
    switch (toupper((unsigned char)*end)) {
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    case 'T': shift = 40; end++; break;
    default: break;
    }
    if (shift && (*end == 'i' || *end == 'I')) end++;
    if (*end == 'B' || *end == 'b') end++;
    if (*end != '\0') return -1;
    if (shift && v > (~0ULL >> shift)) return -1;
    *out = (size_t)(v << shift);
    return 0;
}

int kx_parse_visible_devices(const char *spec, int ndev, int *out, int max) {
    if (spec == NULL) {
        int n = ndev < max ? ndev : max;
        for (int i = 0; i < n; i++) out[i] = i;
        return n;
    }
    int n = 0;
    const char *p = spec;
    while (*p != '\0' && n < max) {
        while (*p == ' ' || *p == '\t') p++;
        /* CUDA: the list ends at the first entry that is not a valid ordinal. */
        if (!isdigit((unsigned char)*p)) break;
        char *end;
        long id = strtol(p, &end, 10);
        while (*end == ' ' || *end == '\t') end++;
        if (*end != ',' && *end != '\0') break;   /* e.g. "1x" or a UUID */
        if (id < 0 || id >= ndev) break;
        int dup = 0;
        for (int i = 0; i < n; i++) dup |= (out[i] == (int)id);
        if (dup) break;                             /* repeat: invalid (inferred) */
        out[n++] = (int)id;
        p = (*end == ',') ? end + 1 : end;
    }
    return n;
}

/* Caller holds g_cfg_lock. */
static void apply_visible(const char *spec) {
    g_nvisible = kx_parse_visible_devices(spec, g_ndev, g_visible, KX_MAX_DEVICES);
}

static const char *visible_env_value(void) {
    return kx_dialect_info.visible_env ? getenv(kx_dialect_info.visible_env) : NULL;
}

static void async_errors_clear(void);

void kx_cfg_reload(void) {
    pthread_mutex_lock(&g_cfg_lock);
    g_ndev = KX_DEFAULT_DEVICES;
    const char *d = getenv("KUAXIN_EMU_DEVICES");
    if (d != NULL && *d != '\0') {
        char *end;
        long v = strtol(d, &end, 10);
        if (*end == '\0' && v >= 0 && v <= KX_MAX_DEVICES) g_ndev = (int)v;
        else warn_env("KUAXIN_EMU_DEVICES", d);
    }
    g_default_memory = KX_DEFAULT_MEMORY;
    const char *m = getenv("KUAXIN_EMU_MEMORY");
    if (m != NULL && *m != '\0' && parse_size(m, &g_default_memory) != 0) {
        warn_env("KUAXIN_EMU_MEMORY", m);
        g_default_memory = KX_DEFAULT_MEMORY;
    }
    apply_visible(visible_env_value());
    pthread_mutex_unlock(&g_cfg_lock);

    for (int i = 0; i < KX_MAX_DEVICES; i++) kx_mem_set_limit(i, g_default_memory);
    kx_faults_clear();
    async_errors_clear();
    const char *f = getenv("KUAXIN_EMU_FAULTS");
    if (f != NULL) kx_faults_parse(f);
}

static void init_once(void) { kx_cfg_reload(); }

void kx_init(void) { pthread_once(&g_once, init_once); }

size_t kx_cfg_default_memory(void) {
    kx_init();
    return g_default_memory;
}

/* ------------------------------------------------------------------------- */
/* Devices                                                                   */
/* ------------------------------------------------------------------------- */

int kx_physical_device_count(void) {
    kx_init();
    pthread_mutex_lock(&g_cfg_lock);
    int n = g_ndev;
    pthread_mutex_unlock(&g_cfg_lock);
    return n;
}

int kx_device_count(void) {
    kx_init();
    pthread_mutex_lock(&g_cfg_lock);
    int n = g_nvisible;
    pthread_mutex_unlock(&g_cfg_lock);
    return n;
}

int kx_logical_to_physical(int logical) {
    kx_init();
    pthread_mutex_lock(&g_cfg_lock);
    int p = (logical >= 0 && logical < g_nvisible) ? g_visible[logical] : -1;
    pthread_mutex_unlock(&g_cfg_lock);
    return p;
}

int kx_physical_to_logical(int phys) {
    kx_init();
    int l = -1;
    pthread_mutex_lock(&g_cfg_lock);
    for (int i = 0; i < g_nvisible; i++)
        if (g_visible[i] == phys) { l = i; break; }
    pthread_mutex_unlock(&g_cfg_lock);
    return l;
}

int kx_get_current_device(void) { return t_current_device; }

int kx_set_current_device(int logical) {
    if (logical < 0 || logical >= kx_device_count()) return KX_ERR_INVALID_DEVICE;
    t_current_device = logical;
    return KX_OK;
}

int kx_current_physical(void) { return kx_logical_to_physical(t_current_device); }

void kx_device_name(int phys, char *buf, size_t len) {
    if (buf == NULL || len == 0) return;
    snprintf(buf, len, "Kuaxin Emulated %s Device %d", kx_dialect_info.name, phys);
}

/* ------------------------------------------------------------------------- */
/* Fault injection                                                           */
/* ------------------------------------------------------------------------- */

#define KX_MAX_FAULTS 64
/* Long enough for the C++-mangled muBLAS names (139 characters). */
#define KX_FAULT_NAME 256

typedef struct {
    char name[KX_FAULT_NAME];
    int remaining;   /* calls until it fires; 1 = the next call */
    int code;
    int async;       /* 1: the call succeeds and its queued work reports `code` (see kx_fault_wrap_async) */
} kx_fault;

static pthread_mutex_t g_fault_lock = PTHREAD_MUTEX_INITIALIZER;
static kx_fault g_faults[KX_MAX_FAULTS];
static int g_nfaults;
static atomic_int g_faults_armed;   /* fast path: no lock when nothing is armed */

/* Call recording (kuaxin_emu_record_calls): the distinct entry points reached, in first-call order. */
#define KX_MAX_RECORDED 256
static atomic_int g_recording;
static char g_recorded[KX_MAX_RECORDED][KX_FAULT_NAME];
static int g_nrecorded;
static atomic_llong g_faults_fired;

static void record_call(const char *function) {
    size_t len = strlen(function);
    if (len == 0 || len >= KX_FAULT_NAME) return;
    pthread_mutex_lock(&g_fault_lock);
    int seen = 0;
    for (int i = 0; i < g_nrecorded && !seen; i++) seen = strcmp(g_recorded[i], function) == 0;
    if (!seen && g_nrecorded < KX_MAX_RECORDED) memcpy(g_recorded[g_nrecorded++], function, len + 1);
    pthread_mutex_unlock(&g_fault_lock);
}

/* Per device: an asynchronous fault whose call queued no work, reported by the device's next synchronisation. */
static atomic_int g_device_async[KX_MAX_DEVICES];

/* An asynchronous fault that fired in this thread's current API call, not yet attached to queued work. */
static __thread int t_async_pending;

static int fault_add(const char *fn, size_t len, int nth, int code, int async) {
    if (fn == NULL || len == 0 || len >= KX_FAULT_NAME || nth < 1 || code == 0) return -1;
    int rc = -1;
    pthread_mutex_lock(&g_fault_lock);
    if (g_nfaults < KX_MAX_FAULTS) {
        kx_fault *f = &g_faults[g_nfaults++];
        memcpy(f->name, fn, len);
        f->name[len] = '\0';
        f->remaining = nth;
        f->code = code;
        f->async = async;
        atomic_store(&g_faults_armed, g_nfaults);
        rc = 0;
    }
    pthread_mutex_unlock(&g_fault_lock);
    return rc;
}

/* Drops fired asynchronous errors not yet reported (reset only: clearing faults leaves them, as a device would). */
static void async_errors_clear(void) {
    t_async_pending = 0;
    for (int i = 0; i < KX_MAX_DEVICES; i++) atomic_store(&g_device_async[i], 0);
}

void kx_faults_clear(void) {
    pthread_mutex_lock(&g_fault_lock);
    g_nfaults = 0;
    atomic_store(&g_faults_armed, 0);
    pthread_mutex_unlock(&g_fault_lock);
}

/*
 * "cudaMalloc:1:2;cublasSgemm_v2:3:13;cudaMemcpyAsync:2:700:async" (function:nth:code[:async], ';' or ','
 * separated).
 */
void kx_faults_parse(const char *spec) {
    const char *p = spec;
    while (*p != '\0') {
        const char *end = p + strcspn(p, ";,");
        const char *c1 = memchr(p, ':', (size_t)(end - p));
        int ok = 0;
        if (c1 != NULL) {
            char num[64];
            size_t nl = (size_t)(end - c1 - 1);
            if (nl < sizeof num) {
                memcpy(num, c1 + 1, nl);
                num[nl] = '\0';
                int nth, code, used = 0;
                if (sscanf(num, "%d:%d%n", &nth, &code, &used) == 2) {
                    int async = strcmp(num + used, ":async") == 0;
                    if (async || num[used] == '\0')
                        ok = fault_add(p, (size_t)(c1 - p), nth, code, async) == 0;
                }
            }
        }
        if (!ok && end > p) {
            char bad[128];
            snprintf(bad, sizeof bad, "%.*s", (int)(end - p), p);
            warn_env("KUAXIN_EMU_FAULTS entry", bad);
        }
        p = (*end != '\0') ? end + 1 : end;
    }
}

/* An asynchronous fault left pending by an earlier call that queued no work (e.g. a free or a stream create). */
static void async_pending_flush(void) {
    int code = t_async_pending;
    if (code == 0 || kx_on_worker_thread()) return;
    t_async_pending = 0;
    int phys = kx_current_physical();
    int none = 0;
    if (phys >= 0) atomic_compare_exchange_strong(&g_device_async[phys], &none, code);   /* the first one wins */
}

int kx_fault_take_device_error(int phys) {
    if (phys < 0 || phys >= KX_MAX_DEVICES) return KX_OK;
    if (t_async_pending != 0) async_pending_flush();   /* a sync right after the faulted call reports it */
    return atomic_exchange(&g_device_async[phys], 0);
}

int kx_fault_check(const char *function) {
    kx_init();
    if (t_async_pending != 0) async_pending_flush();
    if (function != NULL && atomic_load_explicit(&g_recording, memory_order_relaxed)) record_call(function);
    if (atomic_load_explicit(&g_faults_armed, memory_order_relaxed) == 0 || function == NULL)
        return 0;
    int code = 0, async = 0;
    pthread_mutex_lock(&g_fault_lock);
    int w = 0;
    for (int i = 0; i < g_nfaults; i++) {
        kx_fault f = g_faults[i];
        if (strcmp(f.name, function) == 0 && --f.remaining == 0) {
            if (code == 0) {
                code = f.code;
                async = f.async;
            }
            continue;   /* fired: disarm */
        }
        g_faults[w++] = f;
    }
    g_nfaults = w;
    atomic_store(&g_faults_armed, g_nfaults);
    pthread_mutex_unlock(&g_fault_lock);
    if (code != 0) atomic_fetch_add(&g_faults_fired, 1);
    if (async) {
        t_async_pending = code;   /* the call goes on; its queued work will fail */
        return 0;
    }
    return code;
}

typedef struct {
    kx_task_fn fn;
    void *arg;
    int code;
} async_fault_task;

/* Runs the real work (so its buffers and callbacks are released as usual), then fails the stream. */
static void run_async_fault(void *p) {
    async_fault_task *t = p;
    t->fn(t->arg);
    kx_stream_set_error(kx_worker_stream(), t->code);
    free(t);
}

void kx_fault_wrap_async(kx_task_fn *fn, void **arg) {
    int code = t_async_pending;
    if (code == 0 || kx_on_worker_thread()) return;
    async_fault_task *t = malloc(sizeof *t);
    if (t == NULL) return;   /* stays pending: reported by the default stream instead */
    t_async_pending = 0;
    *t = (async_fault_task){*fn, *arg, code};
    *fn = run_async_fault;
    *arg = t;
}

int kx_fault_async_pending(void) { return t_async_pending; }

/* ------------------------------------------------------------------------- */
/* Misc                                                                      */
/* ------------------------------------------------------------------------- */

int64_t kx_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

const char *kx_status_name(int status) {
    switch (status) {
    case KX_OK: return "KX_OK";
    case KX_ERR_INVALID_VALUE: return "KX_ERR_INVALID_VALUE";
    case KX_ERR_OUT_OF_MEMORY: return "KX_ERR_OUT_OF_MEMORY";
    case KX_ERR_INVALID_DEVICE: return "KX_ERR_INVALID_DEVICE";
    case KX_ERR_NO_DEVICE: return "KX_ERR_NO_DEVICE";
    case KX_ERR_INVALID_HANDLE: return "KX_ERR_INVALID_HANDLE";
    case KX_ERR_NOT_READY: return "KX_ERR_NOT_READY";
    case KX_ERR_NOT_RECORDED: return "KX_ERR_NOT_RECORDED";
    case KX_ERR_TIMING_DISABLED: return "KX_ERR_TIMING_DISABLED";
    case KX_ERR_ILLEGAL_ADDRESS: return "KX_ERR_ILLEGAL_ADDRESS";
    case KX_ERR_NOT_SUPPORTED: return "KX_ERR_NOT_SUPPORTED";
    case KX_ERR_INTERNAL: return "KX_ERR_INTERNAL";
    default: return "KX_ERR_UNKNOWN";
    }
}

#define KX_MAX_RESET_HOOKS 8
static pthread_mutex_t g_hook_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*g_reset_hooks[KX_MAX_RESET_HOOKS])(void);
static int g_nhooks;

void kx_on_reset(void (*fn)(void)) {
    pthread_mutex_lock(&g_hook_lock);
    int dup = 0;
    for (int i = 0; i < g_nhooks; i++) dup |= (g_reset_hooks[i] == fn);
    if (!dup && fn != NULL && g_nhooks < KX_MAX_RESET_HOOKS) g_reset_hooks[g_nhooks++] = fn;
    pthread_mutex_unlock(&g_hook_lock);
}

/* ------------------------------------------------------------------------- */
/* Exported control API                                                      */
/* ------------------------------------------------------------------------- */

KX_EXPORT int kuaxin_emu_inject_fault(const char *function, int nth, int code) {
    kx_init();
    return fault_add(function, function ? strlen(function) : 0, nth, code, 0);
}

KX_EXPORT int kuaxin_emu_inject_async_fault(const char *function, int nth, int code) {
    kx_init();
    return fault_add(function, function ? strlen(function) : 0, nth, code, 1);
}

KX_EXPORT int kuaxin_emu_record_calls(int on) {
    kx_init();
    pthread_mutex_lock(&g_fault_lock);
    if (on) g_nrecorded = 0;
    atomic_store(&g_recording, on != 0);
    pthread_mutex_unlock(&g_fault_lock);
    return 0;
}

KX_EXPORT int64_t kuaxin_emu_recorded_calls(char *buf, size_t len) {
    kx_init();
    size_t need = 0, written = 0;
    pthread_mutex_lock(&g_fault_lock);
    for (int i = 0; i < g_nrecorded; i++) {
        size_t n = strlen(g_recorded[i]);
        if (buf != NULL && written == need && need + n + 1 < len) {   /* whole names only */
            memcpy(buf + need, g_recorded[i], n);
            buf[need + n] = '\n';
            written = need + n + 1;
        }
        need += n + 1;
    }
    if (buf != NULL && len > 0) buf[written] = '\0';
    pthread_mutex_unlock(&g_fault_lock);
    return (int64_t)need;
}

KX_EXPORT int64_t kuaxin_emu_faults_fired(void) {
    kx_init();
    return atomic_load(&g_faults_fired);
}

KX_EXPORT void kuaxin_emu_clear_faults(void) {
    kx_init();
    kx_faults_clear();
}

KX_EXPORT int kuaxin_emu_set_memory_limit(int physicalDevice, size_t bytes) {
    if (physicalDevice < 0 || physicalDevice >= kx_physical_device_count()) return -1;
    kx_mem_set_limit(physicalDevice, bytes);
    return 0;
}

KX_EXPORT int kuaxin_emu_set_device_count(int devices) {
    kx_init();
    if (devices < 0 || devices > KX_MAX_DEVICES) return -1;
    pthread_mutex_lock(&g_cfg_lock);
    g_ndev = devices;
    apply_visible(visible_env_value());
    pthread_mutex_unlock(&g_cfg_lock);
    return 0;
}

KX_EXPORT int kuaxin_emu_set_visible_devices(const char *spec) {
    kx_init();
    pthread_mutex_lock(&g_cfg_lock);
    apply_visible(spec != NULL ? spec : visible_env_value());
    int n = g_nvisible;
    pthread_mutex_unlock(&g_cfg_lock);
    return n;
}

KX_EXPORT int64_t kuaxin_emu_live_allocations(void) {
    kx_init();
    return kx_dev_live_allocations() + kx_host_live_allocations();
}

KX_EXPORT int64_t kuaxin_emu_live_handles(void) {
    kx_init();
    return kx_stream_live_count() + kx_handles_live_count();
}

KX_EXPORT int kuaxin_emu_reset(void) {
    kx_init();
    kx_stream_reset();     /* drain and join every worker first: tasks may touch memory */
    kx_handles_reset();
    kx_mem_reset();
    kx_cfg_reload();
    t_current_device = 0;
    pthread_mutex_lock(&g_hook_lock);
    int n = g_nhooks;
    void (*hooks[KX_MAX_RESET_HOOKS])(void);
    memcpy(hooks, g_reset_hooks, sizeof hooks);
    pthread_mutex_unlock(&g_hook_lock);
    for (int i = 0; i < n; i++) hooks[i]();
    return 0;
}

KX_EXPORT const char *kuaxin_emu_name(void) { return kx_dialect_info.name; }

KX_EXPORT int kuaxin_emu_noop(void) { return 0; }

KX_EXPORT void *kuaxin_emu_translate(const void *addr, size_t bytes) { return kx_translate(addr, bytes); }

KX_EXPORT int kuaxin_emu_stream_enqueue(void *stream, void (*fn)(void *arg), void *arg) {
    int st;
    kx_stream *s = kx_stream_resolve(stream, &st);
    if (s == NULL) return st != KX_OK ? st : KX_ERR_INVALID_HANDLE;
    return kx_stream_enqueue(s, fn, arg);
}
