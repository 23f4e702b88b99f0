/*
 * Kuaxin subset of HCCL (libhccl.so), Huawei Ascend's collective library:
 * hccl/hccl_types.h + hccl/hccl.h. Unlike NCCL: a 4108-byte root info passed
 * by pointer, uint64_t counts, uint32_t ranks, its own dtype codes, no AVG,
 * broadcast in place only, and HcclCommDestroy as the way to tear down.
 *
 * Values (V): copies of hccl_types.h (Ascend/pytorch third_party/hccl/inc/hccl;
 * CANN docs' HcclResult page): HcclResult 0..21 (SUCCESS 0, E_PARA 1, E_PTR 2,
 * E_MEMORY 3, E_INTERNAL 4, E_NOT_SUPPORT 5, ..., E_TIMEOUT 9, ...,
 * E_TCP_TRANSFER 13, ..., E_REMOTE 21); HcclDataType INT8 0, INT16 1, INT32 2,
 * FP16 3, FP32 4, INT64 5, UINT64 6, UINT8 7, UINT16 8, UINT32 9, FP64 10,
 * BFP16 11; HcclReduceOp SUM 0, PROD 1, MAX 2, MIN 3; HCCL_ROOT_INFO_BYTES 4108.
 * Signatures (V) from the same hccl.h; HcclGetCommAsyncError (U, newer CANN).
 */
#ifndef KX_HCCL_H
#define KX_HCCL_H

#include <stdint.h>
#include "../kx_subset.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HCCL_ROOT_INFO_BYTES 4108

#define KX_HCCL_RESULTS(X) \
    X(HCCL_SUCCESS, 0) X(HCCL_E_PARA, 1) X(HCCL_E_PTR, 2) X(HCCL_E_MEMORY, 3) X(HCCL_E_INTERNAL, 4) \
    X(HCCL_E_NOT_SUPPORT, 5) X(HCCL_E_NOT_FOUND, 6) X(HCCL_E_UNAVAIL, 7) X(HCCL_E_SYSCALL, 8) \
    X(HCCL_E_TIMEOUT, 9) X(HCCL_E_OPEN_FILE_FAILURE, 10) X(HCCL_E_TCP_CONNECT, 11) X(HCCL_E_ROCE_CONNECT, 12) \
    X(HCCL_E_TCP_TRANSFER, 13) X(HCCL_E_ROCE_TRANSFER, 14) X(HCCL_E_RUNTIME, 15) X(HCCL_E_DRV, 16) \
    X(HCCL_E_PROFILING, 17) X(HCCL_E_CCE, 18) X(HCCL_E_NETWORK, 19) X(HCCL_E_AGAIN, 20) X(HCCL_E_REMOTE, 21)

#define KX_HCCL_DTYPES(X) \
    X(HCCL_DATA_TYPE_INT8, 0) X(HCCL_DATA_TYPE_INT16, 1) X(HCCL_DATA_TYPE_INT32, 2) X(HCCL_DATA_TYPE_FP16, 3) \
    X(HCCL_DATA_TYPE_FP32, 4) X(HCCL_DATA_TYPE_INT64, 5) X(HCCL_DATA_TYPE_UINT64, 6) X(HCCL_DATA_TYPE_UINT8, 7) \
    X(HCCL_DATA_TYPE_UINT16, 8) X(HCCL_DATA_TYPE_UINT32, 9) X(HCCL_DATA_TYPE_FP64, 10) X(HCCL_DATA_TYPE_BFP16, 11)

#define KX_HCCL_OPS(X) X(HCCL_REDUCE_SUM, 0) X(HCCL_REDUCE_PROD, 1) X(HCCL_REDUCE_MAX, 2) X(HCCL_REDUCE_MIN, 3)

#ifndef KX_SDK_CHECK
typedef enum { KX_HCCL_RESULTS(KX_ENUM_ITEM) } HcclResult;
typedef enum { KX_HCCL_DTYPES(KX_ENUM_ITEM) } HcclDataType;
typedef enum { KX_HCCL_OPS(KX_ENUM_ITEM) } HcclReduceOp;
typedef struct HcclRootInfoDef { char internal[HCCL_ROOT_INFO_BYTES]; } HcclRootInfo;
typedef void *HcclComm;
typedef void *aclrtStream;
#else
KX_HCCL_RESULTS(KX_ENUM_CHECK)
KX_HCCL_DTYPES(KX_ENUM_CHECK)
KX_HCCL_OPS(KX_ENUM_CHECK)
#endif

HcclResult HcclGetRootInfo(HcclRootInfo *rootInfo);
HcclResult HcclCommInitRootInfo(uint32_t nRanks, const HcclRootInfo *rootInfo, uint32_t rank, HcclComm *comm);
HcclResult HcclCommDestroy(HcclComm comm);
HcclResult HcclGetCommAsyncError(HcclComm comm, HcclResult *asyncError);
const char *HcclGetErrorString(HcclResult code);
HcclResult HcclAllReduce(void *sendBuf, void *recvBuf, uint64_t count, HcclDataType dataType, HcclReduceOp op,
                         HcclComm comm, aclrtStream stream);
HcclResult HcclBroadcast(void *buf, uint64_t count, HcclDataType dataType, uint32_t root, HcclComm comm,
                         aclrtStream stream);
HcclResult HcclReduceScatter(void *sendBuf, void *recvBuf, uint64_t recvCount, HcclDataType dataType,
                             HcclReduceOp op, HcclComm comm, aclrtStream stream);
HcclResult HcclAllGather(void *sendBuf, void *recvBuf, uint64_t sendCount, HcclDataType dataType, HcclComm comm,
                         aclrtStream stream);
HcclResult HcclSend(void *sendBuf, uint64_t count, HcclDataType dataType, uint32_t destRank, HcclComm comm,
                    aclrtStream stream);
HcclResult HcclRecv(void *recvBuf, uint64_t count, HcclDataType dataType, uint32_t srcRank, HcclComm comm,
                    aclrtStream stream);
HcclResult HcclBarrier(HcclComm comm, aclrtStream stream);

#ifdef __cplusplus
}
#endif

#endif
