/*
 * ccl_hccl.c - emulator of HCCL (libkuaxin-emu-hccl.so) on the Ascend
 * emulator's streams: the same transport and communicator as the NCCL family
 * (ccl_wire.c, ccl_comm.c) behind HCCL's API shape and codes. Failures while
 * an operation runs are the communicator's asynchronous error
 * (HcclGetCommAsyncError): HCCL_E_REMOTE for a lost peer, HCCL_E_TIMEOUT, and
 * HCCL_E_PARA for ranks that disagree. HcclCommDestroy also unblocks a
 * waiting stream (it is HCCL's way to tear a failed communicator down).
 */
#define _GNU_SOURCE
#include "ccl_comm.h"
#include "hccl/hccl.h"

#include <stdio.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))
#define C(comm) ((kx_ccl_comm *)(comm))

static HcclResult to_hccl(int st) {
    switch (st) {
    case KX_CCL_OK: return HCCL_SUCCESS;
    case KX_CCL_MISMATCH: return HCCL_E_PARA;
    case KX_CCL_BAD_ARG: return HCCL_E_PARA;
    case KX_CCL_TIMEOUT: return HCCL_E_TIMEOUT;
    case KX_CCL_SYSTEM: return HCCL_E_SYSCALL;
    default: return HCCL_E_REMOTE;
    }
}

static int map_type(HcclDataType t) {
    switch ((int)t) {
    case HCCL_DATA_TYPE_INT8: return KX_T_I8;
    case HCCL_DATA_TYPE_INT16: return KX_T_I16;
    case HCCL_DATA_TYPE_INT32: return KX_T_I32;
    case HCCL_DATA_TYPE_FP16: return KX_T_F16;
    case HCCL_DATA_TYPE_FP32: return KX_T_F32;
    case HCCL_DATA_TYPE_INT64: return KX_T_I64;
    case HCCL_DATA_TYPE_UINT64: return KX_T_U64;
    case HCCL_DATA_TYPE_UINT8: return KX_T_U8;
    case HCCL_DATA_TYPE_UINT16: return KX_T_U16;
    case HCCL_DATA_TYPE_UINT32: return KX_T_U32;
    case HCCL_DATA_TYPE_FP64: return KX_T_F64;
    case HCCL_DATA_TYPE_BFP16: return KX_T_BF16;
    default: return -1;
    }
}

EXPORT HcclResult HcclGetRootInfo(HcclRootInfo *root) {
    if (!root) return HCCL_E_PTR;
    memset(root, 0, sizeof *root);
    return to_hccl(kx_ccl_root_start((kx_ccl_id *)root->internal));
}

EXPORT HcclResult HcclCommInitRootInfo(uint32_t nRanks, const HcclRootInfo *root, uint32_t rank, HcclComm *comm) {
    if (!root || !comm) return HCCL_E_PTR;
    if (nRanks < 1 || rank >= nRanks) return HCCL_E_PARA;
    *comm = NULL;
    kx_ccl_id id;
    memcpy(&id, root->internal, sizeof id);
    kx_ccl_comm *c;
    int st = kx_ccl_comm_init(&id, (int)nRanks, (int)rank, &c, NULL, 0);
    if (st != KX_CCL_OK) return to_hccl(st);
    *comm = c;
    return HCCL_SUCCESS;
}

EXPORT HcclResult HcclCommDestroy(HcclComm comm) {
    if (!kx_ccl_comm_ok(C(comm))) return HCCL_E_PARA;
    kx_ccl_comm_abort(C(comm));
    return HCCL_SUCCESS;
}

EXPORT HcclResult HcclGetCommAsyncError(HcclComm comm, HcclResult *err) {
    if (!kx_ccl_comm_ok(C(comm)) || !err) return HCCL_E_PARA;
    *err = to_hccl(kx_ccl_comm_async(C(comm)));
    return HCCL_SUCCESS;
}

EXPORT const char *HcclGetErrorString(HcclResult code) {
    switch ((int)code) {
    case HCCL_SUCCESS: return "success";
    case HCCL_E_PARA: return "parameter error";
    case HCCL_E_PTR: return "empty pointer";
    case HCCL_E_TIMEOUT: return "timeout";
    case HCCL_E_SYSCALL: return "call system interface error";
    case HCCL_E_REMOTE: return "error cqe";
    default: return "unknown error";
    }
}

/* The message of the last failure (Kuaxin's emulator only: CANN logs it instead). */
EXPORT const char *kuaxin_hccl_emu_last_error(HcclComm comm) {
    return kx_ccl_comm_ok(C(comm)) ? kx_ccl_comm_last_error(C(comm)) : kx_ccl_init_error();
}

static HcclResult submit(int kind, const void *send, void *recv, uint64_t count, HcclDataType dt, int op, int peer,
                         HcclComm comm, void *stream) {
    if (!kx_ccl_comm_ok(C(comm))) return HCCL_E_PARA;
    int type = map_type(dt);
    if (type < 0) return HCCL_E_NOT_SUPPORT;
    if ((kind == KX_CCL_ALLREDUCE || kind == KX_CCL_REDUCESCATTER) && (op < 0 || op > 3)) return HCCL_E_PARA;
    int st = kx_ccl_comm_submit(C(comm), kind, send, recv, count, type, op, peer, stream);
    switch (st) {
    case KX_CCL_OK: return HCCL_SUCCESS;
    case KX_CCL_SYSTEM: return HCCL_E_RUNTIME; /* not a live stream */
    case KX_CCL_ABORTED: return HCCL_E_INTERNAL;
    default: return HCCL_E_PARA;
    }
}

EXPORT HcclResult HcclAllReduce(void *s, void *r, uint64_t count, HcclDataType dt, HcclReduceOp op, HcclComm comm,
                                aclrtStream stream) {
    return submit(KX_CCL_ALLREDUCE, s, r, count, dt, (int)op, 0, comm, stream);
}

EXPORT HcclResult HcclBroadcast(void *buf, uint64_t count, HcclDataType dt, uint32_t root, HcclComm comm,
                                aclrtStream stream) {
    return submit(KX_CCL_BROADCAST, buf, buf, count, dt, 0, (int)root, comm, stream);
}

EXPORT HcclResult HcclReduceScatter(void *s, void *r, uint64_t count, HcclDataType dt, HcclReduceOp op,
                                    HcclComm comm, aclrtStream stream) {
    return submit(KX_CCL_REDUCESCATTER, s, r, count, dt, (int)op, 0, comm, stream);
}

EXPORT HcclResult HcclAllGather(void *s, void *r, uint64_t count, HcclDataType dt, HcclComm comm,
                                aclrtStream stream) {
    return submit(KX_CCL_ALLGATHER, s, r, count, dt, 0, 0, comm, stream);
}

EXPORT HcclResult HcclSend(void *s, uint64_t count, HcclDataType dt, uint32_t dest, HcclComm comm,
                           aclrtStream stream) {
    return submit(KX_CCL_SEND, s, NULL, count, dt, 0, (int)dest, comm, stream);
}

EXPORT HcclResult HcclRecv(void *r, uint64_t count, HcclDataType dt, uint32_t src, HcclComm comm,
                           aclrtStream stream) {
    return submit(KX_CCL_RECV, NULL, r, count, dt, 0, (int)src, comm, stream);
}

/* A barrier: an all-reduce of zero elements, which the root still completes only when every rank called it. */
EXPORT HcclResult HcclBarrier(HcclComm comm, aclrtStream stream) {
    return submit(KX_CCL_ALLREDUCE, NULL, NULL, 0, HCCL_DATA_TYPE_FP32, 0, 0, comm, stream);
}

#include "ccl_control.h"
