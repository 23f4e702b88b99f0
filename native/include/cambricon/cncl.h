/*
 * Kuaxin subset of CNCL (libcncl.so), Cambricon's collective library: cncl.h.
 * Unlike NCCL: a clique id of 128 bytes plus a 64-bit hash (136 bytes) passed
 * by pointer; one cnclInitComms call creates every communicator this process
 * holds in the clique (arrays of devices and ranks); its own result, dtype and
 * reduction codes; no AVG and no 64-bit float; the queue is a cnrtQueue_t; and
 * cnclGetCommAsyncError returns the error instead of writing it.
 *
 * Values and signatures (V): cncl.h of CNCL 1.25.0 (CNCL_MAJOR_VERSION 1,
 * CNCL_MINOR_VERSION 25), a public copy of Cambricon's header; the same names
 * and values are used by Cambricon/torch_mlu process_group_cncl.cpp,
 * MegEngine/MegRay src/cncl and flagos-ai/FlagCX cncl_adaptor.cc.
 *   cnclResult_t: SUCCESS 0x0, ERR_INTERNAL 0x01, ERR_UNSUPPORTED 0x11,
 *     ERR_NULL_POINTER 0x21, ERR_INIT 0x51, ERR_NOT_INIT 0x61, ERR_REINIT 0x71,
 *     ERR_SYSTEM 0x02, ERR_SYS_SOCKET 0x22, ERR_MLU_RUNTIME 0x03,
 *     ASYNC_IN_PROGRESS 0x06, ASYNC_ERROR 0x16, ERR_ARGUMENTS 0x07 (subset).
 *   cnclDataType_t: Float16 0x10, Bfloat16 0x11, Float32 0x12, Int8 0x20,
 *     Int16 0x21, Int32 0x22, Int64 0x23, Uint8 0x30, Uint16 0x31,
 *     Uint32 0x32, Uint64 0x33 (no 64-bit float).
 *   cnclReduceOp_t: Sum 0, Prod 1, Max 2, Min 3 (no average).
 *   CNCL_CLIQUE_ID_BYTES_SIZE 128; struct cnclCliqueId { char data[128];
 *     uint64_t hash; }; cnclCliqueId_t is a pointer to it.
 * Rules the header states, which the emulator enforces: rank_list values lie in
 * [0, nrank) and are unique in the clique; a NULL clique id is for one process
 * holding every rank; one clique id initialises once per process
 * (CNCL_RET_ERR_REINIT); cnclBcast is in place; cnclBroadcast's root, like
 * every peer argument, is a rank, not a device ordinal.
 */
#ifndef KX_CNCL_H
#define KX_CNCL_H

#include <stddef.h>
#include <stdint.h>
#include "../kx_subset.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CNCL_CLIQUE_ID_BYTES_SIZE 128

#define KX_CNCL_RESULTS(X) \
    X(CNCL_RET_SUCCESS, 0x0) X(CNCL_RET_ERR_INTERNAL, 0x01) X(CNCL_RET_ERR_UNSUPPORTED, 0x11) \
    X(CNCL_RET_ERR_NULL_POINTER, 0x21) X(CNCL_RET_ERR_INIT, 0x51) X(CNCL_RET_ERR_NOT_INIT, 0x61) \
    X(CNCL_RET_ERR_REINIT, 0x71) X(CNCL_RET_ERR_SYSTEM, 0x02) X(CNCL_RET_ERR_SYS_SOCKET, 0x22) \
    X(CNCL_RET_ERR_MLU_RUNTIME, 0x03) X(CNCL_RET_ASYNC_IN_PROGRESS, 0x06) X(CNCL_RET_ASYNC_ERROR, 0x16) \
    X(CNCL_RET_ERR_ARGUMENTS, 0x07)

#define KX_CNCL_DTYPES(X) \
    X(cnclFloat16, 0x10) X(cnclBfloat16, 0x11) X(cnclFloat32, 0x12) X(cnclInt8, 0x20) X(cnclInt16, 0x21) \
    X(cnclInt32, 0x22) X(cnclInt64, 0x23) X(cnclUint8, 0x30) X(cnclUint16, 0x31) X(cnclUint32, 0x32) \
    X(cnclUint64, 0x33)

#define KX_CNCL_OPS(X) X(cnclSum, 0) X(cnclProd, 1) X(cnclMax, 2) X(cnclMin, 3)

#ifndef KX_SDK_CHECK
typedef enum { KX_CNCL_RESULTS(KX_ENUM_ITEM) } cnclResult_t;
typedef enum { cnclInvalid = 0x0, KX_CNCL_DTYPES(KX_ENUM_ITEM) } cnclDataType_t;
typedef enum { KX_CNCL_OPS(KX_ENUM_ITEM) } cnclReduceOp_t;
typedef struct cnclComm *cnclComm_t;
struct cnclCliqueId {
    char data[CNCL_CLIQUE_ID_BYTES_SIZE];
    uint64_t hash;
};
typedef struct cnclCliqueId *cnclCliqueId_t;
typedef struct cnrtQueue *cnrtQueue_t;
#else
KX_CNCL_RESULTS(KX_ENUM_CHECK)
KX_CNCL_DTYPES(KX_ENUM_CHECK)
KX_CNCL_OPS(KX_ENUM_CHECK)
#endif

cnclResult_t cnclGetCliqueId(cnclCliqueId_t clique_id);
cnclResult_t cnclInitComms(cnclComm_t *comms, int num_comm, const int *dev_list, const int *rank_list, int nrank,
                           const cnclCliqueId_t clique_id);
cnclResult_t cnclDestroyComms(cnclComm_t *comms, int num_comm);
cnclResult_t cnclFreeComm(cnclComm_t comm);
cnclResult_t cnclAbortComm(cnclComm_t comm);
cnclResult_t cnclGetCommCount(int *count, const cnclComm_t comm);
cnclResult_t cnclGetCommRank(int *rank, const cnclComm_t comm);
cnclResult_t cnclGetCommDevice(int *rank, const cnclComm_t comm);
cnclResult_t cnclBcast(void *buffer, size_t count, cnclDataType_t data_type, int root, cnclComm_t comm,
                       cnrtQueue_t queue);
cnclResult_t cnclBroadcast(const void *send_buffer, void *recv_buffer, size_t count, cnclDataType_t data_type,
                           int root, cnclComm_t comm, cnrtQueue_t queue);
cnclResult_t cnclAllGather(const void *send_buffer, void *recv_buffer, size_t count, cnclDataType_t data_type,
                           cnclComm_t comm, cnrtQueue_t queue);
cnclResult_t cnclAllReduce(const void *send_buffer, void *recv_buffer, size_t count, cnclDataType_t data_type,
                           cnclReduceOp_t reduce_op, cnclComm_t comm, cnrtQueue_t queue);
cnclResult_t cnclReduceScatter(const void *send_buffer, void *recv_buffer, size_t count, cnclDataType_t data_type,
                               cnclReduceOp_t reduce_op, cnclComm_t comm, cnrtQueue_t queue);
cnclResult_t cnclRecv(void *buffer, const size_t count, cnclDataType_t data_type, const int source,
                      const cnclComm_t comm, cnrtQueue_t queue);
cnclResult_t cnclSend(void *buffer, const size_t count, cnclDataType_t data_type, const int dest,
                      const cnclComm_t comm, cnrtQueue_t queue);
const char *cnclGetErrorStr(cnclResult_t ret);
cnclResult_t cnclGetCommAsyncError(const cnclComm_t comm);

#ifdef __cplusplus
}
#endif

#endif
