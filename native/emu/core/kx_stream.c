/*
 * kx_stream.c - streams (one worker thread + FIFO each), events, and the
 * registry of live handles.
 *
 * Lock order: g_reg_lock -> stream mu -> event mu. Workers never take
 * g_reg_lock, so host threads may wait on workers while holding it.
 */
#include "kx_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct kx_task {
    kx_task_fn fn;
    void *arg;
    struct kx_task *next;
    int64_t delay_us;         /* sleep before running (kuaxin_emu_delay_next_tasks) */
} kx_task;

/* Slow streams on demand: the next g_delay_tasks tasks enqueued, on any stream, each sleep g_delay_us first. */
static atomic_int g_delay_tasks;
static _Atomic int64_t g_delay_us;

struct kx_stream {
    int phys;
    unsigned flags;
    int is_default;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv_work;   /* worker waits for tasks */
    pthread_cond_t cv_done;   /* syncers wait for progress */
    kx_task *head, *tail;
    uint64_t submitted, completed;
    int stop;
    int error;                /* first async error since the last sync */
    struct kx_stream *next;   /* registry list */
};

struct kx_event {
    int phys;
    unsigned flags;
    atomic_int refs;          /* registry + queued tasks */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t recorded;        /* generation of the latest record */
    uint64_t completed;       /* highest generation reached by a worker */
    int64_t t_ns;             /* timestamp of `completed` */
    struct kx_event *next;
};

typedef struct {
    void *handle;
    const char *kind;
    void (*destroy)(void *);
} kx_handle_entry;

static pthread_mutex_t g_reg_lock = PTHREAD_MUTEX_INITIALIZER;
static kx_stream *g_streams;                    /* every live stream, defaults included */
static kx_stream *g_default[KX_MAX_DEVICES];
static kx_event *g_events;
static kx_handle_entry *g_handles;
static size_t g_nhandles, g_cap_handles;

static __thread kx_stream *t_worker;

/* ------------------------------------------------------------------------- */
/* Streams                                                                   */
/* ------------------------------------------------------------------------- */

static void *worker_main(void *arg) {
    kx_stream *s = arg;
    t_worker = s;
    int logical = kx_physical_to_logical(s->phys);
    if (logical >= 0) kx_set_current_device(logical);
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (s->head == NULL && !s->stop) pthread_cond_wait(&s->cv_work, &s->mu);
        if (s->head == NULL) break;               /* stop requested and queue drained */
        kx_task *t = s->head;
        s->head = t->next;
        if (s->head == NULL) s->tail = NULL;
        pthread_mutex_unlock(&s->mu);
        if (t->delay_us > 0) {
            struct timespec ts = {(time_t)(t->delay_us / 1000000), (long)(t->delay_us % 1000000) * 1000};
            while (nanosleep(&ts, &ts) != 0) { }
        }
        t->fn(t->arg);
        free(t);
        pthread_mutex_lock(&s->mu);
        s->completed++;
        pthread_cond_broadcast(&s->cv_done);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static int stream_new(int phys, unsigned flags, int is_default, kx_stream **out) {
    kx_stream *s = calloc(1, sizeof *s);
    if (s == NULL) return KX_ERR_OUT_OF_MEMORY;
    s->phys = phys;
    s->flags = flags;
    s->is_default = is_default;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv_work, NULL);
    pthread_cond_init(&s->cv_done, NULL);
    if (pthread_create(&s->thread, NULL, worker_main, s) != 0) {
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv_work);
        pthread_cond_destroy(&s->cv_done);
        free(s);
        return KX_ERR_INTERNAL;
    }
    *out = s;
    return KX_OK;
}

/* Lets the queue drain, joins the worker, frees s. s must be unlinked already. */
static void stream_join_free(kx_stream *s) {
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    pthread_cond_signal(&s->cv_work);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv_work);
    pthread_cond_destroy(&s->cv_done);
    free(s);
}

/* Lock held. */
static int stream_live_locked(const void *p) {
    for (kx_stream *s = g_streams; s != NULL; s = s->next)
        if ((const void *)s == p) return 1;
    return 0;
}

int kx_stream_create(int phys, unsigned flags, kx_stream **out) {
    kx_init();
    if (out == NULL) return KX_ERR_INVALID_VALUE;
    if (phys < 0 || phys >= kx_physical_device_count()) return KX_ERR_INVALID_DEVICE;
    kx_stream *s;
    int rc = stream_new(phys, flags, 0, &s);
    if (rc != KX_OK) return rc;
    pthread_mutex_lock(&g_reg_lock);
    s->next = g_streams;
    g_streams = s;
    pthread_mutex_unlock(&g_reg_lock);
    *out = s;
    return KX_OK;
}

int kx_stream_destroy(kx_stream *s) {
    kx_init();
    pthread_mutex_lock(&g_reg_lock);
    kx_stream **pp = &g_streams;
    while (*pp != NULL && *pp != s) pp = &(*pp)->next;
    if (*pp == NULL || s->is_default) {
        pthread_mutex_unlock(&g_reg_lock);
        return KX_ERR_INVALID_HANDLE;
    }
    *pp = s->next;
    pthread_mutex_unlock(&g_reg_lock);
    if (t_worker == s) return KX_ERR_INVALID_VALUE;   /* cannot join itself; leaked */
    stream_join_free(s);
    return KX_OK;
}

kx_stream *kx_default_stream(int phys) {
    kx_init();
    if (phys < 0 || phys >= kx_physical_device_count()) return NULL;
    pthread_mutex_lock(&g_reg_lock);
    kx_stream *s = g_default[phys];
    if (s == NULL && stream_new(phys, 0, 1, &s) == KX_OK) {
        g_default[phys] = s;
        s->next = g_streams;
        g_streams = s;
    }
    pthread_mutex_unlock(&g_reg_lock);
    return s;
}

kx_stream *kx_stream_resolve(void *handle, int *status) {
    kx_init();
    if (status) *status = KX_OK;
    /* NULL, and CUDA/HIP's cudaStreamLegacy (1) / cudaStreamPerThread (2):
     * the current device's default stream (per-thread streams are not modelled). */
    if ((uintptr_t)handle <= 2) {
        int phys = kx_current_physical();
        if (phys < 0) {
            if (status) *status = KX_ERR_NO_DEVICE;
            return NULL;
        }
        kx_stream *s = kx_default_stream(phys);
        if (s == NULL && status) *status = KX_ERR_INTERNAL;
        return s;
    }
    pthread_mutex_lock(&g_reg_lock);
    int live = stream_live_locked(handle);
    pthread_mutex_unlock(&g_reg_lock);
    if (!live) {
        if (status) *status = KX_ERR_INVALID_HANDLE;
        return NULL;
    }
    return handle;
}

int kx_stream_device(const kx_stream *s) { return s ? s->phys : -1; }

int kx_stream_is_live(const void *s) {
    pthread_mutex_lock(&g_reg_lock);
    int live = stream_live_locked(s);
    pthread_mutex_unlock(&g_reg_lock);
    return live;
}

int kx_stream_enqueue(kx_stream *s, kx_task_fn fn, void *arg) {
    if (fn == NULL) return KX_ERR_INVALID_VALUE;
    kx_task *t = malloc(sizeof *t);
    if (t == NULL) return KX_ERR_OUT_OF_MEMORY;
    *t = (kx_task){fn, arg, NULL, 0};
    for (int n = atomic_load(&g_delay_tasks); n > 0;) {
        if (atomic_compare_exchange_weak(&g_delay_tasks, &n, n - 1)) {
            t->delay_us = atomic_load(&g_delay_us);
            break;
        }
    }
    /* The registry lock keeps s alive against a concurrent destroy. */
    pthread_mutex_lock(&g_reg_lock);
    if (!stream_live_locked(s)) {
        pthread_mutex_unlock(&g_reg_lock);
        free(t);
        return KX_ERR_INVALID_HANDLE;
    }
    kx_fault_wrap_async(&t->fn, &t->arg);   /* an asynchronous fault fired in this call: the work fails */
    pthread_mutex_lock(&s->mu);
    if (s->tail) s->tail->next = t; else s->head = t;
    s->tail = t;
    s->submitted++;
    pthread_cond_signal(&s->cv_work);
    pthread_mutex_unlock(&s->mu);
    pthread_mutex_unlock(&g_reg_lock);
    return KX_OK;
}

static int stream_wait(kx_stream *s, int take_error) {
    pthread_mutex_lock(&s->mu);
    uint64_t target = s->submitted;
    while (s->completed < target) pthread_cond_wait(&s->cv_done, &s->mu);
    int err = s->error;
    if (take_error) s->error = KX_OK;
    pthread_mutex_unlock(&s->mu);
    return err;
}

int kx_stream_sync(kx_stream *s) {
    if (!kx_stream_is_live(s)) return KX_ERR_INVALID_HANDLE;
    if (t_worker == s) return KX_ERR_INVALID_VALUE;   /* would wait for itself */
    int rc = stream_wait(s, 1);
    return rc != KX_OK ? rc : kx_fault_take_device_error(s->phys);
}

int kx_stream_query(kx_stream *s) {
    if (!kx_stream_is_live(s)) return KX_ERR_INVALID_HANDLE;
    pthread_mutex_lock(&s->mu);
    int idle = s->completed == s->submitted;
    pthread_mutex_unlock(&s->mu);
    return idle ? KX_OK : KX_ERR_NOT_READY;
}

void kx_stream_set_error(kx_stream *s, int status) {
    if (s == NULL || status == KX_OK) return;
    pthread_mutex_lock(&s->mu);
    if (s->error == KX_OK) s->error = status;
    pthread_mutex_unlock(&s->mu);
}

kx_stream *kx_worker_stream(void) { return t_worker; }

int kx_on_worker_thread(void) { return t_worker != NULL; }

static int device_wait(int phys, int take_error) {
    int first = KX_OK;
    pthread_mutex_lock(&g_reg_lock);
    for (kx_stream *s = g_streams; s != NULL; s = s->next) {
        if (s->phys != phys || s == t_worker) continue;
        int rc = stream_wait(s, take_error);
        if (first == KX_OK) first = rc;
    }
    pthread_mutex_unlock(&g_reg_lock);
    return first;
}

int kx_device_sync(int phys) {
    kx_init();
    if (phys < 0 || phys >= kx_physical_device_count()) return KX_ERR_INVALID_DEVICE;
    int rc = device_wait(phys, 1);
    return rc != KX_OK ? rc : kx_fault_take_device_error(phys);
}

void kx_device_drain(int phys) { (void)device_wait(phys, 0); }

/* ------------------------------------------------------------------------- */
/* Events                                                                    */
/* ------------------------------------------------------------------------- */

static void event_unref(kx_event *e) {
    if (atomic_fetch_sub(&e->refs, 1) == 1) {
        pthread_mutex_destroy(&e->mu);
        pthread_cond_destroy(&e->cv);
        free(e);
    }
}

static int event_live_locked(const void *p) {
    for (kx_event *e = g_events; e != NULL; e = e->next)
        if ((const void *)e == p) return 1;
    return 0;
}

int kx_event_is_live(const void *e) {
    pthread_mutex_lock(&g_reg_lock);
    int live = event_live_locked(e);
    pthread_mutex_unlock(&g_reg_lock);
    return live;
}

/* Takes a reference if e is live; the caller must event_unref it. */
static int event_acquire(kx_event *e) {
    pthread_mutex_lock(&g_reg_lock);
    int live = event_live_locked(e);
    if (live) atomic_fetch_add(&e->refs, 1);
    pthread_mutex_unlock(&g_reg_lock);
    return live;
}

int kx_event_create(int phys, unsigned flags, kx_event **out) {
    kx_init();
    if (out == NULL) return KX_ERR_INVALID_VALUE;
    if (phys < 0 || phys >= kx_physical_device_count()) return KX_ERR_INVALID_DEVICE;
    kx_event *e = calloc(1, sizeof *e);
    if (e == NULL) return KX_ERR_OUT_OF_MEMORY;
    e->phys = phys;
    e->flags = flags;
    atomic_init(&e->refs, 1);
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->cv, NULL);
    pthread_mutex_lock(&g_reg_lock);
    e->next = g_events;
    g_events = e;
    pthread_mutex_unlock(&g_reg_lock);
    *out = e;
    return KX_OK;
}

int kx_event_destroy(kx_event *e) {
    kx_init();
    pthread_mutex_lock(&g_reg_lock);
    kx_event **pp = &g_events;
    while (*pp != NULL && *pp != e) pp = &(*pp)->next;
    if (*pp == NULL) {
        pthread_mutex_unlock(&g_reg_lock);
        return KX_ERR_INVALID_HANDLE;
    }
    *pp = e->next;
    pthread_mutex_unlock(&g_reg_lock);
    event_unref(e);   /* queued records/waits keep it alive until they ran */
    return KX_OK;
}

typedef struct {
    kx_event *e;
    uint64_t gen;
} event_task;

static void run_record(void *arg) {
    event_task *t = arg;
    kx_event *e = t->e;
    pthread_mutex_lock(&e->mu);
    if (t->gen > e->completed) {
        e->completed = t->gen;
        e->t_ns = kx_now_ns();
    }
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    event_unref(e);
    free(t);
}

static void run_wait(void *arg) {
    event_task *t = arg;
    kx_event *e = t->e;
    pthread_mutex_lock(&e->mu);
    while (e->completed < t->gen) pthread_cond_wait(&e->cv, &e->mu);
    pthread_mutex_unlock(&e->mu);
    event_unref(e);
    free(t);
}

/* Queues fn(e, gen) on s; gen_of_record != 0 means "new record". */
static int event_enqueue(kx_event *e, kx_stream *s, int record) {
    if (!event_acquire(e)) return KX_ERR_INVALID_HANDLE;
    event_task *t = malloc(sizeof *t);
    if (t == NULL) {
        event_unref(e);
        return KX_ERR_OUT_OF_MEMORY;
    }
    pthread_mutex_lock(&e->mu);
    uint64_t gen = record ? ++e->recorded : e->recorded;
    pthread_mutex_unlock(&e->mu);
    if (!record && gen == 0) {        /* waiting on a never-recorded event: no-op */
        free(t);
        event_unref(e);
        return KX_OK;
    }
    *t = (event_task){e, gen};
    int rc = kx_stream_enqueue(s, record ? run_record : run_wait, t);
    if (rc != KX_OK) {
        if (record) {                  /* undo: nothing will complete this generation */
            pthread_mutex_lock(&e->mu);
            if (e->recorded == gen) e->recorded--;
            pthread_mutex_unlock(&e->mu);
        }
        free(t);
        event_unref(e);
    }
    return rc;
}

int kx_event_record(kx_event *e, kx_stream *s) { return event_enqueue(e, s, 1); }

int kx_stream_wait_event(kx_stream *s, kx_event *e) { return event_enqueue(e, s, 0); }

int kx_event_query(kx_event *e) {
    if (!event_acquire(e)) return KX_ERR_INVALID_HANDLE;
    pthread_mutex_lock(&e->mu);
    int done = e->completed >= e->recorded, phys = e->phys;
    pthread_mutex_unlock(&e->mu);
    event_unref(e);
    return done ? kx_fault_take_device_error(phys) : KX_ERR_NOT_READY;
}

int kx_event_sync(kx_event *e) {
    if (!event_acquire(e)) return KX_ERR_INVALID_HANDLE;
    pthread_mutex_lock(&e->mu);
    uint64_t target = e->recorded;
    while (e->completed < target) pthread_cond_wait(&e->cv, &e->mu);
    int phys = e->phys;
    pthread_mutex_unlock(&e->mu);
    event_unref(e);
    return kx_fault_take_device_error(phys);
}

int kx_event_elapsed_ms(float *ms, kx_event *start, kx_event *end) {
    if (ms == NULL) return KX_ERR_INVALID_VALUE;
    if (!event_acquire(start)) return KX_ERR_INVALID_HANDLE;
    if (!event_acquire(end)) {
        event_unref(start);
        return KX_ERR_INVALID_HANDLE;
    }
    int rc = KX_OK;
    int64_t t0 = 0, t1 = 0;
    kx_event *ev[2] = {start, end};
    for (int i = 0; i < 2 && rc == KX_OK; i++) {
        kx_event *e = ev[i];
        pthread_mutex_lock(&e->mu);
        if (e->flags & KX_EVENT_DISABLE_TIMING) rc = KX_ERR_TIMING_DISABLED;
        else if (e->recorded == 0) rc = KX_ERR_NOT_RECORDED;
        else if (e->completed < e->recorded) rc = KX_ERR_NOT_READY;
        else if (i == 0) t0 = e->t_ns;
        else t1 = e->t_ns;
        pthread_mutex_unlock(&e->mu);
    }
    if (rc == KX_OK) *ms = (float)((double)(t1 - t0) / 1e6);
    event_unref(start);
    event_unref(end);
    return rc;
}

/* ------------------------------------------------------------------------- */
/* Generic handles                                                           */
/* ------------------------------------------------------------------------- */

int kx_handle_register(void *handle, const char *kind, void (*destroy)(void *)) {
    if (handle == NULL || kind == NULL) return KX_ERR_INVALID_VALUE;
    pthread_mutex_lock(&g_reg_lock);
    if (g_nhandles == g_cap_handles) {
        size_t cap = g_cap_handles ? g_cap_handles * 2 : 32;
        kx_handle_entry *v = realloc(g_handles, cap * sizeof *v);
        if (v == NULL) {
            pthread_mutex_unlock(&g_reg_lock);
            return KX_ERR_OUT_OF_MEMORY;
        }
        g_handles = v;
        g_cap_handles = cap;
    }
    g_handles[g_nhandles++] = (kx_handle_entry){handle, kind, destroy};
    pthread_mutex_unlock(&g_reg_lock);
    return KX_OK;
}

static long handle_find_locked(const void *h, const char *kind) {
    for (size_t i = 0; i < g_nhandles; i++)
        if (g_handles[i].handle == h && strcmp(g_handles[i].kind, kind) == 0) return (long)i;
    return -1;
}

int kx_handle_unregister(void *handle, const char *kind) {
    if (handle == NULL || kind == NULL) return KX_ERR_INVALID_HANDLE;
    pthread_mutex_lock(&g_reg_lock);
    long i = handle_find_locked(handle, kind);
    if (i >= 0) g_handles[i] = g_handles[--g_nhandles];
    pthread_mutex_unlock(&g_reg_lock);
    return i >= 0 ? KX_OK : KX_ERR_INVALID_HANDLE;
}

int kx_handle_is_live(const void *handle, const char *kind) {
    if (handle == NULL || kind == NULL) return 0;
    pthread_mutex_lock(&g_reg_lock);
    long i = handle_find_locked(handle, kind);
    pthread_mutex_unlock(&g_reg_lock);
    return i >= 0;
}

int64_t kx_handles_live_count(void) {
    pthread_mutex_lock(&g_reg_lock);
    int64_t n = (int64_t)g_nhandles;
    pthread_mutex_unlock(&g_reg_lock);
    return n;
}

int64_t kx_stream_live_count(void) {
    int64_t n = 0;
    pthread_mutex_lock(&g_reg_lock);
    for (kx_stream *s = g_streams; s != NULL; s = s->next) n += !s->is_default;
    for (kx_event *e = g_events; e != NULL; e = e->next) n++;
    pthread_mutex_unlock(&g_reg_lock);
    return n;
}

void kx_handles_reset(void) {
    pthread_mutex_lock(&g_reg_lock);
    kx_handle_entry *v = g_handles;
    size_t n = g_nhandles;
    g_handles = NULL;
    g_nhandles = g_cap_handles = 0;
    pthread_mutex_unlock(&g_reg_lock);
    for (size_t i = 0; i < n; i++)
        if (v[i].destroy) v[i].destroy(v[i].handle);
    free(v);
}

void kx_stream_reset(void) {
    atomic_store(&g_delay_tasks, 0);
    pthread_mutex_lock(&g_reg_lock);
    kx_stream *s = g_streams;
    kx_event *e = g_events;
    g_streams = NULL;
    g_events = NULL;
    memset(g_default, 0, sizeof g_default);
    pthread_mutex_unlock(&g_reg_lock);
    while (s != NULL) {          /* drains: queued waits on events still complete */
        kx_stream *next = s->next;
        if (s != t_worker) stream_join_free(s);
        s = next;
    }
    while (e != NULL) {
        kx_event *next = e->next;
        event_unref(e);
        e = next;
    }
}

/*
 * Makes the next `tasks` tasks enqueued on any stream (copies, kernels, event records and waits) each sleep
 * `micros` before they run: a stream made slow on demand, so a test can observe that work on another stream sees
 * its results only through an event. 0 tasks disarms. Declared here, not in kx_emu.h: a test control only.
 */
KX_EXPORT int kuaxin_emu_delay_next_tasks(int tasks, int64_t micros);
KX_EXPORT int kuaxin_emu_delay_next_tasks(int tasks, int64_t micros) {
    if (tasks < 0 || micros < 0) return KX_ERR_INVALID_VALUE;
    atomic_store(&g_delay_us, micros);
    atomic_store(&g_delay_tasks, tasks);
    return KX_OK;
}
