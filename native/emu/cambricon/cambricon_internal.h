/*
 * Internal declarations of the Cambricon emulator (libkuaxin-emu-cambricon.so):
 * CNRT on the core (cnrt_runtime.c), CNNL handles/descriptors and op
 * submission (cnnl_core.c), op families (cnnl_ops_*.c).
 */
#ifndef KX_CAMBRICON_INTERNAL_H
#define KX_CAMBRICON_INTERNAL_H

#include "../../include/cambricon/cnnl.h"
#include "../../include/cambricon/cnrt.h"
#include "../core/kx_emu.h"
#include "../hostmath/kx_hostmath.h"

#pragma GCC visibility push(hidden)

/* Records the thread's last CNRT error (cnrtGetLastError) and returns it. */
cnrtRet_t cnrt_fail(cnrtRet_t code, const char *fn, const char *what);
cnrtRet_t cnrt_from_kx(int kx);

#define CN_MAX_DIMS HM_MAX_DIMS
#define CN_MAX_T 8

struct cnnlContext { cnrtQueue_t queue; };
struct cnnlTensorStruct {
    int set;
    cnnlTensorLayout_t layout;
    cnnlDataType_t dtype;
    int ndim;
    int64_t dims[CN_MAX_DIMS];
    int64_t strides[CN_MAX_DIMS];
};

extern const char CN_K_HANDLE[], CN_K_TENSOR[];
hm_type cn_hm_type(cnnlDataType_t dt);
int cn_is_float(cnnlDataType_t dt);
/* Live and set descriptor, else NULL. */
const struct cnnlTensorStruct *cn_desc(cnnlTensorDescriptor_t d);
int64_t cn_numel(const struct cnnlTensorStruct *d);

typedef struct cn_task cn_task;
typedef void (*cn_compute_fn)(const cn_task *t);
struct cn_task {
    cn_compute_fn compute;
    int present[CN_MAX_T];
    hm_view v[CN_MAX_T];
    double f[8];
    int64_t i[8];
    void *ws;
    size_t ws_bytes;
};

/* Binds slot `slot` of t to descriptor d over device pointer p (NULL p with
 * NULL d = absent). Checks d is live/set and [p, p+extent) is live device
 * memory on device phys. */
cnnlStatus_t cn_bind(const char *fn, cn_task *t, int slot, cnnlTensorDescriptor_t d, const void *p, int phys);
/* Resolves the handle's queue and device; *phys receives the device. */
cnnlStatus_t cn_begin(const char *fn, cnnlHandle_t h, int *phys, kx_stream **s);
/* Checks the workspace (size >= need, live device memory) and enqueues t
 * (a malloc'd task, freed after it runs or on failure). */
cnnlStatus_t cn_submit(const char *fn, kx_stream *s, int phys, cn_task *t, void *ws, size_t ws_size, size_t need);
cnnlStatus_t cn_status_fail(cnnlStatus_t st, const char *fn, const char *what);
/* A zeroed object of size bytes in *out, registered as a live handle of kind (freed with free()). */
cnnlStatus_t cn_obj_create(const char *fn, void **out, size_t size, const char *kind);
/* Unregisters and frees a live handle of kind; BAD_PARAM for NULL or one not live (double destroy). */
cnnlStatus_t cn_obj_destroy(const char *fn, void *p, const char *kind);
/* Reads a host scalar (alpha/beta) of the compute dtype; NULL gives dflt. */
float cn_scalar(const void *p, cnnlDataType_t dt, float dflt);

#define CN_ENTRY()                                                              \
    do {                                                                        \
        int f_ = kx_fault_check(__func__);                                      \
        if (f_ != 0) return (cnnlStatus_t)f_;                                   \
    } while (0)

/* The create/destroy pair of a small object type T (a handle or descriptor) registered as kind. */
#define CN_OBJ_API(create, destroy, T, kind)                                    \
    CNNL_API cnnlStatus_t create(T *out)                                        \
    {                                                                           \
        CN_ENTRY();                                                             \
        return cn_obj_create(__func__, (void **)out, sizeof **out, kind);       \
    }                                                                           \
    CNNL_API cnnlStatus_t destroy(T obj)                                        \
    {                                                                           \
        CN_ENTRY();                                                             \
        return cn_obj_destroy(__func__, obj, kind);                             \
    }

#pragma GCC visibility pop
#endif
