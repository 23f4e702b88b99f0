/*
 * CNNL matmul: descriptor + algo + heuristic + workspace. Transposes come
 * from CNNL_MATMUL_DESC_TRANSA/B (the descriptors describe the stored
 * matrices). Both constructor spellings are exported (second pass A6).
 */
#include "cambricon_internal.h"

#include <stdlib.h>
#include <string.h>

static const char K_DESC[] = "cnnlMatMulDescriptor", K_ALGO[] = "cnnlMatMulAlgo", K_RES[] = "cnnlMatMulHeuristicResult";

struct cnnlMatMulStruct { int32_t attr[14]; };
struct cnnlMatMulAlgoStruct { int chosen; size_t ws; };
struct cnnlMatMulHeuristicResultStruct { int filled; size_t ws; };

static cnnlStatus_t desc_create(const char *fn, cnnlMatMulDescriptor_t *d)
{
    cnnlStatus_t st = cn_obj_create(fn, (void **)d, sizeof **d, K_DESC);
    if (!st) (*d)->attr[CNNL_MATMUL_DESC_COMPUTE_TYPE] = CNNL_DTYPE_FLOAT;
    return st;
}

CNNL_API cnnlStatus_t cnnlMatMulDescCreate(cnnlMatMulDescriptor_t *desc) { CN_ENTRY(); return desc_create(__func__, desc); }
CNNL_API cnnlStatus_t cnnlCreateMatMulDescriptor(cnnlMatMulDescriptor_t *desc) { CN_ENTRY(); return desc_create(__func__, desc); }
CNNL_API cnnlStatus_t cnnlMatMulDescDestroy(cnnlMatMulDescriptor_t desc) { CN_ENTRY(); return cn_obj_destroy(__func__, desc, K_DESC); }
CNNL_API cnnlStatus_t cnnlDestroyMatMulDescriptor(cnnlMatMulDescriptor_t desc) { CN_ENTRY(); return cn_obj_destroy(__func__, desc, K_DESC); }
CNNL_API cnnlStatus_t cnnlMatMulAlgoCreate(cnnlMatMulAlgo_t *algo) { CN_ENTRY(); return cn_obj_create(__func__, (void **)algo, sizeof **algo, K_ALGO); }
CNNL_API cnnlStatus_t cnnlCreateMatMulAlgo(cnnlMatMulAlgo_t *algo) { CN_ENTRY(); return cn_obj_create(__func__, (void **)algo, sizeof **algo, K_ALGO); }
CNNL_API cnnlStatus_t cnnlMatMulAlgoDestroy(cnnlMatMulAlgo_t algo) { CN_ENTRY(); return cn_obj_destroy(__func__, algo, K_ALGO); }
CNNL_API cnnlStatus_t cnnlDestroyMatMulAlgo(cnnlMatMulAlgo_t algo) { CN_ENTRY(); return cn_obj_destroy(__func__, algo, K_ALGO); }
CNNL_API cnnlStatus_t cnnlCreateMatMulHeuristicResult(cnnlMatMulHeuristicResult_t *r) { CN_ENTRY(); return cn_obj_create(__func__, (void **)r, sizeof **r, K_RES); }
CNNL_API cnnlStatus_t cnnlDestroyMatMulHeuristicResult(cnnlMatMulHeuristicResult_t r) { CN_ENTRY(); return cn_obj_destroy(__func__, r, K_RES); }

CNNL_API cnnlStatus_t cnnlSetMatMulDescAttr(cnnlMatMulDescriptor_t desc, cnnlMatMulDescAttribute_t attr,
                                            const void *buf, size_t sizeInBytes)
{
    CN_ENTRY();
    if (!desc || !kx_handle_is_live(desc, K_DESC) || !buf || sizeInBytes != sizeof(int32_t) ||
        (int)attr < 0 || attr > CNNL_MATMUL_USE_STRIDE)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "bad descriptor, attribute or size (int32 values)");
    int32_t v;
    memcpy(&v, buf, sizeof v);
    desc->attr[attr] = v;
    return CNNL_STATUS_SUCCESS;
}

CNNL_API cnnlStatus_t cnnlGetMatMulDescAttr(cnnlMatMulDescriptor_t desc, cnnlMatMulDescAttribute_t attr, void *buf,
                                            size_t sizeInBytes, size_t *sizeWritten)
{
    CN_ENTRY();
    if (!desc || !kx_handle_is_live(desc, K_DESC) || !buf || sizeInBytes < sizeof(int32_t) || (int)attr < 0 ||
        attr > CNNL_MATMUL_USE_STRIDE)
        return CNNL_STATUS_BAD_PARAM;
    memcpy(buf, &desc->attr[attr], sizeof(int32_t));
    if (sizeWritten) *sizeWritten = sizeof(int32_t);
    return CNNL_STATUS_SUCCESS;
}

/* op(X) of a stored [.., R, C] view: swap the last two dims if transposed. */
static hm_view op_view(const struct cnnlTensorStruct *d, int trans)
{
    hm_view v = { .ndim = d->ndim };
    memcpy(v.dims, d->dims, sizeof v.dims);
    memcpy(v.strides, d->strides, sizeof v.strides);
    if (trans && d->ndim >= 2) {
        int a = d->ndim - 2, b = d->ndim - 1;
        int64_t t = v.dims[a]; v.dims[a] = v.dims[b]; v.dims[b] = t;
        t = v.strides[a]; v.strides[a] = v.strides[b]; v.strides[b] = t;
    }
    return v;
}

/* Shape check of D = op(A) op(B) (+ C); batched allows broadcast batch dims.
 * Returns the workspace the emulator asks for: one fp32 M x N tile (I). */
static cnnlStatus_t check_shapes(const char *fn, cnnlMatMulDescriptor_t md, cnnlTensorDescriptor_t a,
                                 cnnlTensorDescriptor_t b, cnnlTensorDescriptor_t c, int batched, size_t *ws)
{
    const struct cnnlTensorStruct *A = cn_desc(a), *B = cn_desc(b), *C = cn_desc(c);
    if (md && !kx_handle_is_live(md, K_DESC)) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "matmul descriptor not live");
    if (!A || !B || !C) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "tensor descriptor not live or not set");
    if (!cn_is_float(A->dtype) || A->dtype != B->dtype || !cn_is_float(C->dtype))
        return cn_status_fail(CNNL_STATUS_NOT_SUPPORTED, fn, "dtypes: half/bfloat16/float with equal A and B");
    if (batched ? (A->ndim < 2 || B->ndim < 2 || C->ndim < 2) : (A->ndim != 2 || B->ndim != 2 || C->ndim != 2))
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, batched ? "ranks must be >= 2" : "cnnlMatMul_v2 is 2-D");
    int ta = md ? md->attr[CNNL_MATMUL_DESC_TRANSA] : 0, tb = md ? md->attr[CNNL_MATMUL_DESC_TRANSB] : 0;
    hm_view av = op_view(A, ta), bv = op_view(B, tb);
    int64_t M = av.dims[av.ndim - 2], K = av.dims[av.ndim - 1], N = bv.dims[bv.ndim - 1];
    if (bv.dims[bv.ndim - 2] != K || C->dims[C->ndim - 2] != M || C->dims[C->ndim - 1] != N)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "op(A)[M,K] x op(B)[K,N] -> C[M,N] shapes do not match");
    av.ndim -= 2; bv.ndim -= 2;
    int nb;
    int64_t bd[HM_MAX_DIMS];
    if (hm_broadcast_shape(&av, &bv, &nb, bd) || nb != C->ndim - 2) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "batch dims");
    for (int i = 0; i < nb; i++)
        if (bd[i] != C->dims[i]) return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "batch dims do not broadcast to C");
    *ws = (size_t)(M * N) * 4u;
    return CNNL_STATUS_SUCCESS;
}

static cnnlStatus_t heuristic(const char *fn, cnnlHandle_t h, cnnlMatMulDescriptor_t md, cnnlTensorDescriptor_t a,
                              cnnlTensorDescriptor_t b, cnnlTensorDescriptor_t c, int batched, int requested,
                              cnnlMatMulHeuristicResult_t results[], int *returned)
{
    size_t ws;
    if (!h || !kx_handle_is_live(h, CN_K_HANDLE) || !md || !results || !returned || requested < 1)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "bad handle, descriptor or result array");
    cnnlStatus_t st = check_shapes(fn, md, a, b, c, batched, &ws);
    if (st) return st;
    if (!results[0] || !kx_handle_is_live(results[0], K_RES))
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "results[0] is not a live heuristic result");
    results[0]->filled = 1;                       /* one algorithm: the emulator's */
    results[0]->ws = ws;
    *returned = 1;
    return CNNL_STATUS_SUCCESS;
}

CNNL_API cnnlStatus_t cnnlGetMatMulAlgoHeuristic(cnnlHandle_t handle, cnnlMatMulDescriptor_t desc,
                                                 cnnlTensorDescriptor_t aDesc, cnnlTensorDescriptor_t bDesc,
                                                 cnnlTensorDescriptor_t cDesc, cnnlTensorDescriptor_t dDesc,
                                                 cnnlMatMulPrefer_t preference, int requestedAlgoCount,
                                                 cnnlMatMulHeuristicResult_t results[], int *returnAlgoCount)
{
    CN_ENTRY();
    (void)preference;
    if (dDesc && !cn_desc(dDesc)) return CNNL_STATUS_BAD_PARAM;
    return heuristic(__func__, handle, desc, aDesc, bDesc, dDesc ? dDesc : cDesc, 0, requestedAlgoCount, results,
                     returnAlgoCount);
}

CNNL_API cnnlStatus_t cnnlGetBatchMatMulExAlgoHeuristic(cnnlHandle_t handle, cnnlMatMulDescriptor_t desc,
                                                        cnnlTensorDescriptor_t aDesc, cnnlTensorDescriptor_t bDesc,
                                                        cnnlTensorDescriptor_t cDesc, cnnlMatMulPrefer_t preference,
                                                        int requestedAlgoCount, cnnlMatMulHeuristicResult_t results[],
                                                        int *returnAlgoCount)
{
    CN_ENTRY();
    (void)preference;
    return heuristic(__func__, handle, desc, aDesc, bDesc, cDesc, 1, requestedAlgoCount, results, returnAlgoCount);
}

static cnnlStatus_t take_result(const char *fn, cnnlMatMulHeuristicResult_t r, cnnlMatMulAlgo_t algo, size_t *ws)
{
    if (!r || !kx_handle_is_live(r, K_RES) || !r->filled || !algo || !kx_handle_is_live(algo, K_ALGO) || !ws)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, fn, "result not filled by a heuristic call, or algo not live");
    algo->chosen = 1;
    algo->ws = r->ws;
    *ws = r->ws;
    return CNNL_STATUS_SUCCESS;
}

CNNL_API cnnlStatus_t cnnlGetMatMulHeuristicResult(cnnlMatMulHeuristicResult_t result, cnnlMatMulAlgo_t algo,
                                                   size_t *workspaceSize)
{
    CN_ENTRY();
    return take_result(__func__, result, algo, workspaceSize);
}

CNNL_API cnnlStatus_t cnnlGetBatchMatMulExHeuristicResult(cnnlMatMulHeuristicResult_t result, cnnlMatMulAlgo_t algo,
                                                          size_t *workspaceSize)
{
    CN_ENTRY();
    return take_result(__func__, result, algo, workspaceSize);
}

CNNL_API cnnlStatus_t cnnlGetMatMulWorkspaceSize(cnnlHandle_t handle, cnnlMatMulDescriptor_t desc,
                                                 cnnlTensorDescriptor_t aDesc, cnnlTensorDescriptor_t bDesc,
                                                 cnnlTensorDescriptor_t cDesc, cnnlTensorDescriptor_t dDesc,
                                                 cnnlMatMulAlgo_t algo, size_t *workspaceSize)
{
    CN_ENTRY();
    if (!handle || !kx_handle_is_live(handle, CN_K_HANDLE) || !algo || !kx_handle_is_live(algo, K_ALGO) || !workspaceSize)
        return CNNL_STATUS_BAD_PARAM;
    (void)cDesc;
    return check_shapes(__func__, desc, aDesc, bDesc, dDesc, 0, workspaceSize);
}

/* slots: 0 A, 1 B, 2 C (beta input), 3 D (output); i[0..1] trans, f[0] alpha, f[1] beta */
static void compute_mm(const cn_task *t)
{
    hm_view a = t->v[0], b = t->v[1];
    for (int k = 0; k < 2; k++) {
        hm_view *v = k ? &b : &a;
        if (t->i[k]) {
            int x = v->ndim - 2, y = v->ndim - 1;
            int64_t s = v->dims[x]; v->dims[x] = v->dims[y]; v->dims[y] = s;
            s = v->strides[x]; v->strides[x] = v->strides[y]; v->strides[y] = s;
        }
    }
    hm_matmul(&a, &b, &t->v[3], (float)t->f[0], (float)t->f[1], t->present[2] ? &t->v[2] : NULL);
}

static cnnlStatus_t run_mm(const char *fn, cnnlHandle_t h, cnnlMatMulDescriptor_t md, int ta, int tb, float alpha,
                           cnnlTensorDescriptor_t aD, const void *A, cnnlTensorDescriptor_t bD, const void *B,
                           float beta, cnnlTensorDescriptor_t cD, const void *C, cnnlTensorDescriptor_t dD, void *D,
                           void *ws, size_t wsSize, size_t need)
{
    int phys;
    kx_stream *s;
    cnnlStatus_t st = cn_begin(fn, h, &phys, &s);
    if (st) return st;
    cn_task *t = calloc(1, sizeof *t);
    if (!t) return CNNL_STATUS_ALLOC_FAILED;
    t->compute = compute_mm;
    t->i[0] = ta; t->i[1] = tb;
    t->f[0] = alpha; t->f[1] = beta;
    (void)md;
    if ((st = cn_bind(fn, t, 0, aD, A, phys)) || (st = cn_bind(fn, t, 1, bD, B, phys)) ||
        (st = cn_bind(fn, t, 2, beta != 0.0f ? cD : NULL, beta != 0.0f ? C : NULL, phys)) ||
        (st = cn_bind(fn, t, 3, dD, D, phys))) {
        free(t);
        return st;
    }
    return cn_submit(fn, s, phys, t, ws, wsSize, need);
}

CNNL_API cnnlStatus_t cnnlMatMul_v2(cnnlHandle_t handle, cnnlMatMulDescriptor_t desc, cnnlMatMulAlgo_t algo,
                                    const void *alpha, cnnlTensorDescriptor_t aDesc, const void *A,
                                    cnnlTensorDescriptor_t bDesc, const void *B, const void *beta,
                                    cnnlTensorDescriptor_t cDesc, const void *C, void *workspace,
                                    size_t workspaceSize, cnnlTensorDescriptor_t dDesc, void *D)
{
    CN_ENTRY();
    size_t need;
    if (!desc || !algo || !kx_handle_is_live(algo, K_ALGO) || !algo->chosen)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "algo not live or not set by cnnlGetMatMulHeuristicResult");
    cnnlStatus_t st = check_shapes(__func__, desc, aDesc, bDesc, dDesc, 0, &need);
    if (st) return st;
    cnnlDataType_t ct = (cnnlDataType_t)desc->attr[CNNL_MATMUL_DESC_COMPUTE_TYPE];
    float b = desc->attr[CNNL_MATMUL_USE_BETA] ? cn_scalar(beta, ct, 0.0f) : 0.0f;   /* beta only with USE_BETA (U+) */
    return run_mm(__func__, handle, desc, desc->attr[CNNL_MATMUL_DESC_TRANSA], desc->attr[CNNL_MATMUL_DESC_TRANSB],
                  cn_scalar(alpha, ct, 1.0f), aDesc, A, bDesc, B, b, cDesc, C, dDesc, D, workspace, workspaceSize, need);
}

CNNL_API cnnlStatus_t cnnlMatMul(cnnlHandle_t handle, bool isTransA, bool isTransB, const void *alpha,
                                 cnnlTensorDescriptor_t aDesc, const void *A, cnnlTensorDescriptor_t bDesc,
                                 const void *B, const void *beta, cnnlTensorDescriptor_t cDesc, void *C)
{
    CN_ENTRY();
    const struct cnnlTensorStruct *A_ = cn_desc(aDesc), *B_ = cn_desc(bDesc), *C_ = cn_desc(cDesc);
    if (!A_ || !B_ || !C_ || A_->ndim != 2 || B_->ndim != 2 || C_->ndim != 2) return CNNL_STATUS_BAD_PARAM;
    hm_view av = op_view(A_, isTransA), bv = op_view(B_, isTransB);
    if (av.dims[1] != bv.dims[0] || C_->dims[0] != av.dims[0] || C_->dims[1] != bv.dims[1]) return CNNL_STATUS_BAD_PARAM;
    return run_mm(__func__, handle, NULL, isTransA, isTransB, cn_scalar(alpha, CNNL_DTYPE_FLOAT, 1.0f), aDesc, A, bDesc,
                  B, cn_scalar(beta, CNNL_DTYPE_FLOAT, 0.0f), cDesc, C, cDesc, C, NULL, 0, 0);
}

CNNL_API cnnlStatus_t cnnlBatchMatMulEx(cnnlHandle_t handle, cnnlMatMulDescriptor_t desc, cnnlMatMulAlgo_t algo,
                                        const void *alpha, cnnlTensorDescriptor_t aDesc, const void *A,
                                        cnnlTensorDescriptor_t bDesc, const void *B, const void *beta,
                                        cnnlTensorDescriptor_t cDesc, void *C, void *workspace, size_t workspaceSize)
{
    CN_ENTRY();
    size_t need;
    if (!desc || !algo || !kx_handle_is_live(algo, K_ALGO) || !algo->chosen)
        return cn_status_fail(CNNL_STATUS_BAD_PARAM, __func__, "algo not live or not set by the heuristic");
    cnnlStatus_t st = check_shapes(__func__, desc, aDesc, bDesc, cDesc, 1, &need);
    if (st) return st;
    cnnlDataType_t ct = (cnnlDataType_t)desc->attr[CNNL_MATMUL_DESC_COMPUTE_TYPE];
    return run_mm(__func__, handle, desc, desc->attr[CNNL_MATMUL_DESC_TRANSA], desc->attr[CNNL_MATMUL_DESC_TRANSB],
                  cn_scalar(alpha, ct, 1.0f), aDesc, A, bDesc, B, cn_scalar(beta, ct, 0.0f), cDesc, C, cDesc, C,
                  workspace, workspaceSize, need);
}
