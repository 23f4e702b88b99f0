/*
 * CNNL handle and tensor descriptors, plus the submission path every op
 * uses: validate synchronously (CNNL_STATUS_BAD_PARAM), then run the math on
 * the worker of the queue bound with cnnlSetQueue.
 */
#include "cambricon_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char CN_K_HANDLE[] = "cnnlHandle", CN_K_TENSOR[] = "cnnlTensorDescriptor";

cnnlStatus_t cn_status_fail(cnnlStatus_t st, const char *fn, const char *what)
{
    if (getenv("KUAXIN_EMU_TRACE")) fprintf(stderr, "[kuaxin-emu-cambricon] %s: %s (%d)\n", fn, what, st);
    return st;
}

hm_type cn_hm_type(cnnlDataType_t dt)
{
    switch (dt) {
    case CNNL_DTYPE_FLOAT: return HM_F32;
    case CNNL_DTYPE_HALF: return HM_F16;
    case CNNL_DTYPE_BFLOAT16: return HM_BF16;
    case CNNL_DTYPE_DOUBLE: return HM_F64;
    case CNNL_DTYPE_INT8: return HM_I8;
    case CNNL_DTYPE_UINT8: return HM_U8;
    case CNNL_DTYPE_INT16: return HM_I16;
    case CNNL_DTYPE_INT32: return HM_I32;
    case CNNL_DTYPE_INT64: return HM_I64;
    case CNNL_DTYPE_BOOL: return HM_BOOL;
    default: return HM_INVALID;
    }
}

int cn_is_float(cnnlDataType_t dt) { return dt == CNNL_DTYPE_FLOAT || dt == CNNL_DTYPE_HALF || dt == CNNL_DTYPE_BFLOAT16; }

float cn_scalar(const void *p, cnnlDataType_t dt, float dflt)
{
    if (!p) return dflt;
    if (dt == CNNL_DTYPE_DOUBLE) return (float)*(const double *)p;
    if (dt == CNNL_DTYPE_INT32) return (float)*(const int32_t *)p;
    return *(const float *)p;                   /* host float for float/half/bf16 compute (I) */
}

/* ---- small objects: handles and descriptors ---- */
static void free_obj(void *p) { free(p); }

cnnlStatus_t cn_obj_create(const char *fn, void **out, size_t size, const char *kind)
{
    if (!out) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "out pointer is NULL");
    *out = calloc(1, size);
    if (!*out) return cn_status_fail(CNNL_STATUS_ALLOC_FAILED, fn, "out of host memory");
    kx_handle_register(*out, kind, free_obj);
    return CNNL_STATUS_SUCCESS;
}

cnnlStatus_t cn_obj_destroy(const char *fn, void *p, const char *kind)
{
    if (!p || kx_handle_unregister(p, kind)) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "not live (double destroy?)");
    free(p);
    return CNNL_STATUS_SUCCESS;
}

/* ---- handle ---- */
CN_OBJ_API(cnnlCreate, cnnlDestroy, cnnlHandle_t, CN_K_HANDLE)

CNNL_API cnnlStatus_t cnnlSetQueue(cnnlHandle_t handle, cnrtQueue_t queue)
{
    CN_ENTRY();
    if (!handle || !kx_handle_is_live(handle, CN_K_HANDLE)) return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "not a live handle");
    if (queue && !kx_stream_is_live(queue)) return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "queue is not live");
    handle->queue = queue;
    return CNNL_STATUS_SUCCESS;
}

CNNL_API cnnlStatus_t cnnlGetQueue(cnnlHandle_t handle, cnrtQueue_t *queue)
{
    CN_ENTRY();
    if (!handle || !queue || !kx_handle_is_live(handle, CN_K_HANDLE)) return CNNL_STATUS_BAD_PARAM;
    *queue = handle->queue;
    return CNNL_STATUS_SUCCESS;
}

CNNL_API const char *cnnlGetErrorString(cnnlStatus_t status)
{
    static const char *const names[] = { "CNNL_STATUS_SUCCESS", "CNNL_STATUS_NOT_INITIALIZED",
        "CNNL_STATUS_ALLOC_FAILED", "CNNL_STATUS_BAD_PARAM", "CNNL_STATUS_INTERNAL_ERROR",
        "CNNL_STATUS_ARCH_MISMATCH", "CNNL_STATUS_EXECUTION_FAILED", "CNNL_STATUS_NOT_SUPPORTED",
        "CNNL_STATUS_NUMERICAL_OVERFLOW" };
    return (unsigned)status < sizeof names / sizeof *names ? names[status] : "CNNL_STATUS_UNKNOWN";
}

/* ---- tensor descriptors ---- */
CN_OBJ_API(cnnlCreateTensorDescriptor, cnnlDestroyTensorDescriptor, cnnlTensorDescriptor_t, CN_K_TENSOR)

/* dims/strides come as int or int64 arrays; strides NULL = dense row-major. */
static cnnlStatus_t set_desc(const char *fn, cnnlTensorDescriptor_t d, cnnlTensorLayout_t layout, cnnlDataType_t dt,
                             int n, const int *d32, const int64_t *d64, const int *s32, const int64_t *s64)
{
    if (!d || !kx_handle_is_live(d, CN_K_TENSOR)) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "not a live descriptor");
    if (n < 0 || n > CN_MAX_DIMS || (n && !d32 && !d64)) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "bad rank or dims");
    if (cn_hm_type(dt) == HM_INVALID) return cn_status_fail(CNNL_STATUS_NOT_SUPPORTED, fn, "dtype not emulated");
    if ((int)layout < 0 || layout > CNNL_LAYOUT_NCL) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "bad layout");
    struct cnnlTensorStruct t = { .set = 1, .layout = layout, .dtype = dt, .ndim = n };
    for (int i = 0; i < n; i++) {
        t.dims[i] = d32 ? d32[i] : d64[i];
        if (t.dims[i] < 0) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "negative dim");
    }
    int64_t s = 1;
    for (int i = n - 1; i >= 0; i--) {
        t.strides[i] = s32 ? s32[i] : s64 ? s64[i] : s;
        s *= t.dims[i];
    }
    *d = t;
    return CNNL_STATUS_SUCCESS;
}

CNNL_API cnnlStatus_t cnnlSetTensorDescriptor(cnnlTensorDescriptor_t desc, cnnlTensorLayout_t layout,
                                              cnnlDataType_t dtype, int dimNb, const int dimSize[])
{
    CN_ENTRY();
    return set_desc(__func__, desc, layout, dtype, dimNb, dimSize, NULL, NULL, NULL);
}

CNNL_API cnnlStatus_t cnnlSetTensorDescriptorEx(cnnlTensorDescriptor_t desc, cnnlTensorLayout_t layout,
                                                cnnlDataType_t dtype, int dimNb, const int dimSize[],
                                                const int dimStride[])
{
    CN_ENTRY();
    if (!dimStride && dimNb) return CNNL_STATUS_BAD_PARAM;
    return set_desc(__func__, desc, layout, dtype, dimNb, dimSize, NULL, dimStride, NULL);
}

CNNL_API cnnlStatus_t cnnlSetTensorDescriptor_v2(cnnlTensorDescriptor_t desc, cnnlTensorLayout_t layout,
                                                 cnnlDataType_t dtype, int dimNb, const int64_t dimSize[])
{
    CN_ENTRY();
    return set_desc(__func__, desc, layout, dtype, dimNb, NULL, dimSize, NULL, NULL);
}

CNNL_API cnnlStatus_t cnnlSetTensorDescriptorEx_v2(cnnlTensorDescriptor_t desc, cnnlTensorLayout_t layout,
                                                   cnnlDataType_t dtype, int dimNb, const int64_t dimSize[],
                                                   const int64_t dimStride[])
{
    CN_ENTRY();
    if (!dimStride && dimNb) return CNNL_STATUS_BAD_PARAM;
    return set_desc(__func__, desc, layout, dtype, dimNb, NULL, dimSize, NULL, dimStride);
}

CNNL_API cnnlStatus_t cnnlSetTensorDescriptorOnchipDataType(cnnlTensorDescriptor_t desc, cnnlDataType_t onchip)
{
    CN_ENTRY();
    if (!cn_desc(desc) || cn_hm_type(onchip) == HM_INVALID) return CNNL_STATUS_BAD_PARAM;
    return CNNL_STATUS_SUCCESS;
}

const struct cnnlTensorStruct *cn_desc(cnnlTensorDescriptor_t d)
{
    return d && kx_handle_is_live(d, CN_K_TENSOR) && d->set ? d : NULL;
}

int64_t cn_numel(const struct cnnlTensorStruct *d)
{
    int64_t n = 1;
    for (int i = 0; i < d->ndim; i++) n *= d->dims[i];
    return n;
}

CNNL_API size_t cnnlGetTensorElementNum(const cnnlTensorDescriptor_t desc)
{
    const struct cnnlTensorStruct *d = cn_desc(desc);
    return d ? (size_t)cn_numel(d) : 0;
}

/* ---- submission ---- */
cnnlStatus_t cn_bind(const char *fn, cn_task *t, int slot, cnnlTensorDescriptor_t desc, const void *p, int phys)
{
    if (!desc && !p) { t->present[slot] = 0; return CNNL_STATUS_SUCCESS; }
    const struct cnnlTensorStruct *d = cn_desc(desc);
    if (!d) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "descriptor not live or not set");
    hm_view *v = &t->v[slot];
    v->type = cn_hm_type(d->dtype);
    v->ndim = d->ndim;
    memcpy(v->dims, d->dims, sizeof v->dims);
    memcpy(v->strides, d->strides, sizeof v->strides);
    t->present[slot] = 1;
    int64_t lo, hi, es = (int64_t)hm_type_size(v->type);
    hm_extent(v, &lo, &hi);
    if (hi == 0) { v->data = NULL; return CNNL_STATUS_SUCCESS; }
    char *h = p ? kx_translate((const char *)p + lo * es, (size_t)((hi - lo) * es)) : NULL;
    if (!h || kx_addr_device(p) != phys)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "tensor is not live device memory on the queue's device");
    v->data = h - lo * es;
    return CNNL_STATUS_SUCCESS;
}

cnnlStatus_t cn_begin(const char *fn, cnnlHandle_t h, int *phys, kx_stream **s)
{
    if (!h || !kx_handle_is_live(h, CN_K_HANDLE)) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "not a live handle");
    int st = KX_OK;
    *s = kx_stream_resolve(h->queue, &st);
    if (!*s) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "the handle's queue was destroyed (cnnlSetQueue)");
    *phys = kx_stream_device(*s);
    return CNNL_STATUS_SUCCESS;
}

static void run_task(void *arg)
{
    cn_task *t = arg;
    if (t->ws) memset(t->ws, 0xA5, t->ws_bytes);    /* scratch is garbage between ops */
    t->compute(t);
    free(t);
}

cnnlStatus_t cn_submit(const char *fn, kx_stream *s, int phys, cn_task *t, void *ws, size_t ws_size, size_t need)
{
    t->ws = NULL;
    t->ws_bytes = need;
    if (need > 0) {
        if (!ws || ws_size < need) { free(t); return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "workspace smaller than required"); }
        t->ws = kx_translate(ws, need);
        if (!t->ws || kx_addr_device(ws) != phys) { free(t); return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "workspace is not live device memory"); }
    }
    int rc = kx_stream_enqueue(s, run_task, t);
    if (rc) { free(t); return cn_status_fail(CNNL_STATUS_EXECUTION_FAILED, fn, "enqueue failed"); }
    return CNNL_STATUS_SUCCESS;
}
