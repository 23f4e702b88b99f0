/*
 * aclnn meta objects (libnnopbase.so): tensors, scalars, int arrays, tensor
 * lists, and the executor protocol shared by every op (phase two).
 *
 * Protocol rules enforced here:
 *  - every object is a live handle (kuaxin_emu_live_handles counts it) until
 *    destroyed; destroying twice or passing a stale pointer is an error;
 *  - phase two checks the op name, the workspace (size >= what phase one
 *    returned, and live device memory), the stream, and that every tensor
 *    range is live device memory on the stream's device;
 *  - a non-repeatable executor is consumed by phase two: a second run fails
 *    (a graveyard of recent executors tells this apart from a bad pointer).
 */
#include "ascend_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char K_TENSOR[] = "aclTensor", K_SCALAR[] = "aclScalar", K_ARRAY[] = "aclIntArray",
                  K_LIST[] = "aclTensorList", K_EXEC[] = "aclOpExecutor";

int aclx_is_tensor(const aclTensor *t) { return t && kx_handle_is_live(t, K_TENSOR); }
int aclx_is_list(const aclTensorList *l) { return l && kx_handle_is_live(l, K_LIST); }
int aclx_is_int_array(const aclIntArray *a) { return a && kx_handle_is_live(a, K_ARRAY); }
int aclx_is_scalar(const aclScalar *s) { return s && kx_handle_is_live(s, K_SCALAR); }

hm_type aclx_hm_type(aclDataType dt)
{
    switch (dt) {
    case ACL_FLOAT: return HM_F32;
    case ACL_FLOAT16: return HM_F16;
    case ACL_BF16: return HM_BF16;
    case ACL_DOUBLE: return HM_F64;
    case ACL_INT8: return HM_I8;
    case ACL_UINT8: return HM_U8;
    case ACL_INT16: return HM_I16;
    case ACL_INT32: return HM_I32;
    case ACL_INT64: return HM_I64;
    case ACL_BOOL: return HM_BOOL;
    default: return HM_INVALID;
    }
}

int aclx_is_float(aclDataType dt) { return dt == ACL_FLOAT || dt == ACL_FLOAT16 || dt == ACL_BF16; }

int64_t aclx_numel(const aclTensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->ndim; i++) n *= t->dims[i];
    return n;
}

/* ---- tensors ---- */
static void free_handle(void *h) { free(h); }

ACL_FUNC_VISIBILITY aclTensor *aclCreateTensor(const int64_t *viewDims, uint64_t viewDimsNum, aclDataType dataType,
                                               const int64_t *stride, int64_t offset, aclFormat format,
                                               const int64_t *storageDims, uint64_t storageDimsNum, void *tensorData)
{
    if (kx_fault_check(__func__)) { acl_fail(ACLNN_ERR_RUNTIME_ERROR, __func__, "injected fault"); return NULL; }
    if (viewDimsNum > ACLX_MAX_DIMS || storageDimsNum > ACLX_MAX_DIMS || (viewDimsNum && (!viewDims || !stride))) {
        acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "rank %llu/%llu unsupported (max %d) or dims/strides NULL",
                 (unsigned long long)viewDimsNum, (unsigned long long)storageDimsNum, ACLX_MAX_DIMS);
        return NULL;
    }
    if (aclx_hm_type(dataType) == HM_INVALID) {
        acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "aclDataType %d not supported by the emulator", dataType);
        return NULL;
    }
    if (format == ACL_FORMAT_FRACTAL_NZ || format == ACL_FORMAT_NC1HWC0 || format == ACL_FORMAT_FRACTAL_Z ||
        format == ACL_FORMAT_NDC1HWC0 || format == ACL_FRACTAL_Z_3D || format == ACL_FORMAT_NC1HWC0_C04) {
        acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "private format %d not emulated; use ACL_FORMAT_ND", format);
        return NULL;
    }
    if (offset < 0) {
        acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "negative offset %lld", (long long)offset);
        return NULL;
    }
    aclTensor *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->dtype = dataType;
    t->format = format;
    t->ndim = (int)viewDimsNum;
    t->offset = offset;
    t->data = tensorData;
    int64_t lo = 0, hi = 1, numel = 1;
    for (int i = 0; i < t->ndim; i++) {
        t->dims[i] = viewDims[i];
        t->strides[i] = stride[i];
        numel *= viewDims[i];
        if (viewDims[i] < 0 || stride[i] < 0) { free(t); acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "negative dim or stride"); return NULL; }
        if (viewDims[i] > 0) hi += (viewDims[i] - 1) * stride[i];
    }
    (void)lo;
    t->nstorage = (int)storageDimsNum;
    int64_t storage = 1;
    for (int i = 0; i < t->nstorage; i++) { t->storage[i] = storageDims[i]; storage *= storageDims[i]; }
    /* The view must fit in the storage (the real library checks this too). */
    if (storageDimsNum && numel > 0 && offset + hi > storage) {
        free(t);
        acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "view (offset %lld, extent %lld) exceeds storage of %lld elements",
                 (long long)offset, (long long)hi, (long long)storage);
        return NULL;
    }
    kx_handle_register(t, K_TENSOR, free_handle);
    return t;
}

ACL_FUNC_VISIBILITY aclnnStatus aclDestroyTensor(const aclTensor *tensor)
{
    KX_FAULT_POINT(aclnnStatus);
    if (!tensor) return ACLNN_SUCCESS;
    if (kx_handle_unregister((void *)tensor, K_TENSOR))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "%p is not a live aclTensor (double destroy?)", (const void *)tensor);
    free((void *)tensor);
    return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclScalar *aclCreateScalar(void *value, aclDataType dataType)
{
    if (kx_fault_check(__func__) || !value) { acl_fail(ACLNN_ERR_PARAM_NULLPTR, __func__, "value NULL or injected fault"); return NULL; }
    hm_type ht = aclx_hm_type(dataType);
    if (ht == HM_INVALID) { acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "aclDataType %d unsupported", dataType); return NULL; }
    aclScalar *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    hm_view v = { .type = ht, .data = value, .ndim = 0 };
    s->dtype = dataType;
    s->value = hm_get(&v, 0);           /* copied now: the caller's buffer may go away */
    kx_handle_register(s, K_SCALAR, free_handle);
    return s;
}

ACL_FUNC_VISIBILITY aclnnStatus aclDestroyScalar(const aclScalar *scalar)
{
    KX_FAULT_POINT(aclnnStatus);
    if (!scalar) return ACLNN_SUCCESS;
    if (kx_handle_unregister((void *)scalar, K_SCALAR))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "%p is not a live aclScalar", (const void *)scalar);
    free((void *)scalar);
    return ACLNN_SUCCESS;
}

static void free_array(void *h)
{
    aclIntArray *a = h;
    free(a->values);
    free(a);
}

ACL_FUNC_VISIBILITY aclIntArray *aclCreateIntArray(const int64_t *value, uint64_t size)
{
    if (kx_fault_check(__func__) || (size && !value)) { acl_fail(ACLNN_ERR_PARAM_NULLPTR, __func__, "value NULL or injected fault"); return NULL; }
    aclIntArray *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->size = size;
    a->values = malloc(sizeof(int64_t) * (size ? size : 1));
    if (!a->values) { free(a); return NULL; }
    if (size) memcpy(a->values, value, sizeof(int64_t) * size);
    kx_handle_register(a, K_ARRAY, free_array);
    return a;
}

ACL_FUNC_VISIBILITY aclnnStatus aclDestroyIntArray(const aclIntArray *array)
{
    KX_FAULT_POINT(aclnnStatus);
    if (!array) return ACLNN_SUCCESS;
    if (kx_handle_unregister((void *)array, K_ARRAY))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "%p is not a live aclIntArray", (const void *)array);
    free_array((void *)array);
    return ACLNN_SUCCESS;
}

static void free_list(void *h)
{
    aclTensorList *l = h;
    free(l->tensors);
    free(l);
}

ACL_FUNC_VISIBILITY aclTensorList *aclCreateTensorList(const aclTensor *const *value, uint64_t size)
{
    if (kx_fault_check(__func__) || (size && !value)) { acl_fail(ACLNN_ERR_PARAM_NULLPTR, __func__, "value NULL or injected fault"); return NULL; }
    for (uint64_t i = 0; i < size; i++)
        if (!aclx_is_tensor(value[i])) { acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "element %llu is not a live aclTensor", (unsigned long long)i); return NULL; }
    aclTensorList *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->size = size;
    l->tensors = calloc(size ? size : 1, sizeof(aclTensor *));
    if (!l->tensors) { free(l); return NULL; }
    for (uint64_t i = 0; i < size; i++) l->tensors[i] = (aclTensor *)value[i];
    kx_handle_register(l, K_LIST, free_list);
    return l;
}

/* Destroys the contained tensors too (I, see acl_meta.h). */
ACL_FUNC_VISIBILITY aclnnStatus aclDestroyTensorList(const aclTensorList *array)
{
    KX_FAULT_POINT(aclnnStatus);
    if (!array) return ACLNN_SUCCESS;
    if (kx_handle_unregister((void *)array, K_LIST))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "%p is not a live aclTensorList", (const void *)array);
    for (uint64_t i = 0; i < array->size; i++) aclDestroyTensor(array->tensors[i]);
    free_list((void *)array);
    return ACLNN_SUCCESS;
}

/* ---- executors ---- */
/* Recently consumed executors stay allocated here so that a second run is
 * reported as such rather than as a wild pointer. Oldest are freed. */
#define GRAVE_SLOTS 256
static pthread_mutex_t grave_lock = PTHREAD_MUTEX_INITIALIZER;
static aclOpExecutor *grave[GRAVE_SLOTS];
static int grave_next;

static void free_exec(void *h)
{
    aclOpExecutor *ex = h;
    free(ex->proto.list);
    free(ex);
}

static void bury(aclOpExecutor *ex)
{
    pthread_mutex_lock(&grave_lock);
    if (grave[grave_next]) free_exec(grave[grave_next]);
    grave[grave_next] = ex;
    grave_next = (grave_next + 1) % GRAVE_SLOTS;
    pthread_mutex_unlock(&grave_lock);
}

static int in_grave(const aclOpExecutor *ex)
{
    int found = 0;
    pthread_mutex_lock(&grave_lock);
    for (int i = 0; i < GRAVE_SLOTS && !found; i++) found = grave[i] == ex;
    pthread_mutex_unlock(&grave_lock);
    return found;
}

static void grave_reset(void)
{
    pthread_mutex_lock(&grave_lock);
    for (int i = 0; i < GRAVE_SLOTS; i++) { free(grave[i] ? grave[i]->proto.list : NULL); free(grave[i]); grave[i] = NULL; }
    grave_next = 0;
    pthread_mutex_unlock(&grave_lock);
}

aclOpExecutor *aclx_exec_new(const char *op, acl_compute_fn fn, uint64_t ws_need)
{
    static int hooked;
    if (!__atomic_exchange_n(&hooked, 1, __ATOMIC_SEQ_CST)) kx_on_reset(grave_reset);
    aclOpExecutor *ex = calloc(1, sizeof *ex);
    if (!ex) return NULL;
    ex->op = op;
    ex->ws_need = ws_need;
    ex->proto.compute = fn;
    return ex;
}

static void exec_add(aclOpExecutor *ex, const aclTensor *t)
{
    int i = ex->nin + ex->nout;
    if (i >= ACLX_MAX_TENSORS) return;
    ex->present[i] = t != NULL;
    if (t) ex->t[i] = *t;
}

void aclx_exec_in(aclOpExecutor *ex, const aclTensor *t) { exec_add(ex, t); ex->nin++; }
void aclx_exec_out(aclOpExecutor *ex, const aclTensor *t) { exec_add(ex, t); ex->nout++; }
void aclx_exec_discard(aclOpExecutor *ex) { if (ex) free_exec(ex); }

aclnnStatus aclx_check_phase1(const char *fn, uint64_t *ws, aclOpExecutor **ex)
{
    if (!ws || !ex) return acl_fail(ACLNN_ERR_PARAM_NULLPTR, fn, "workspaceSize or executor is NULL");
    return ACLNN_SUCCESS;
}

aclnnStatus aclx_exec_publish(aclOpExecutor *ex, uint64_t *ws, aclOpExecutor **out)
{
    kx_handle_register(ex, K_EXEC, free_exec);
    *ws = ex->ws_need;
    *out = ex;
    return ACLNN_SUCCESS;
}

aclnnStatus aclx_need_tensor(const char *fn, const char *what, const aclTensor *t)
{
    if (!t) return acl_fail(ACLNN_ERR_PARAM_NULLPTR, fn, "%s is NULL", what);
    if (!aclx_is_tensor(t)) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "%s is not a live aclTensor", what);
    return ACLNN_SUCCESS;
}

aclnnStatus aclx_opt_tensor(const char *fn, const char *what, const aclTensor *t)
{
    return t ? aclx_need_tensor(fn, what, t) : ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclnnStatus aclSetAclOpExecutorRepeatable(aclOpExecutor *executor)
{
    KX_FAULT_POINT(aclnnStatus);
    if (!executor || !kx_handle_is_live(executor, K_EXEC))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "%p is not a live executor", (void *)executor);
    executor->repeatable = 1;
    return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclnnStatus aclDestroyAclOpExecutor(aclOpExecutor *executor)
{
    KX_FAULT_POINT(aclnnStatus);
    if (!executor) return ACLNN_SUCCESS;
    if (kx_handle_unregister(executor, K_EXEC))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, __func__, "%p is not a live executor (%s)", (void *)executor,
                        in_grave(executor) ? "already consumed by its run" : "never created or destroyed");
    free_exec(executor);
    return ACLNN_SUCCESS;
}

static aclnnStatus set_addr(const char *fn, aclOpExecutor *ex, size_t index, aclTensor *tensor, void *addr, int out)
{
    if (!ex || !kx_handle_is_live(ex, K_EXEC))
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "%p is not a live executor", (void *)ex);
    size_t n = out ? (size_t)ex->nout : (size_t)ex->nin, base = out ? (size_t)ex->nin : 0;
    if (index >= n || !ex->present[base + index])
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "index %zu out of range (%zu %s tensors)", index, n,
                        out ? "output" : "input");
    ex->t[base + index].data = addr;
    if (tensor && aclx_is_tensor(tensor)) tensor->data = addr;
    return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclnnStatus aclSetInputTensorAddr(aclOpExecutor *executor, const size_t index, aclTensor *tensor, void *addr)
{
    KX_FAULT_POINT(aclnnStatus);
    return set_addr(__func__, executor, index, tensor, addr, 0);
}

ACL_FUNC_VISIBILITY aclnnStatus aclSetOutputTensorAddr(aclOpExecutor *executor, const size_t index, aclTensor *tensor, void *addr)
{
    KX_FAULT_POINT(aclnnStatus);
    return set_addr(__func__, executor, index, tensor, addr, 1);
}

/* ---- phase two ---- */
static void run_task(void *arg)
{
    acl_task *t = arg;
    /* Scribble over the workspace: ops sharing one workspace across streams
     * without ordering then produce wrong results, as on hardware. */
    if (t->ws) memset(t->ws, 0xA5, t->ws_bytes);
    t->compute(t);
    free(t->list);
    free(t);
}

/* Bounds-checks a tensor against live device memory on device phys. */
static aclnnStatus tensor_view(const char *fn, int idx, const aclTensor *t, int phys, hm_view *v)
{
    size_t es = hm_type_size(aclx_hm_type(t->dtype));
    v->type = aclx_hm_type(t->dtype);
    v->ndim = t->ndim;
    memcpy(v->dims, t->dims, sizeof v->dims);
    memcpy(v->strides, t->strides, sizeof v->strides);
    int64_t lo, hi;
    hm_extent(v, &lo, &hi);
    if (hi == 0) { v->data = NULL; return ACLNN_SUCCESS; }   /* empty tensor touches nothing */
    char *base = (char *)t->data + t->offset * (int64_t)es;
    char *h = kx_translate(base + lo * (int64_t)es, (size_t)(hi - lo) * es);
    if (!h)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "tensor %d: [%p, +%lld bytes) is not live device memory",
                        idx, (void *)(base + lo * (int64_t)es), (long long)((hi - lo) * (int64_t)es));
    if (kx_addr_device(base + lo * (int64_t)es) != phys)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "tensor %d lives on another device than the stream", idx);
    v->data = h - lo * (int64_t)es;
    return ACLNN_SUCCESS;
}

aclnnStatus aclx_run(const char *fn, void *ws, uint64_t ws_size, aclOpExecutor *ex, aclrtStream stream)
{
    if (!ex) return acl_fail(ACLNN_ERR_PARAM_NULLPTR, fn, "executor is NULL");
    if (!kx_handle_is_live(ex, K_EXEC)) {
        if (in_grave(ex))
            return acl_fail(ACLNN_ERR_PARAM_INVALID, fn,
                            "executor %p was already run and is not repeatable (call aclSetAclOpExecutorRepeatable)",
                            (void *)ex);
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "%p is not a live executor", (void *)ex);
    }
    if (strcmp(ex->op, fn) != 0)
        return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "executor was created by %sGetWorkspaceSize", ex->op);
    int st = KX_OK;
    kx_stream *s = kx_stream_resolve(stream, &st);
    if (!s) return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "stream %p is not live", stream);
    int phys = kx_stream_device(s);
    acl_task *t = malloc(sizeof *t);
    if (!t) return acl_fail(ACLNN_ERR_RUNTIME_ERROR, fn, "out of host memory");
    *t = ex->proto;
    t->ws = NULL;
    t->ws_bytes = ex->ws_need;
    if (ex->ws_need > 0) {
        if (!ws || ws_size < ex->ws_need) {
            free(t);
            return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "workspace %p of %llu bytes, GetWorkspaceSize required %llu",
                            ws, (unsigned long long)ws_size, (unsigned long long)ex->ws_need);
        }
        t->ws = kx_translate(ws, ex->ws_need);
        if (!t->ws || kx_addr_device(ws) != phys) {
            free(t);
            return acl_fail(ACLNN_ERR_PARAM_INVALID, fn, "workspace %p is not live device memory on the stream's device", ws);
        }
    }
    t->ntensors = ex->nin + ex->nout;
    for (int i = 0; i < t->ntensors; i++) {
        t->present[i] = ex->present[i];
        if (!ex->present[i]) continue;
        aclnnStatus e = tensor_view(fn, i, &ex->t[i], phys, &t->v[i]);
        if (e) { free(t); return e; }
    }
    if (ex->proto.list) {
        size_t n = (size_t)(ex->proto.nlist + ex->proto.nlist2);
        t->list = malloc(sizeof(int64_t) * (n ? n : 1));
        if (!t->list) { free(t); return acl_fail(ACLNN_ERR_RUNTIME_ERROR, fn, "out of host memory"); }
        memcpy(t->list, ex->proto.list, sizeof(int64_t) * n);
    }
    int rc = kx_stream_enqueue(s, run_task, t);
    if (rc) {
        free(t->list);
        free(t);
        return acl_fail(ACLNN_ERR_RUNTIME_ERROR, fn, "enqueue failed (%s)", kx_status_name(rc));
    }
    if (!ex->repeatable) {               /* the library frees it; later use is an error */
        kx_handle_unregister(ex, K_EXEC);
        ex->consumed = 1;
        bury(ex);
    }
    return ACLNN_SUCCESS;
}
