/*
 * ccl_comm.h - one rank's communicator, shared by the collective emulators'
 * API layers (NCCL family, HCCL): reference counting, the asynchronous error,
 * and running each operation on the runtime emulator's stream when one is
 * loaded (libkuaxin-emu-<KX_CCL_RUNTIME>.so), else on the calling thread on
 * host memory. Statuses are KX_CCL_* (ccl_wire.h); each API maps them.
 */
#ifndef KX_CCL_COMM_H
#define KX_CCL_COMM_H

#include "ccl_wire.h"

typedef struct kx_ccl_comm kx_ccl_comm;

/* Joins the group; *err (may be NULL) gets a message on failure. */
int kx_ccl_comm_init(const kx_ccl_id *id, int nranks, int rank, kx_ccl_comm **out, char *err, size_t errlen);

/* 1 if c is a live communicator. */
int kx_ccl_comm_ok(const kx_ccl_comm *c);

int kx_ccl_comm_rank(const kx_ccl_comm *c);
int kx_ccl_comm_size(const kx_ccl_comm *c);

/*
 * Validates buffers for `kind` and enqueues the operation on `stream` (or runs
 * it now without a runtime). Returns KX_CCL_OK, KX_CCL_BAD_ARG, KX_CCL_ABORTED
 * (aborted communicator) or KX_CCL_SYSTEM (not a live stream of the runtime).
 * Failures while it runs become the asynchronous error.
 */
int kx_ccl_comm_submit(kx_ccl_comm *c, int kind, const void *send, void *recv, uint64_t count, int type, int op,
                       int peer, void *stream);

/* The asynchronous error (KX_CCL_OK if none) and its message. */
int kx_ccl_comm_async(kx_ccl_comm *c);
const char *kx_ccl_comm_last_error(kx_ccl_comm *c);

/* The last initialisation failure's message in this process. */
const char *kx_ccl_init_error(void);

/* Aborts (unblocks a waiting stream) and drops the caller's reference. */
void kx_ccl_comm_abort(kx_ccl_comm *c);

/* Drops the caller's reference; queued operations keep theirs. */
void kx_ccl_comm_destroy(kx_ccl_comm *c);

/* "host", or the runtime emulator this library drives, once found. */
const char *kx_ccl_runtime(void);

#endif
