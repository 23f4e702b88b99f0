/*
 * Kuaxin subset of NCCL (libnccl.so.2) and its clones with the same shape:
 * AMD/Hygon RCCL (librccl.so, the same nccl* names), Iluvatar CoreX's NCCL
 * build (nccl* names), Moore Threads MCCL (mccl* names) and Biren BCCL (bccl*
 * names). The emulator builds this one API once per prefix: KX_CCL(AllReduce)
 * is ncclAllReduce, mcclAllReduce, ...; the types keep NCCL's spelling here.
 *
 * Values (V): NVIDIA/nccl src/nccl.h.in (ncclResult_t 0..7, ncclDataType_t
 * 0..9, ncclRedOp_t Sum0 Prod1 Max2 Min3 Avg4, NCCL_UNIQUE_ID_BYTES 128),
 * also in ROCm/rccl (same values). MCCL (U): NCCL-identical per the ctypes
 * table of vllm-musa's pymccl and MooreThreads/torch_musa MCCLUtils.h names.
 * BCCL (I): BIRENSUPA/torch-supa bccl.* mirrors the names; numeric values are
 * inferred to be NCCL's.
 */
#ifndef KX_NCCL_H
#define KX_NCCL_H

#include <stddef.h>
#include "../kx_subset.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef KX_CCL_PREFIX
#define KX_CCL_PREFIX nccl
#endif
#define KX_CCL_CAT2(a, b) a##b
#define KX_CCL_CAT(a, b) KX_CCL_CAT2(a, b)
#define KX_CCL(name) KX_CCL_CAT(KX_CCL_PREFIX, name)

#define NCCL_UNIQUE_ID_BYTES 128

#define KX_NCCL_RESULTS(X)            \
    X(ncclSuccess, 0)                 \
    X(ncclUnhandledCudaError, 1)      \
    X(ncclSystemError, 2)             \
    X(ncclInternalError, 3)           \
    X(ncclInvalidArgument, 4)         \
    X(ncclInvalidUsage, 5)            \
    X(ncclRemoteError, 6)             \
    X(ncclInProgress, 7)

#define KX_NCCL_DTYPES(X)             \
    X(ncclInt8, 0)                    \
    X(ncclUint8, 1)                   \
    X(ncclInt32, 2)                   \
    X(ncclUint32, 3)                  \
    X(ncclInt64, 4)                   \
    X(ncclUint64, 5)                  \
    X(ncclFloat16, 6)                 \
    X(ncclFloat32, 7)                 \
    X(ncclFloat64, 8)                 \
    X(ncclBfloat16, 9)

#define KX_NCCL_OPS(X) X(ncclSum, 0) X(ncclProd, 1) X(ncclMax, 2) X(ncclMin, 3) X(ncclAvg, 4)

#ifndef KX_SDK_CHECK
typedef enum { KX_NCCL_RESULTS(KX_ENUM_ITEM) } ncclResult_t;
typedef enum { KX_NCCL_DTYPES(KX_ENUM_ITEM) } ncclDataType_t;
typedef enum { KX_NCCL_OPS(KX_ENUM_ITEM) } ncclRedOp_t;
typedef struct { char internal[NCCL_UNIQUE_ID_BYTES]; } ncclUniqueId;
typedef struct ncclComm *ncclComm_t;
#else
KX_NCCL_RESULTS(KX_ENUM_CHECK)
KX_NCCL_DTYPES(KX_ENUM_CHECK)
KX_NCCL_OPS(KX_ENUM_CHECK)
#endif

/* Streams are the runtime's (cudaStream_t, hipStream_t, musaStream_t, supaStream_t): an opaque pointer. */
typedef void *kxCclStream_t;

ncclResult_t KX_CCL(GetVersion)(int *version);
ncclResult_t KX_CCL(GetUniqueId)(ncclUniqueId *uniqueId);
ncclResult_t KX_CCL(CommInitRank)(ncclComm_t *comm, int nranks, ncclUniqueId commId, int rank);
ncclResult_t KX_CCL(CommDestroy)(ncclComm_t comm);
ncclResult_t KX_CCL(CommAbort)(ncclComm_t comm);
ncclResult_t KX_CCL(CommGetAsyncError)(ncclComm_t comm, ncclResult_t *asyncError);
ncclResult_t KX_CCL(CommCount)(const ncclComm_t comm, int *count);
ncclResult_t KX_CCL(CommUserRank)(const ncclComm_t comm, int *rank);
const char *KX_CCL(GetErrorString)(ncclResult_t result);
ncclResult_t KX_CCL(AllReduce)(const void *sendbuff, void *recvbuff, size_t count, ncclDataType_t datatype,
                               ncclRedOp_t op, ncclComm_t comm, kxCclStream_t stream);
ncclResult_t KX_CCL(AllGather)(const void *sendbuff, void *recvbuff, size_t sendcount, ncclDataType_t datatype,
                               ncclComm_t comm, kxCclStream_t stream);
ncclResult_t KX_CCL(ReduceScatter)(const void *sendbuff, void *recvbuff, size_t recvcount,
                                   ncclDataType_t datatype, ncclRedOp_t op, ncclComm_t comm, kxCclStream_t stream);
ncclResult_t KX_CCL(Broadcast)(const void *sendbuff, void *recvbuff, size_t count, ncclDataType_t datatype, int root,
                               ncclComm_t comm, kxCclStream_t stream);
ncclResult_t KX_CCL(Send)(const void *sendbuff, size_t count, ncclDataType_t datatype, int peer, ncclComm_t comm,
                          kxCclStream_t stream);
ncclResult_t KX_CCL(Recv)(void *recvbuff, size_t count, ncclDataType_t datatype, int peer, ncclComm_t comm,
                          kxCclStream_t stream);
ncclResult_t KX_CCL(GroupStart)(void);
ncclResult_t KX_CCL(GroupEnd)(void);

#ifdef __cplusplus
}
#endif

#endif
