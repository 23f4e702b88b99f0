/*
 * Internal declarations of the Ascend emulator (libkuaxin-emu-ascend.so):
 * error reporting, aclnn object layouts and the executor protocol.
 * Files: ascend_runtime.c (aclrt*), ascend_meta.c (tensors, executors,
 * phase two), ascend_ops_*.c (phase one of each op family, op compute).
 */
#ifndef KX_ASCEND_INTERNAL_H
#define KX_ASCEND_INTERNAL_H

#include "../../include/ascend/acl.h"
#include "../../include/ascend/aclnn_ops.h"
#include "../core/kx_emu.h"
#include "../hostmath/kx_hostmath.h"

#pragma GCC visibility push(hidden)

/* ---- errors ---- */
/* Records the calling thread's error text for aclGetRecentErrMsg and returns code. */
int acl_fail(int code, const char *fn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Maps a core status to an aclError (runtime calls). */
aclError acl_from_kx(int kx);
/* Fault point for every exported entry point: an armed fault returns its code
 * (with an error message) before anything else happens. */
#define ACL_ENTRY(T)                                                          \
    do {                                                                      \
        int f_ = kx_fault_check(__func__);                                    \
        if (f_ != 0) return (T)acl_fail(f_, __func__, "injected fault");      \
    } while (0)

/* The thread must have called aclInit and aclrtSetDevice; returns the physical
 * device or a negative aclError (negated) after recording the message. */
int acl_require_device(const char *fn, int *phys);

/* ---- aclnn objects ---- */
#define ACLX_MAX_DIMS HM_MAX_DIMS
#define ACLX_MAX_TENSORS 16

struct aclTensor {
    aclDataType dtype;
    aclFormat format;
    int ndim;
    int64_t dims[ACLX_MAX_DIMS];
    int64_t strides[ACLX_MAX_DIMS];
    int64_t offset;                 /* elements */
    int nstorage;
    int64_t storage[ACLX_MAX_DIMS];
    void *data;                     /* device address (not dereferenced) */
};

struct aclScalar { aclDataType dtype; double value; };
struct aclIntArray { uint64_t size; int64_t *values; };
struct aclTensorList { uint64_t size; aclTensor **tensors; };

typedef struct acl_task acl_task;
/* Runs on the stream worker with translated views. */
typedef void (*acl_compute_fn)(const acl_task *t);

struct acl_task {
    acl_compute_fn compute;
    int ntensors;
    int present[ACLX_MAX_TENSORS];
    hm_view v[ACLX_MAX_TENSORS];
    double f[8];                    /* op attributes */
    int64_t i[8];
    int64_t *list;                  /* e.g. actual sequence lengths (owned) */
    int64_t nlist, nlist2;
    void *ws;                       /* host view of the workspace, ws_bytes long */
    uint64_t ws_bytes;
};

/* Executor: tensors are snapshot at phase one (inputs first, then outputs). */
struct aclOpExecutor {
    const char *op;                 /* "aclnnMatmul": phase two must match */
    int repeatable;
    int consumed;                   /* non-repeatable and already run */
    uint64_t ws_need;
    int nin, nout;
    int present[ACLX_MAX_TENSORS];
    struct aclTensor t[ACLX_MAX_TENSORS];
    acl_task proto;                 /* compute fn + attributes; views filled at run */
};

int aclx_is_tensor(const aclTensor *t);
int aclx_is_list(const aclTensorList *l);
int aclx_is_int_array(const aclIntArray *a);
int aclx_is_scalar(const aclScalar *s);
hm_type aclx_hm_type(aclDataType dt);
int64_t aclx_numel(const aclTensor *t);

/* Phase one helper: allocates a live executor for op with ws_need bytes.
 * Tensors are added with aclx_exec_in/out (NULL = absent optional). */
aclOpExecutor *aclx_exec_new(const char *op, acl_compute_fn fn, uint64_t ws_need);
void aclx_exec_in(aclOpExecutor *ex, const aclTensor *t);
void aclx_exec_out(aclOpExecutor *ex, const aclTensor *t);
/* Discards an executor whose phase one failed. */
void aclx_exec_discard(aclOpExecutor *ex);
/* Validates the out-parameters of phase one; returns ACLNN_SUCCESS or an error. */
aclnnStatus aclx_check_phase1(const char *fn, uint64_t *ws, aclOpExecutor **ex);
/* Publishes a finished executor: registers it and writes *ws and *ex. */
aclnnStatus aclx_exec_publish(aclOpExecutor *ex, uint64_t *ws, aclOpExecutor **out);
/* Phase two shared by every op: protocol checks, translation, enqueue. */
aclnnStatus aclx_run(const char *fn, void *ws, uint64_t ws_size, aclOpExecutor *ex, aclrtStream stream);

/* Validation helpers for phase one; each records a message on failure. */
aclnnStatus aclx_need_tensor(const char *fn, const char *what, const aclTensor *t);
aclnnStatus aclx_opt_tensor(const char *fn, const char *what, const aclTensor *t);
int aclx_is_float(aclDataType dt);
/* ascend_runtime.c: whether the reported SoC's cube unit lacks FLOAT32 KEEP_DTYPE (910A, 310P). */
int aclx_soc_lacks_fp32_keep_dtype(void);

#pragma GCC visibility pop
#endif /* KX_ASCEND_INTERNAL_H */
