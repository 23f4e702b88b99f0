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
#include "ccl_comm.h"

#ifndef KX_CCL_PREFIX
#define KX_CCL_PREFIX nccl
#endif
#include "nccl/nccl.h"

#include <stdio.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

/* ncclComm_t is the shared communicator itself. */
#define C(comm) ((kx_ccl_comm *)(comm))

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

EXPORT ncclResult_t KX_CCL(CommInitRank)(ncclComm_t *comm, int nranks, ncclUniqueId id, int rank) {
    if (!comm || nranks < 1 || rank < 0 || rank >= nranks) return ncclInvalidArgument;
    *comm = NULL;
    kx_ccl_id kid;
    memcpy(&kid, id.internal, sizeof kid);
    kx_ccl_comm *c;
    int st = kx_ccl_comm_init(&kid, nranks, rank, &c, NULL, 0);
    if (st != KX_CCL_OK) return to_nccl(st);
    *comm = (ncclComm_t)c;
    return ncclSuccess;
}

EXPORT ncclResult_t KX_CCL(CommDestroy)(ncclComm_t comm) {
    if (!kx_ccl_comm_ok(C(comm))) return ncclInvalidArgument;
    kx_ccl_comm_destroy(C(comm));
    return ncclSuccess;
}

EXPORT ncclResult_t KX_CCL(CommAbort)(ncclComm_t comm) {
    if (!kx_ccl_comm_ok(C(comm))) return ncclInvalidArgument;
    kx_ccl_comm_abort(C(comm));
    return ncclSuccess;
}

EXPORT ncclResult_t KX_CCL(CommGetAsyncError)(ncclComm_t comm, ncclResult_t *err) {
    if (!kx_ccl_comm_ok(C(comm)) || !err) return ncclInvalidArgument;
    int st = kx_ccl_comm_async(C(comm));
    *err = st == KX_CCL_BAD_ARG ? ncclUnhandledCudaError : to_nccl(st); /* a bad device pointer: a CUDA error */
    return ncclSuccess;
}

EXPORT ncclResult_t KX_CCL(CommCount)(const ncclComm_t comm, int *count) {
    if (!kx_ccl_comm_ok(C(comm)) || !count) return ncclInvalidArgument;
    *count = kx_ccl_comm_size(C(comm));
    return ncclSuccess;
}

EXPORT ncclResult_t KX_CCL(CommUserRank)(const ncclComm_t comm, int *rank) {
    if (!kx_ccl_comm_ok(C(comm)) || !rank) return ncclInvalidArgument;
    *rank = kx_ccl_comm_rank(C(comm));
    return ncclSuccess;
}

/* NCCL >= 2.13: the last error's message; comm may be NULL (then the last init failure). */
EXPORT const char *KX_CCL(GetLastError)(ncclComm_t comm) {
    return kx_ccl_comm_ok(C(comm)) ? kx_ccl_comm_last_error(C(comm)) : kx_ccl_init_error();
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

static ncclResult_t submit(int kind, const void *send, void *recv, size_t count, ncclDataType_t dt, int op, int peer,
                           ncclComm_t comm, void *stream) {
    if (!kx_ccl_comm_ok(C(comm))) return ncclInvalidArgument;
    int type = map_type(dt);
    if (type < 0) return ncclInvalidArgument;
    if ((kind == KX_CCL_ALLREDUCE || kind == KX_CCL_REDUCESCATTER) && map_op((ncclRedOp_t)op) < 0) {
        return ncclInvalidArgument;
    }
    int st = kx_ccl_comm_submit(C(comm), kind, send, recv, count, type, op, peer, stream);
    switch (st) {
    case KX_CCL_OK: return ncclSuccess;
    case KX_CCL_ABORTED: return ncclInvalidUsage;
    case KX_CCL_SYSTEM: return ncclUnhandledCudaError; /* not a live stream of the runtime */
    default: return ncclInvalidArgument;
    }
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

#include "ccl_control.h"
