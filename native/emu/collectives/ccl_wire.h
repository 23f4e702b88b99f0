/*
 * ccl_wire.h - the collective emulators' transport: one root thread (started
 * by GetUniqueId in the process that made the id) and one loopback TCP
 * connection per rank. Ranks send each operation with its data; the root
 * checks that the ranks agree, computes, and answers. Sends are eager (the
 * root buffers them), so send/recv pairs never deadlock and groups are no-ops.
 * Shared by every collective emulator (NCCL family, HCCL, CNCL).
 */
#ifndef KX_CCL_WIRE_H
#define KX_CCL_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define KX_CCL_MAGIC 0x4b58434cu /* 'KXCL' */

/* What travels inside the vendor's opaque id. */
typedef struct {
    uint32_t magic;
    uint16_t port;
    uint16_t pad;
    uint64_t nonce;
} kx_ccl_id;

enum { KX_CCL_ALLREDUCE = 1, KX_CCL_ALLGATHER, KX_CCL_REDUCESCATTER, KX_CCL_BROADCAST, KX_CCL_SEND, KX_CCL_RECV };

/* Element types and reductions, in the emulators' own numbering (each dialect maps its vendor's values). */
enum { KX_T_I8, KX_T_U8, KX_T_I32, KX_T_U32, KX_T_I64, KX_T_U64, KX_T_F16, KX_T_F32, KX_T_F64, KX_T_BF16, KX_T_I16,
       KX_T_U16, KX_T_COUNT };
enum { KX_R_SUM, KX_R_PROD, KX_R_MAX, KX_R_MIN, KX_R_AVG };

/* Outcomes, mapped by each dialect to its codes. */
enum { KX_CCL_OK = 0, KX_CCL_PEER_LOST = 1, KX_CCL_MISMATCH = 2, KX_CCL_TIMEOUT = 3, KX_CCL_SYSTEM = 4,
       KX_CCL_ABORTED = 5, KX_CCL_BAD_ARG = 6 };

size_t kx_ccl_type_size(int t);

typedef struct kx_ccl_conn kx_ccl_conn;

/* Starts a root on 127.0.0.1 (an ephemeral port) and fills *id. Returns KX_CCL_OK or KX_CCL_SYSTEM. */
int kx_ccl_root_start(kx_ccl_id *id);

/* Joins the group: blocks until all nranks joined or the timeout passed. *err gets a message on failure. */
int kx_ccl_join(const kx_ccl_id *id, int nranks, int rank, kx_ccl_conn **out, char *err, size_t errlen);

/*
 * One operation on host memory. For a reduction `op` is a KX_R_*; `peer` is
 * the root (broadcast) or the peer (send/recv). Blocks until the root answers
 * or the timeout passed. *err gets a message on failure.
 */
int kx_ccl_op(kx_ccl_conn *c, int kind, const void *send, void *recv, uint64_t count, int type, int op, int peer,
              char *err, size_t errlen);

/* Breaks the connection at once (abort): a blocked kx_ccl_op returns KX_CCL_ABORTED; peers see this rank lost. */
void kx_ccl_shutdown(kx_ccl_conn *c);

/* Closes and frees. */
void kx_ccl_close(kx_ccl_conn *c);

/* Settings and introspection shared by the control API. */
void kx_ccl_set_timeout_ms(int ms);
int kx_ccl_timeout_ms(void);
int64_t kx_ccl_live(void);      /* connections + roots alive */
void kx_ccl_live_add(int d);

/* Fault injection: the calling process's rank `rank` (-1 = any) fails its nth (1 = next) operation as `fault`. */
enum { KX_FAULT_NONE, KX_FAULT_DIE, KX_FAULT_COUNT };
void kx_ccl_arm(int fault, int rank, int nth);

#endif
