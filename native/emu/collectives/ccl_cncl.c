/*
 * ccl_cncl.c - emulator of CNCL (libkuaxin-emu-cncl.so) on the Cambricon
 * emulator's queues: the same transport and communicator as the NCCL family
 * and HCCL (ccl_wire.c, ccl_comm.c) behind CNCL's API shape and codes.
 *
 * CNCL's shape: the clique id is 128 bytes of data plus a 64-bit hash; one
 * cnclInitComms call creates every communicator of the clique this process
 * holds (device and rank arrays; each joins on its own thread here, since a
 * join waits for all ranks); a NULL clique id means one process holds the
 * whole clique. What cncl.h states is enforced: ranks in [0, nrank) and unique,
 * one initialisation per clique id per process (CNCL_RET_ERR_REINIT). The hash
 * is the emulator's own (FNV-1a of the data): an id whose hash disagrees with
 * its data was not made by cnclGetCliqueId and is refused.
 *
 * Failures while an operation runs are the communicator's asynchronous error:
 * cnclGetCommAsyncError returns CNCL_RET_ASYNC_ERROR (or ERR_MLU_RUNTIME for
 * a buffer that is not device memory) and kuaxin_cncl_emu_last_error says why.
 * cnclAbortComm unblocks a waiting queue at once.
 */
#define _GNU_SOURCE
#include "ccl_comm.h"
#include "cambricon/cncl.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))
#define CNCL_MAGIC 0x434e434cu /* 'CNCL' */

/* cnclComm_t: the shared communicator plus what CNCL reports about it. */
typedef struct cnclComm {
    uint32_t magic;
    int dev;
    kx_ccl_comm *c;
} cncl_comm;

static int ok(const cncl_comm *h) { return h != NULL && h->magic == CNCL_MAGIC && kx_ccl_comm_ok(h->c); }

static uint64_t fnv1a(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

/* ---- clique ids already used for initialisation in this process (never released: ids never repeat) ---- */
static pthread_mutex_t g_used_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *g_used;
static size_t g_used_n, g_used_cap;

/* 1 if the id was free and is now taken, 0 if it was used before. */
static int take_id(uint64_t nonce) {
    pthread_mutex_lock(&g_used_lock);
    for (size_t i = 0; i < g_used_n; i++) {
        if (g_used[i] == nonce) {
            pthread_mutex_unlock(&g_used_lock);
            return 0;
        }
    }
    if (g_used_n == g_used_cap) {
        size_t cap = g_used_cap ? 2 * g_used_cap : 16;
        uint64_t *p = realloc(g_used, cap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&g_used_lock);
            return 1; /* cannot remember it: let it through rather than fail */
        }
        g_used = p;
        g_used_cap = cap;
    }
    g_used[g_used_n++] = nonce;
    pthread_mutex_unlock(&g_used_lock);
    return 1;
}

static char g_error[512]; /* the last initialisation failure, for kuaxin_cncl_emu_last_error(NULL) */

static cnclResult_t init_status(int st) {
    switch (st) {
    case KX_CCL_OK: return CNCL_RET_SUCCESS;
    case KX_CCL_SYSTEM: return CNCL_RET_ERR_SYS_SOCKET;
    case KX_CCL_BAD_ARG: return CNCL_RET_ERR_ARGUMENTS;
    default: return CNCL_RET_ERR_INIT; /* a rank missing (timeout), a root gone, ranks that disagree */
    }
}

EXPORT cnclResult_t cnclGetCliqueId(cnclCliqueId_t clique_id) {
    if (!clique_id) return CNCL_RET_ERR_ARGUMENTS;
    memset(clique_id, 0, sizeof *clique_id);
    int st = kx_ccl_root_start((kx_ccl_id *)clique_id->data);
    if (st != KX_CCL_OK) return CNCL_RET_ERR_INTERNAL;
    clique_id->hash = fnv1a(clique_id->data, CNCL_CLIQUE_ID_BYTES_SIZE);
    return CNCL_RET_SUCCESS;
}

typedef struct {
    const kx_ccl_id *id;
    int nrank, rank, st;
    kx_ccl_comm *c;
    char err[256];
} join_t;

static void *join_one(void *p) {
    join_t *j = p;
    j->st = kx_ccl_comm_init(j->id, j->nrank, j->rank, &j->c, j->err, sizeof j->err);
    return NULL;
}

EXPORT cnclResult_t cnclInitComms(cnclComm_t *comms, int num_comm, const int *dev_list, const int *rank_list,
                                  int nrank, const cnclCliqueId_t clique_id) {
    if (!comms || !dev_list || !rank_list) return CNCL_RET_ERR_NULL_POINTER;
    if (num_comm < 1 || nrank < 1 || num_comm > nrank) {
        snprintf(g_error, sizeof g_error, "num_comm %d and nrank %d: need 1 <= num_comm <= nrank", num_comm, nrank);
        return CNCL_RET_ERR_ARGUMENTS;
    }
    for (int i = 0; i < num_comm; i++) {
        comms[i] = NULL;
        if (rank_list[i] < 0 || rank_list[i] >= nrank || dev_list[i] < 0) {
            snprintf(g_error, sizeof g_error, "rank_list[%d] = %d must lie in [0, %d); dev_list[%d] = %d", i,
                     rank_list[i], nrank, i, dev_list[i]);
            return CNCL_RET_ERR_ARGUMENTS;
        }
        for (int k = 0; k < i; k++) {
            if (rank_list[k] == rank_list[i]) {
                snprintf(g_error, sizeof g_error, "rank %d appears twice in rank_list", rank_list[i]);
                return CNCL_RET_ERR_ARGUMENTS;
            }
        }
    }
    struct cnclCliqueId own;
    const struct cnclCliqueId *id = clique_id;
    if (!id) { /* one process holds the whole clique: the library makes the id */
        if (num_comm != nrank) {
            snprintf(g_error, sizeof g_error, "a NULL clique id needs every rank in this call (%d of %d)", num_comm,
                     nrank);
            return CNCL_RET_ERR_ARGUMENTS;
        }
        cnclResult_t r = cnclGetCliqueId(&own);
        if (r != CNCL_RET_SUCCESS) return r;
        id = &own;
    } else if (id->hash != fnv1a(id->data, CNCL_CLIQUE_ID_BYTES_SIZE)) {
        snprintf(g_error, sizeof g_error, "not a clique id made by cnclGetCliqueId (its hash disagrees)");
        return CNCL_RET_ERR_ARGUMENTS;
    }
    kx_ccl_id kid;
    memcpy(&kid, id->data, sizeof kid);
    if (!take_id(kid.nonce)) {
        snprintf(g_error, sizeof g_error, "this clique id was already used to initialise in this process");
        return CNCL_RET_ERR_REINIT;
    }
    join_t *js = calloc((size_t)num_comm, sizeof *js);
    pthread_t *ts = calloc((size_t)num_comm, sizeof *ts);
    cncl_comm **hs = calloc((size_t)num_comm, sizeof *hs);
    if (!js || !ts || !hs) {
        free(js), free(ts), free(hs);
        return CNCL_RET_ERR_SYSTEM;
    }
    for (int i = 0; i < num_comm; i++) {
        js[i] = (join_t){.id = &kid, .nrank = nrank, .rank = rank_list[i]};
        hs[i] = calloc(1, sizeof **hs);
    }
    if (num_comm == 1) {
        join_one(&js[0]);
    } else {
        for (int i = 0; i < num_comm; i++) {
            if (pthread_create(&ts[i], NULL, join_one, &js[i]) != 0) {
                js[i].st = KX_CCL_SYSTEM; /* ranks that did start time out waiting for it */
                snprintf(js[i].err, sizeof js[i].err, "cannot start a thread to join rank %d", rank_list[i]);
                ts[i] = 0;
            }
        }
        for (int i = 0; i < num_comm; i++) if (ts[i]) pthread_join(ts[i], NULL);
    }
    int failed = -1;
    for (int i = 0; i < num_comm; i++) if (js[i].st != KX_CCL_OK || !hs[i]) { failed = i; break; }
    cnclResult_t r = CNCL_RET_SUCCESS;
    if (failed >= 0) { /* all or nothing: the ranks that joined leave, so their peers see them lost */
        snprintf(g_error, sizeof g_error, "rank %d: %s", rank_list[failed], js[failed].err);
        r = hs[failed] ? init_status(js[failed].st) : CNCL_RET_ERR_INTERNAL;
        for (int i = 0; i < num_comm; i++) {
            if (js[i].c) kx_ccl_comm_abort(js[i].c);
            free(hs[i]);
        }
    } else {
        for (int i = 0; i < num_comm; i++) {
            *hs[i] = (cncl_comm){.magic = CNCL_MAGIC, .dev = dev_list[i], .c = js[i].c};
            comms[i] = hs[i];
        }
    }
    free(js), free(ts), free(hs);
    return r;
}

EXPORT cnclResult_t cnclFreeComm(cnclComm_t comm) {
    if (!ok(comm)) return CNCL_RET_ERR_ARGUMENTS;
    kx_ccl_comm_destroy(comm->c);
    comm->magic = 0;
    free(comm);
    return CNCL_RET_SUCCESS;
}

EXPORT cnclResult_t cnclDestroyComms(cnclComm_t *comms, int num_comm) {
    if (!comms || num_comm < 1) return CNCL_RET_ERR_ARGUMENTS;
    for (int i = 0; i < num_comm; i++) if (!ok(comms[i])) return CNCL_RET_ERR_ARGUMENTS;
    for (int i = 0; i < num_comm; i++) cnclFreeComm(comms[i]);
    return CNCL_RET_SUCCESS;
}

EXPORT cnclResult_t cnclAbortComm(cnclComm_t comm) {
    if (!ok(comm)) return CNCL_RET_ERR_ARGUMENTS;
    kx_ccl_comm_abort(comm->c);
    comm->magic = 0;
    free(comm);
    return CNCL_RET_SUCCESS;
}

EXPORT cnclResult_t cnclGetCommCount(int *count, const cnclComm_t comm) {
    if (!ok(comm) || !count) return CNCL_RET_ERR_ARGUMENTS;
    *count = kx_ccl_comm_size(comm->c);
    return CNCL_RET_SUCCESS;
}

EXPORT cnclResult_t cnclGetCommRank(int *rank, const cnclComm_t comm) {
    if (!ok(comm) || !rank) return CNCL_RET_ERR_ARGUMENTS;
    *rank = kx_ccl_comm_rank(comm->c);
    return CNCL_RET_SUCCESS;
}

EXPORT cnclResult_t cnclGetCommDevice(int *dev, const cnclComm_t comm) {
    if (!ok(comm) || !dev) return CNCL_RET_ERR_ARGUMENTS;
    *dev = comm->dev;
    return CNCL_RET_SUCCESS;
}

EXPORT cnclResult_t cnclGetCommAsyncError(const cnclComm_t comm) {
    if (!ok(comm)) return CNCL_RET_ERR_ARGUMENTS;
    int st = kx_ccl_comm_async(comm->c);
    if (st == KX_CCL_OK) return CNCL_RET_SUCCESS;
    return st == KX_CCL_BAD_ARG ? CNCL_RET_ERR_MLU_RUNTIME : CNCL_RET_ASYNC_ERROR;
}

EXPORT const char *cnclGetErrorStr(cnclResult_t ret) {
    switch ((int)ret) {
    case CNCL_RET_SUCCESS: return "CNCL_RET_SUCCESS";
    case CNCL_RET_ERR_INTERNAL: return "CNCL_RET_ERR_INTERNAL";
    case CNCL_RET_ERR_UNSUPPORTED: return "CNCL_RET_ERR_UNSUPPORTED";
    case CNCL_RET_ERR_NULL_POINTER: return "CNCL_RET_ERR_NULL_POINTER";
    case CNCL_RET_ERR_INIT: return "CNCL_RET_ERR_INIT";
    case CNCL_RET_ERR_NOT_INIT: return "CNCL_RET_ERR_NOT_INIT";
    case CNCL_RET_ERR_REINIT: return "CNCL_RET_ERR_REINIT";
    case CNCL_RET_ERR_SYS_SOCKET: return "CNCL_RET_ERR_SYS_SOCKET";
    case CNCL_RET_ERR_MLU_RUNTIME: return "CNCL_RET_ERR_MLU_RUNTIME";
    case CNCL_RET_ASYNC_ERROR: return "CNCL_RET_ASYNC_ERROR";
    case CNCL_RET_ERR_ARGUMENTS: return "CNCL_RET_ERR_ARGUMENTS";
    default: return "unknown CNCL result";
    }
}

/* The message of the last failure (Kuaxin's emulator only); NULL comm: the last initialisation failure. */
EXPORT const char *kuaxin_cncl_emu_last_error(cnclComm_t comm) {
    return ok(comm) ? kx_ccl_comm_last_error(comm->c) : g_error;
}

static int map_type(cnclDataType_t t) {
    switch ((int)t) {
    case cnclInt8: return KX_T_I8;
    case cnclUint8: return KX_T_U8;
    case cnclInt16: return KX_T_I16;
    case cnclUint16: return KX_T_U16;
    case cnclInt32: return KX_T_I32;
    case cnclUint32: return KX_T_U32;
    case cnclInt64: return KX_T_I64;
    case cnclUint64: return KX_T_U64;
    case cnclFloat16: return KX_T_F16;
    case cnclBfloat16: return KX_T_BF16;
    case cnclFloat32: return KX_T_F32;
    default: return -1;
    }
}

static cnclResult_t submit(int kind, const void *send, void *recv, size_t count, cnclDataType_t dt, int op, int peer,
                           cnclComm_t comm, void *queue) {
    if (!ok(comm)) return CNCL_RET_ERR_ARGUMENTS;
    int type = map_type(dt);
    if (type < 0) return CNCL_RET_ERR_UNSUPPORTED;
    if ((kind == KX_CCL_ALLREDUCE || kind == KX_CCL_REDUCESCATTER) && (op < 0 || op > 3)) {
        return CNCL_RET_ERR_UNSUPPORTED; /* Sum, Prod, Max, Min: no average */
    }
    int st = kx_ccl_comm_submit(comm->c, kind, send, recv, count, type, op, peer, queue);
    switch (st) {
    case KX_CCL_OK: return CNCL_RET_SUCCESS;
    case KX_CCL_SYSTEM: return CNCL_RET_ERR_MLU_RUNTIME; /* not a live queue */
    case KX_CCL_ABORTED: return CNCL_RET_ERR_NOT_INIT;
    default: return CNCL_RET_ERR_ARGUMENTS;
    }
}

EXPORT cnclResult_t cnclAllReduce(const void *s, void *r, size_t count, cnclDataType_t dt, cnclReduceOp_t op,
                                  cnclComm_t comm, cnrtQueue_t queue) {
    return submit(KX_CCL_ALLREDUCE, s, r, count, dt, (int)op, 0, comm, queue);
}

EXPORT cnclResult_t cnclReduceScatter(const void *s, void *r, size_t count, cnclDataType_t dt, cnclReduceOp_t op,
                                      cnclComm_t comm, cnrtQueue_t queue) {
    return submit(KX_CCL_REDUCESCATTER, s, r, count, dt, (int)op, 0, comm, queue);
}

EXPORT cnclResult_t cnclAllGather(const void *s, void *r, size_t count, cnclDataType_t dt, cnclComm_t comm,
                                  cnrtQueue_t queue) {
    return submit(KX_CCL_ALLGATHER, s, r, count, dt, 0, 0, comm, queue);
}

EXPORT cnclResult_t cnclBroadcast(const void *s, void *r, size_t count, cnclDataType_t dt, int root, cnclComm_t comm,
                                  cnrtQueue_t queue) {
    return submit(KX_CCL_BROADCAST, s, r, count, dt, 0, root, comm, queue);
}

EXPORT cnclResult_t cnclBcast(void *buf, size_t count, cnclDataType_t dt, int root, cnclComm_t comm,
                              cnrtQueue_t queue) {
    return submit(KX_CCL_BROADCAST, buf, buf, count, dt, 0, root, comm, queue);
}

EXPORT cnclResult_t cnclSend(void *buf, const size_t count, cnclDataType_t dt, const int dest, const cnclComm_t comm,
                             cnrtQueue_t queue) {
    return submit(KX_CCL_SEND, buf, NULL, count, dt, 0, dest, comm, queue);
}

EXPORT cnclResult_t cnclRecv(void *buf, const size_t count, cnclDataType_t dt, const int source,
                             const cnclComm_t comm, cnrtQueue_t queue) {
    return submit(KX_CCL_RECV, NULL, buf, count, dt, 0, source, comm, queue);
}

#include "ccl_control.h"
