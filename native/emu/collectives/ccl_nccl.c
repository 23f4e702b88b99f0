/*
 * ccl_nccl.c - emulator of NCCL and its clones (one source, one library per
 * symbol prefix: -DKX_CCL_PREFIX=nccl|mccl|bccl; RCCL uses the nccl names).
 *
 * Data really moves between ranks (ccl_wire.c), on the runtime's stream: the
 * library looks for the runtime emulator of its family among the libraries
 * already loaded (libkuaxin-emu-<KX_CCL_RUNTIME>.so), as NCCL uses the loaded
 * CUDA runtime, and enqueues each collective on that emulator's stream with
 * its device addresses translated. Without it (C tests), buffers are host
 * memory and calls complete before returning.
 *
 * Failures follow NCCL: argument errors are returned; failures while the
 * operation runs (a peer lost, ranks that disagree, the timeout) become the
 * communicator's asynchronous error (CommGetAsyncError: ncclRemoteError or
 * ncclInvalidUsage), later operations on it are skipped, and
 * CommAbort unblocks a waiting stream at once.
 */
#define _GNU_SOURCE
#include "ccl_wire.h"

#ifndef KX_CCL_PREFIX
#define KX_CCL_PREFIX nccl
#endif
#ifndef KX_CCL_RUNTIME
#define KX_CCL_RUNTIME "cuda"
#endif
#include "nccl/nccl.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))
#define STR2(x) #x
#define STR(x) STR2(x)

struct ncclComm {
    uint32_t magic;
    kx_ccl_conn *conn;
    int rank, nranks;
    atomic_int refs;
    atomic_int async_error;
    atomic_int aborted;
    pthread_mutex_t lock;
    char last_error[160];
};
#define COMM_MAGIC 0x636f6d6du

/* ---- the runtime emulator, if loaded ---- */

typedef void *(*translate_fn)(const void *, size_t);
typedef int (*enqueue_fn)(void *, void (*)(void *), void *);
static translate_fn g_translate;
static enqueue_fn g_enqueue;
static pthread_once_t g_bridge_once = PTHREAD_ONCE_INIT;

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

/* ---- comms ---- */

static int comm_ok(ncclComm_t c) { return c != NULL && c->magic == COMM_MAGIC; }

static void comm_unref(ncclComm_t c) {
    if (atomic_fetch_sub(&c->refs, 1) == 1) {
        kx_ccl_close(c->conn);
        c->magic = 0;
        pthread_mutex_destroy(&c->lock);
        free(c);
    }
}

static ncclResult_t to_nccl(int st) {
    switch (st) {
    case KX_CCL_OK: return ncclSuccess;
    case KX_CCL_MISMATCH: return ncclInvalidUsage;
    case KX_CCL_BAD_ARG: return ncclInvalidArgument;
    case KX_CCL_SYSTEM: return ncclSystemError;
    default: return ncclRemoteError; /* lost peer, timeout, aborted */
    }
}

static int map_type(ncclDataType_t t) {
    switch ((int)t) {
    case ncclInt8: return KX_T_I8;
    case ncclUint8: return KX_T_U8;
    case ncclInt32: return KX_T_I32;
    case ncclUint32: return KX_T_U32;
    case ncclInt64: return KX_T_I64;
    case ncclUint64: return KX_T_U64;
    case ncclFloat16: return KX_T_F16;
    case ncclFloat32: return KX_T_F32;
    case ncclFloat64: return KX_T_F64;
    case ncclBfloat16: return KX_T_BF16;
    default: return -1;
    }
}

static int map_op(ncclRedOp_t op) { return (int)op >= 0 && (int)op <= 4 ? (int)op : -1; } /* same order as KX_R_* */

EXPORT ncclResult_t KX_CCL(GetVersion)(int *version) {
    if (!version) return ncclInvalidArgument;
    *version = 22304; /* reports NCCL 2.23.4's encoding: major*10000 + minor*100 + patch */
    return ncclSuccess;
}

EXPORT ncclResult_t KX_CCL(GetUniqueId)(ncclUniqueId *id) {
    if (!id) return ncclInvalidArgument;
    memset(id, 0, sizeof *id);
    return to_nccl(kx_ccl_root_start((kx_ccl_id *)id->internal));
}

static char g_init_error[160];

EXPORT ncclResult_t KX_CCL(CommInitRank)(ncclComm_t *comm, int nranks, ncclUniqueId id, int rank) {
    if (!comm || nranks < 1 || rank < 0 || rank >= nranks) return ncclInvalidArgument;
    *comm = NULL;
    pthread_once(&g_bridge_once, bridge_init);
    kx_ccl_id kid;
    memcpy(&kid, id.internal, sizeof kid);
    kx_ccl_conn *conn;
    int st = kx_ccl_join(&kid, nranks, rank, &conn, g_init_error, sizeof g_init_error);
    if (st != KX_CCL_OK) return st == KX_CCL_BAD_ARG ? ncclInvalidArgument : to_nccl(st);
    ncclComm_t c = calloc(1, sizeof *c);
    c->magic = COMM_MAGIC;
    c->conn = conn;
    c->rank = rank;
    c->nranks = nranks;
    atomic_init(&c->refs, 1);
    pthread_mutex_init(&c->lock, NULL);
    *comm = c;
    return ncclSuccess;
}

EXPORT ncclResult_t KX_CCL(CommDestroy)(ncclComm_t comm) {
    if (!comm_ok(comm)) return ncclInvalidArgument;
    comm_unref(comm); /* queued operations hold their own reference */
    return ncclSuccess;
}

EXPORT ncclResult_t KX_CCL(CommAbort)(ncclComm_t comm) {
    if (!comm_ok(comm)) return ncclInvalidArgument;
    atomic_store(&comm->aborted, 1);
    kx_ccl_shutdown(comm->conn);
    comm_unref(comm);
    return ncclSuccess;
}

EXPORT ncclResult_t KX_CCL(CommGetAsyncError)(ncclComm_t comm, ncclResult_t *err) {
    if (!comm_ok(comm) || !err) return ncclInvalidArgument;
    *err = (ncclResult_t)atomic_load(&comm->async_error);
    return ncclSuccess;
}

EXPORT ncclResult_t KX_CCL(CommCount)(const ncclComm_t comm, int *count) {
    if (!comm_ok(comm) || !count) return ncclInvalidArgument;
    *count = comm->nranks;
    return ncclSuccess;
}

EXPORT ncclResult_t KX_CCL(CommUserRank)(const ncclComm_t comm, int *rank) {
    if (!comm_ok(comm) || !rank) return ncclInvalidArgument;
    *rank = comm->rank;
    return ncclSuccess;
}

/* NCCL >= 2.13: the last error's message; comm may be NULL (then the last init failure). */
EXPORT const char *KX_CCL(GetLastError)(ncclComm_t comm) {
    if (comm_ok(comm)) return comm->last_error;
    return g_init_error;
}

EXPORT const char *KX_CCL(GetErrorString)(ncclResult_t r) {
    switch ((int)r) {
    case ncclSuccess: return "no error";
    case ncclUnhandledCudaError: return "unhandled cuda error (run with NCCL_DEBUG=INFO for details)";
    case ncclSystemError: return "unhandled system error (run with NCCL_DEBUG=INFO for details)";
    case ncclInternalError: return "internal error - please report this issue to the NCCL developers";
    case ncclInvalidArgument: return "invalid argument (run with NCCL_DEBUG=WARN for details)";
    case ncclInvalidUsage: return "invalid usage (run with NCCL_DEBUG=WARN for details)";
    case ncclRemoteError: return "remote process exited or there was a network error";
    case ncclInProgress: return "NCCL operation in progress";
    default: return "unknown result code";
    }
}

EXPORT ncclResult_t KX_CCL(GroupStart)(void) { return ncclSuccess; } /* sends are eager: nothing to batch */
EXPORT ncclResult_t KX_CCL(GroupEnd)(void) { return ncclSuccess; }

/* ---- operations ---- */

typedef struct {
    ncclComm_t comm;
    int kind, type, op, peer;
    const void *send;
    void *recv;
    uint64_t count;
    size_t send_bytes, recv_bytes;
    int translate;
} task_t;

static void run_task(void *p) {
    task_t *t = p;
    ncclComm_t c = t->comm;
    if (!atomic_load(&c->aborted) && atomic_load(&c->async_error) == ncclSuccess) {
        const void *s = t->send;
        void *r = t->recv;
        if (t->translate) {
            s = t->send_bytes ? g_translate(t->send, t->send_bytes) : NULL;
            r = t->recv_bytes ? g_translate(t->recv, t->recv_bytes) : NULL;
        }
        if ((t->send_bytes && !s) || (t->recv_bytes && !r)) {
            pthread_mutex_lock(&c->lock);
            snprintf(c->last_error, sizeof c->last_error, "a buffer is not inside one live device allocation");
            pthread_mutex_unlock(&c->lock);
            atomic_store(&c->async_error, ncclUnhandledCudaError);
        } else {
            char err[160] = "";
            int st = kx_ccl_op(c->conn, t->kind, s, r, t->count, t->type, t->op, t->peer, err, sizeof err);
            if (st != KX_CCL_OK) {
                pthread_mutex_lock(&c->lock);
                snprintf(c->last_error, sizeof c->last_error, "%s", err);
                pthread_mutex_unlock(&c->lock);
                atomic_store(&c->async_error, to_nccl(st));
            }
        }
    }
    comm_unref(c);
    free(t);
}

static ncclResult_t submit(int kind, const void *send, void *recv, size_t count, ncclDataType_t dt, int op, int peer,
                           ncclComm_t comm, void *stream) {
    if (!comm_ok(comm)) return ncclInvalidArgument;
    int type = map_type(dt);
    if (type < 0) return ncclInvalidArgument;
    if ((kind == KX_CCL_ALLREDUCE || kind == KX_CCL_REDUCESCATTER) && map_op((ncclRedOp_t)op) < 0) {
        return ncclInvalidArgument;
    }
    int n = comm->nranks;
    if ((kind == KX_CCL_BROADCAST || kind == KX_CCL_SEND || kind == KX_CCL_RECV) && (peer < 0 || peer >= n)) {
        return ncclInvalidArgument;
    }
    size_t es = kx_ccl_type_size(type);
    size_t sb = 0, rb = 0;
    switch (kind) {
    case KX_CCL_ALLREDUCE: sb = rb = count * es; break;
    case KX_CCL_ALLGATHER: sb = count * es; rb = count * es * (size_t)n; break;
    case KX_CCL_REDUCESCATTER: sb = count * es * (size_t)n; rb = count * es; break;
    case KX_CCL_BROADCAST: sb = comm->rank == peer ? count * es : 0; rb = count * es; break;
    case KX_CCL_SEND: sb = count * es; break;
    case KX_CCL_RECV: rb = count * es; break;
    }
    if ((sb && !send) || (rb && !recv)) return ncclInvalidArgument;
    if (atomic_load(&comm->aborted)) return ncclInvalidUsage;
    task_t *t = calloc(1, sizeof *t);
    *t = (task_t){comm, kind, type, op, peer, send, recv, count, sb, rb, g_enqueue != NULL};
    atomic_fetch_add(&comm->refs, 1);
    if (g_enqueue) {
        int st = g_enqueue(stream, run_task, t);
        if (st != 0) {
            atomic_fetch_sub(&comm->refs, 1);
            free(t);
            return ncclUnhandledCudaError; /* not a live stream of the runtime */
        }
        return ncclSuccess;
    }
    run_task(t);
    return ncclSuccess;
}

EXPORT ncclResult_t KX_CCL(AllReduce)(const void *s, void *r, size_t count, ncclDataType_t dt, ncclRedOp_t op,
                                      ncclComm_t comm, kxCclStream_t stream) {
    return submit(KX_CCL_ALLREDUCE, s, r, count, dt, (int)op, 0, comm, stream);
}

EXPORT ncclResult_t KX_CCL(AllGather)(const void *s, void *r, size_t count, ncclDataType_t dt, ncclComm_t comm,
                                      kxCclStream_t stream) {
    return submit(KX_CCL_ALLGATHER, s, r, count, dt, 0, 0, comm, stream);
}

EXPORT ncclResult_t KX_CCL(ReduceScatter)(const void *s, void *r, size_t count, ncclDataType_t dt, ncclRedOp_t op,
                                          ncclComm_t comm, kxCclStream_t stream) {
    return submit(KX_CCL_REDUCESCATTER, s, r, count, dt, (int)op, 0, comm, stream);
}

EXPORT ncclResult_t KX_CCL(Broadcast)(const void *s, void *r, size_t count, ncclDataType_t dt, int root,
                                      ncclComm_t comm, kxCclStream_t stream) {
    return submit(KX_CCL_BROADCAST, s, r, count, dt, 0, root, comm, stream);
}

EXPORT ncclResult_t KX_CCL(Send)(const void *s, size_t count, ncclDataType_t dt, int peer, ncclComm_t comm,
                                 kxCclStream_t stream) {
    return submit(KX_CCL_SEND, s, NULL, count, dt, 0, peer, comm, stream);
}

EXPORT ncclResult_t KX_CCL(Recv)(void *r, size_t count, ncclDataType_t dt, int peer, ncclComm_t comm,
                                 kxCclStream_t stream) {
    return submit(KX_CCL_RECV, NULL, r, count, dt, 0, peer, comm, stream);
}

/* ---- control API (emulator only), bound by Kuaxin's tests ---- */

/* Bounds the wait for ranks to join and for peers in each operation (default 60000 ms). */
EXPORT void kuaxin_ccl_emu_set_timeout_ms(int ms) { kx_ccl_set_timeout_ms(ms); }

/* Live connections and roots in this process: 0 once every communicator was destroyed and its roots ended. */
EXPORT int64_t kuaxin_ccl_emu_live(void) { return kx_ccl_live(); }

/* Arms a fault for rank `rank` (-1 = any) of this process at its nth (1 = next) operation: "die" (the connection
 * drops, as if the process died) or "count" (it sends one element more than asked). Returns 0, or -1. */
EXPORT int kuaxin_ccl_emu_inject(const char *fault, int rank, int nth) {
    if (!fault || nth < 1) return -1;
    if (strcmp(fault, "die") == 0) kx_ccl_arm(KX_FAULT_DIE, rank, nth);
    else if (strcmp(fault, "count") == 0) kx_ccl_arm(KX_FAULT_COUNT, rank, nth);
    else return -1;
    return 0;
}

/* Which runtime emulator this library drives ("cuda", "hip", "musa", "supa") and whether it found it loaded. */
EXPORT const char *kuaxin_ccl_emu_runtime(void) {
    pthread_once(&g_bridge_once, bridge_init);
    return g_enqueue ? KX_CCL_RUNTIME : "host";
}
