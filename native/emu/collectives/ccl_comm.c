/*
 * ccl_comm.c - see ccl_comm.h.
 */
#define _GNU_SOURCE
#include "ccl_comm.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef KX_CCL_RUNTIME
#define KX_CCL_RUNTIME "cuda"
#endif

#pragma GCC visibility push(hidden)

#define COMM_MAGIC 0x636f6d6du

struct kx_ccl_comm {
    uint32_t magic;
    kx_ccl_conn *conn;
    int rank, nranks;
    atomic_int refs;
    atomic_int async_error;
    atomic_int aborted;
    pthread_mutex_t lock;
    char last_error[160];
};

/* ---- the runtime emulator, if loaded ---- */

typedef void *(*translate_fn)(const void *, size_t);
typedef int (*enqueue_fn)(void *, void (*)(void *), void *);
static translate_fn g_translate;
static enqueue_fn g_enqueue;
static pthread_once_t g_bridge_once = PTHREAD_ONCE_INIT;
static char g_init_error[160];

static int find_runtime(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    (void)data;
    const char *want = "libkuaxin-emu-" KX_CCL_RUNTIME ".so";
    const char *name = info->dlpi_name;
    if (!name || !*name) return 0;
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (strcmp(base, want) != 0) return 0;
    void *h = dlopen(name, RTLD_NOW | RTLD_NOLOAD);
    if (!h) return 0;
    g_translate = (translate_fn)dlsym(h, "kuaxin_emu_translate");
    g_enqueue = (enqueue_fn)dlsym(h, "kuaxin_emu_stream_enqueue");
    dlclose(h); /* still loaded by whoever loaded it */
    return g_translate && g_enqueue;
}

static void bridge_init(void) { dl_iterate_phdr(find_runtime, NULL); }

const char *kx_ccl_runtime(void) {
    pthread_once(&g_bridge_once, bridge_init);
    return g_enqueue ? KX_CCL_RUNTIME : "host";
}

const char *kx_ccl_init_error(void) { return g_init_error; }

int kx_ccl_comm_ok(const kx_ccl_comm *c) { return c != NULL && c->magic == COMM_MAGIC; }
int kx_ccl_comm_rank(const kx_ccl_comm *c) { return c->rank; }
int kx_ccl_comm_size(const kx_ccl_comm *c) { return c->nranks; }

int kx_ccl_comm_init(const kx_ccl_id *id, int nranks, int rank, kx_ccl_comm **out, char *err, size_t errlen) {
    *out = NULL;
    pthread_once(&g_bridge_once, bridge_init);
    kx_ccl_conn *conn;
    int st = kx_ccl_join(id, nranks, rank, &conn, g_init_error, sizeof g_init_error);
    if (err) snprintf(err, errlen, "%s", st == KX_CCL_OK ? "" : g_init_error);
    if (st != KX_CCL_OK) return st;
    kx_ccl_comm *c = calloc(1, sizeof *c);
    c->magic = COMM_MAGIC;
    c->conn = conn;
    c->rank = rank;
    c->nranks = nranks;
    atomic_init(&c->refs, 1);
    pthread_mutex_init(&c->lock, NULL);
    *out = c;
    return KX_CCL_OK;
}

static void unref(kx_ccl_comm *c) {
    if (atomic_fetch_sub(&c->refs, 1) == 1) {
        kx_ccl_close(c->conn);
        c->magic = 0;
        pthread_mutex_destroy(&c->lock);
        free(c);
    }
}

void kx_ccl_comm_destroy(kx_ccl_comm *c) { unref(c); }

void kx_ccl_comm_abort(kx_ccl_comm *c) {
    atomic_store(&c->aborted, 1);
    kx_ccl_shutdown(c->conn);
    unref(c);
}

int kx_ccl_comm_async(kx_ccl_comm *c) { return atomic_load(&c->async_error); }

const char *kx_ccl_comm_last_error(kx_ccl_comm *c) { return c->last_error; }

static void fail(kx_ccl_comm *c, int st, const char *msg) {
    pthread_mutex_lock(&c->lock);
    snprintf(c->last_error, sizeof c->last_error, "%s", msg);
    pthread_mutex_unlock(&c->lock);
    atomic_store(&c->async_error, st);
}

typedef struct {
    kx_ccl_comm *comm;
    int kind, type, op, peer;
    const void *send;
    void *recv;
    uint64_t count;
    size_t send_bytes, recv_bytes;
    int translate;
} task_t;

static void run_task(void *p) {
    task_t *t = p;
    kx_ccl_comm *c = t->comm;
    if (!atomic_load(&c->aborted) && atomic_load(&c->async_error) == KX_CCL_OK) {
        const void *s = t->send;
        void *r = t->recv;
        if (t->translate) {
            s = t->send_bytes ? g_translate(t->send, t->send_bytes) : NULL;
            r = t->recv_bytes ? g_translate(t->recv, t->recv_bytes) : NULL;
        }
        if ((t->send_bytes && !s) || (t->recv_bytes && !r)) {
            fail(c, KX_CCL_BAD_ARG, "a buffer is not inside one live device allocation");
        } else {
            char err[160] = "";
            int st = kx_ccl_op(c->conn, t->kind, s, r, t->count, t->type, t->op, t->peer, err, sizeof err);
            if (st != KX_CCL_OK) fail(c, st, err);
        }
    }
    unref(c);
    free(t);
}

int kx_ccl_comm_submit(kx_ccl_comm *c, int kind, const void *send, void *recv, uint64_t count, int type, int op,
                       int peer, void *stream) {
    size_t es = kx_ccl_type_size(type);
    int n = c->nranks;
    if (es == 0) return KX_CCL_BAD_ARG;
    if ((kind == KX_CCL_BROADCAST || kind == KX_CCL_SEND || kind == KX_CCL_RECV) && (peer < 0 || peer >= n)) {
        return KX_CCL_BAD_ARG;
    }
    size_t sb = 0, rb = 0;
    switch (kind) {
    case KX_CCL_ALLREDUCE: sb = rb = count * es; break;
    case KX_CCL_ALLGATHER: sb = count * es; rb = count * es * (size_t)n; break;
    case KX_CCL_REDUCESCATTER: sb = count * es * (size_t)n; rb = count * es; break;
    case KX_CCL_BROADCAST: sb = c->rank == peer ? count * es : 0; rb = count * es; break;
    case KX_CCL_SEND: sb = count * es; break;
    case KX_CCL_RECV: rb = count * es; break;
    default: return KX_CCL_BAD_ARG;
    }
    if ((sb && !send) || (rb && !recv)) return KX_CCL_BAD_ARG;
    if (atomic_load(&c->aborted)) return KX_CCL_ABORTED;
    task_t *t = calloc(1, sizeof *t);
    *t = (task_t){c, kind, type, op, peer, send, recv, count, sb, rb, g_enqueue != NULL};
    atomic_fetch_add(&c->refs, 1);
    if (g_enqueue) {
        if (g_enqueue(stream, run_task, t) != 0) {
            atomic_fetch_sub(&c->refs, 1);
            free(t);
            return KX_CCL_SYSTEM;
        }
        return KX_CCL_OK;
    }
    run_task(t);
    return KX_CCL_OK;
}

#pragma GCC visibility pop
