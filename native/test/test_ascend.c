/* Tests of libkuaxin-emu-ascend.so through its vendor API (and the kuaxin_emu_*
 * control API): protocols, device behaviour, and op math against naive loops. */
#include "ascend/acl.h"
#include "ascend/aclnn_ops.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int kuaxin_emu_inject_fault(const char *function, int nth, int code);
int kuaxin_emu_set_memory_limit(int physicalDevice, size_t bytes);
int64_t kuaxin_emu_live_handles(void);
int64_t kuaxin_emu_live_allocations(void);

static int failures, checks;
#define CHECK(c) do { checks++; if (!(c)) { failures++; fprintf(stderr, "%s:%d: CHECK failed: %s [%s]\n", __FILE__, __LINE__, #c, aclGetRecentErrMsg() ? aclGetRecentErrMsg() : "-"); } } while (0)
#define OK(x) CHECK((x) == 0)

static aclrtStream stream;

static float frand(void) { return (float)rand() / (float)RAND_MAX * 2.0f - 1.0f; }
static float *rnd(int64_t n) { float *p = malloc(sizeof(float) * (size_t)n); for (int64_t i = 0; i < n; i++) p[i] = frand(); return p; }

/* Emulator control exported by ascend_runtime.c. */
int kuaxin_emu_ascend_set_soc(const char *soc);

static void *upload(const void *h, size_t bytes)
{
    void *d = NULL;
    OK(aclrtMalloc(&d, bytes, ACL_MEM_MALLOC_HUGE_FIRST));
    OK(aclrtMemcpy(d, bytes, h, bytes, ACL_MEMCPY_HOST_TO_DEVICE));
    return d;
}

static void download(void *h, const void *d, size_t bytes)
{
    OK(aclrtSynchronizeStream(stream));
    OK(aclrtMemcpy(h, bytes, d, bytes, ACL_MEMCPY_DEVICE_TO_HOST));
}

/* Contiguous ND tensor over device memory d. */
static aclTensor *tensor(const int64_t *dims, int nd, aclDataType dt, void *d)
{
    int64_t st[8], s = 1;
    for (int i = nd - 1; i >= 0; i--) { st[i] = s; s *= dims[i]; }
    return aclCreateTensor(dims, (uint64_t)nd, dt, st, 0, ACL_FORMAT_ND, dims, (uint64_t)nd, d);
}

/* Runs phase two with a workspace of exactly the size phase one asked for. */
static aclnnStatus run(aclnnStatus (*op)(void *, uint64_t, aclOpExecutor *, aclrtStream), uint64_t ws, aclOpExecutor *ex)
{
    void *w = NULL;
    if (ws) OK(aclrtMalloc(&w, ws, ACL_MEM_MALLOC_HUGE_FIRST));
    aclnnStatus st = op(w, ws, ex, stream);
    OK(aclrtSynchronizeStream(stream));
    if (w) OK(aclrtFree(w));
    return st;
}

static double maxdiff(const float *a, const float *b, int64_t n)
{
    double m = 0;
    for (int64_t i = 0; i < n; i++) { double d = fabs((double)a[i] - b[i]); if (d > m || isnan(d)) m = isnan(d) ? 1e30 : d; }
    return m;
}

static void test_runtime(void)
{
    void *p = NULL;
    CHECK(aclrtMalloc(&p, 64, ACL_MEM_MALLOC_HUGE_FIRST) == ACL_ERROR_UNINITIALIZE);  /* before aclInit */
    OK(aclInit(NULL));
    CHECK(aclInit(NULL) == ACL_ERROR_REPEAT_INITIALIZE);
    CHECK(aclrtMalloc(&p, 64, ACL_MEM_MALLOC_HUGE_FIRST) != ACL_SUCCESS);             /* no aclrtSetDevice yet */
    CHECK(aclGetRecentErrMsg() != NULL && strstr(aclGetRecentErrMsg(), "aclrtSetDevice"));
    uint32_t n = 0;
    OK(aclrtGetDeviceCount(&n));
    CHECK(n >= 1);
    CHECK(aclrtSetDevice((int32_t)n) == ACL_ERROR_RT_INVALID_DEVICEID);
    OK(aclrtSetDevice(0));
    OK(aclrtCreateStream(&stream));
    CHECK(aclrtGetSocName() != NULL);
    size_t fr = 0, tot = 0;
    OK(aclrtGetMemInfo(ACL_HBM_MEM, &fr, &tot));
    CHECK(tot > 0 && fr <= tot);

    /* OOM against a 1 MiB device, then recovery */
    OK(kuaxin_emu_set_memory_limit(0, 1u << 20));
    CHECK(aclrtMalloc(&p, 2u << 20, ACL_MEM_MALLOC_HUGE_FIRST) == ACL_ERROR_RT_MEMORY_ALLOCATION);
    CHECK(p == NULL && aclGetRecentErrMsg() && strstr(aclGetRecentErrMsg(), "aclrtMalloc"));
    OK(kuaxin_emu_set_memory_limit(0, (size_t)1 << 32));
    OK(aclrtMalloc(&p, 4096, ACL_MEM_MALLOC_HUGE_FIRST));

    /* device addresses are not host addresses: a host read faults */
    pid_t pid = fork();
    if (pid == 0) { volatile char c = *(volatile char *)p; (void)c; _exit(0); }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);

    /* destMax and direction are honoured */
    char host[128] = { 1 }, back[128];
    CHECK(aclrtMemcpy(p, 64, host, 128, ACL_MEMCPY_HOST_TO_DEVICE) == ACL_ERROR_INVALID_PARAM);
    CHECK(strstr(aclGetRecentErrMsg(), "destMax") != NULL);
    CHECK(aclrtMemcpy(p, 128, host, 128, ACL_MEMCPY_HOST_TO_HOST) == ACL_ERROR_INVALID_PARAM);
    CHECK(aclrtMemcpy(p, 8192, host, 8192, ACL_MEMCPY_HOST_TO_DEVICE) != ACL_SUCCESS);     /* past the end */
    for (int i = 0; i < 128; i++) host[i] = (char)i;
    OK(aclrtMemcpyAsync(p, 4096, host, 128, ACL_MEMCPY_HOST_TO_DEVICE, stream));
    OK(aclrtMemsetAsync((char *)p + 64, 64, 7, 64, stream));
    OK(aclrtSynchronizeStream(stream));
    OK(aclrtMemcpy(back, sizeof back, p, 128, ACL_MEMCPY_DEFAULT));
    CHECK(back[5] == 5 && back[63] == 63 && back[64] == 7 && back[127] == 7);

    /* events time work on the stream */
    aclrtEvent a, b;
    OK(aclrtCreateEvent(&a));
    OK(aclrtCreateEvent(&b));
    OK(aclrtRecordEvent(a, stream));
    OK(aclrtMemsetAsync(p, 4096, 0, 4096, stream));
    OK(aclrtRecordEvent(b, stream));
    OK(aclrtSynchronizeEvent(b));
    aclrtEventRecordedStatus es;
    OK(aclrtQueryEventStatus(b, &es));
    CHECK(es == ACL_EVENT_RECORDED_STATUS_COMPLETE);
    float ms = -1;
    OK(aclrtEventElapsedTime(&ms, a, b));
    CHECK(ms >= 0);
    OK(aclrtDestroyEvent(a));
    OK(aclrtDestroyEvent(b));

    /* fault injection: the 2nd aclrtMalloc fails with the given code, then all is normal */
    void *q1 = NULL, *q2 = NULL, *q3 = NULL;
    OK(kuaxin_emu_inject_fault("aclrtMalloc", 2, ACL_ERROR_RT_MEMORY_ALLOCATION));
    OK(aclrtMalloc(&q1, 64, ACL_MEM_MALLOC_HUGE_FIRST));
    CHECK(aclrtMalloc(&q2, 64, ACL_MEM_MALLOC_HUGE_FIRST) == ACL_ERROR_RT_MEMORY_ALLOCATION);
    CHECK(strstr(aclGetRecentErrMsg(), "injected") != NULL);
    OK(aclrtMalloc(&q3, 64, ACL_MEM_MALLOC_HUGE_FIRST));
    OK(aclrtFree(q1));
    OK(aclrtFree(q3));
    OK(aclrtFree(p));
    CHECK(aclrtFree(p) != ACL_SUCCESS);                                                  /* double free */
}

static void naive_mm(const float *a, const float *b, float *o, int64_t M, int64_t K, int64_t N)
{
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++) {
            double s = 0;
            for (int64_t k = 0; k < K; k++) s += (double)a[i * K + k] * b[k * N + j];
            o[i * N + j] = (float)s;
        }
}

static void test_matmul_protocols(void)
{
    const int64_t B = 2, M = 3, K = 5, N = 4;
    float *a = rnd(B * M * K), *bt = rnd(N * K), *ref = malloc(sizeof(float) * B * M * N), *out = malloc(sizeof(float) * B * M * N);
    float *bm = malloc(sizeof(float) * K * N);
    for (int64_t k = 0; k < K; k++) for (int64_t n = 0; n < N; n++) bm[k * N + n] = bt[n * K + k];
    for (int64_t b = 0; b < B; b++) naive_mm(a + b * M * K, bm, ref + b * M * N, M, K, N);
    void *da = upload(a, sizeof(float) * B * M * K), *db = upload(bt, sizeof(float) * N * K), *dout = NULL;
    OK(aclrtMalloc(&dout, sizeof(float) * B * M * N, ACL_MEM_MALLOC_HUGE_FIRST));
    int64_t handles0 = kuaxin_emu_live_handles();
    int64_t adims[3] = { B, M, K }, odims[3] = { B, M, N };
    int64_t bdims[2] = { K, N }, bstr[2] = { 1, K }, bstore[2] = { N, K };    /* mat2 = bt^T via strides */
    aclTensor *ta = tensor(adims, 3, ACL_FLOAT, da), *to = tensor(odims, 3, ACL_FLOAT, dout);
    aclTensor *tb = aclCreateTensor(bdims, 2, ACL_FLOAT, bstr, 0, ACL_FORMAT_ND, bstore, 2, db);
    CHECK(ta && tb && to);
    CHECK(kuaxin_emu_live_handles() == handles0 + 3);                                   /* leaks are countable */

    uint64_t ws = 0;
    aclOpExecutor *ex = NULL;
    OK(aclnnMatmulGetWorkspaceSize(ta, tb, to, KX_CUBE_KEEP_DTYPE, &ws, &ex));
    {   /* per SoC: KEEP_DTYPE has no FLOAT32 on 910 (A) and 310P; 1 (down precision) is accepted there */
        aclOpExecutor *ex2;
        uint64_t ws2;
        CHECK(kuaxin_emu_ascend_set_soc("Ascend910A-kuaxin-emu") == 0);
        CHECK(aclnnMatmulGetWorkspaceSize(ta, tb, to, KX_CUBE_KEEP_DTYPE, &ws2, &ex2) == ACLNN_ERR_PARAM_INVALID);
        CHECK(kuaxin_emu_ascend_set_soc("Ascend310P3") == 0);
        CHECK(aclnnMatmulGetWorkspaceSize(ta, tb, to, KX_CUBE_KEEP_DTYPE, &ws2, &ex2) == ACLNN_ERR_PARAM_INVALID);
        OK(aclnnMatmulGetWorkspaceSize(ta, tb, to, KX_CUBE_ALLOW_FP32_DOWN_PRECISION, &ws2, &ex2));
        OK(aclDestroyAclOpExecutor(ex2));
        CHECK(kuaxin_emu_ascend_set_soc(NULL) == 0);
        CHECK(strcmp(aclrtGetSocName(), "Ascend910B1-kuaxin-emu") == 0);
    }
    CHECK(ws > 0 && ex != NULL);
    /* workspace too small, then a host workspace: both rejected, executor survives */
    void *w = NULL;
    OK(aclrtMalloc(&w, ws, ACL_MEM_MALLOC_HUGE_FIRST));
    CHECK(aclnnMatmul(w, ws - 1, ex, stream) == ACLNN_ERR_PARAM_INVALID);
    CHECK(strstr(aclGetRecentErrMsg(), "workspace") != NULL);
    char *hostws = malloc(ws);
    CHECK(aclnnMatmul(hostws, ws, ex, stream) == ACLNN_ERR_PARAM_INVALID);
    free(hostws);
    CHECK(aclnnBatchMatMul(w, ws, ex, stream) == ACLNN_ERR_PARAM_INVALID);               /* wrong op */
    OK(aclnnMatmul(w, ws, ex, stream));
    download(out, dout, sizeof(float) * B * M * N);
    CHECK(maxdiff(out, ref, B * M * N) < 1e-5);
    /* not repeatable: a second run fails */
    CHECK(aclnnMatmul(w, ws, ex, stream) == ACLNN_ERR_PARAM_INVALID);
    CHECK(strstr(aclGetRecentErrMsg(), "repeatable") != NULL);

    /* repeatable: runs twice, rebinds an address, then must be destroyed */
    OK(aclnnMatmulGetWorkspaceSize(ta, tb, to, KX_CUBE_KEEP_DTYPE, &ws, &ex));
    OK(aclSetAclOpExecutorRepeatable(ex));
    OK(aclnnMatmul(w, ws, ex, stream));
    OK(aclnnMatmul(w, ws, ex, stream));
    void *dout2 = NULL;
    OK(aclrtMalloc(&dout2, sizeof(float) * B * M * N, ACL_MEM_MALLOC_HUGE_FIRST));
    OK(aclSetOutputTensorAddr(ex, 0, to, dout2));
    OK(aclnnMatmul(w, ws, ex, stream));
    download(out, dout2, sizeof(float) * B * M * N);
    CHECK(maxdiff(out, ref, B * M * N) < 1e-5);
    CHECK(kuaxin_emu_live_handles() == handles0 + 4);                                   /* executor still live */
    OK(aclDestroyAclOpExecutor(ex));

    /* a never-run executor is a leak until destroyed */
    OK(aclnnMatmulGetWorkspaceSize(ta, tb, to, KX_CUBE_KEEP_DTYPE, &ws, &ex));
    CHECK(kuaxin_emu_live_handles() == handles0 + 4);
    OK(aclDestroyAclOpExecutor(ex));

    /* fault injection in phase two, then recovery */
    OK(kuaxin_emu_inject_fault("aclnnMatmul", 1, ACLNN_ERR_RUNTIME_ERROR));
    OK(aclnnMatmulGetWorkspaceSize(ta, tb, to, KX_CUBE_KEEP_DTYPE, &ws, &ex));
    CHECK(aclnnMatmul(w, ws, ex, stream) == ACLNN_ERR_RUNTIME_ERROR);
    OK(aclnnMatmul(w, ws, ex, stream));
    OK(aclrtSynchronizeStream(stream));

    /* shape errors are reported in phase one */
    CHECK(aclnnMatmulGetWorkspaceSize(ta, ta, to, 0, &ws, &ex) == ACLNN_ERR_PARAM_INVALID);
    CHECK(aclnnMatmulGetWorkspaceSize(ta, tb, to, 9, &ws, &ex) == ACLNN_ERR_PARAM_INVALID);

    OK(aclDestroyTensor(ta));
    OK(aclDestroyTensor(tb));
    OK(aclDestroyTensor(to));
    CHECK(aclDestroyTensor(ta) != ACLNN_SUCCESS);                                       /* double destroy */
    CHECK(kuaxin_emu_live_handles() == handles0);
    OK(aclrtFree(w)); OK(aclrtFree(da)); OK(aclrtFree(db)); OK(aclrtFree(dout)); OK(aclrtFree(dout2));
    free(a); free(bt); free(bm); free(ref); free(out);
}

/* fp16 inputs through aclnnBatchMatMul, and casts */
static void test_batchmatmul_cast(void)
{
    const int64_t B = 3, M = 4, K = 6, N = 5;
    float *a = rnd(B * M * K), *b = rnd(B * K * N), *ref = malloc(sizeof(float) * B * M * N), *out = malloc(sizeof(float) * B * M * N);
    for (int64_t i = 0; i < B * M * K; i++) a[i] = roundf(a[i] * 64) / 64;   /* exact in fp16 */
    for (int64_t i = 0; i < B * K * N; i++) b[i] = roundf(b[i] * 64) / 64;
    for (int64_t i = 0; i < B; i++) naive_mm(a + i * M * K, b + i * K * N, ref + i * M * N, M, K, N);
    int64_t ad[3] = { B, M, K }, bd[3] = { B, K, N }, od[3] = { B, M, N };
    void *da32 = upload(a, sizeof(float) * B * M * K), *db32 = upload(b, sizeof(float) * B * K * N);
    void *da16, *db16, *dout;
    OK(aclrtMalloc(&da16, 2 * B * M * K, ACL_MEM_MALLOC_HUGE_FIRST));
    OK(aclrtMalloc(&db16, 2 * B * K * N, ACL_MEM_MALLOC_HUGE_FIRST));
    OK(aclrtMalloc(&dout, 4 * B * M * N, ACL_MEM_MALLOC_HUGE_FIRST));
    aclTensor *a32 = tensor(ad, 3, ACL_FLOAT, da32), *a16 = tensor(ad, 3, ACL_FLOAT16, da16);
    aclTensor *b32 = tensor(bd, 3, ACL_FLOAT, db32), *b16 = tensor(bd, 3, ACL_BF16, db16);
    aclTensor *b16h = tensor(bd, 3, ACL_FLOAT16, db16), *o = tensor(od, 3, ACL_FLOAT, dout);
    uint64_t ws;
    aclOpExecutor *ex;
    CHECK(aclnnCastGetWorkspaceSize(a32, ACL_BF16, a16, &ws, &ex) == ACLNN_ERR_PARAM_INVALID);  /* dtype != out */
    OK(aclnnCastGetWorkspaceSize(a32, ACL_FLOAT16, a16, &ws, &ex)); OK(run(aclnnCast, ws, ex));
    OK(aclnnCastGetWorkspaceSize(b32, ACL_BF16, b16, &ws, &ex)); OK(run(aclnnCast, ws, ex));
    /* bf16 -> fp16 in place of the same bytes is not allowed to alias; go through fp32 */
    OK(aclnnCastGetWorkspaceSize(b16, ACL_FLOAT, b32, &ws, &ex)); OK(run(aclnnCast, ws, ex));
    OK(aclnnCastGetWorkspaceSize(b32, ACL_FLOAT16, b16h, &ws, &ex)); OK(run(aclnnCast, ws, ex));
    OK(aclnnBatchMatMulGetWorkspaceSize(a16, b16h, o, KX_CUBE_ALLOW_FP32_DOWN_PRECISION, &ws, &ex));
    OK(run(aclnnBatchMatMul, ws, ex));
    download(out, dout, 4 * B * M * N);
    CHECK(maxdiff(out, ref, B * M * N) < 1e-4);      /* inputs exact in fp16 and bf16 (6 bits) */
    aclDestroyTensor(a32); aclDestroyTensor(a16); aclDestroyTensor(b32); aclDestroyTensor(b16);
    aclDestroyTensor(b16h); aclDestroyTensor(o);
    aclrtFree(da32); aclrtFree(db32); aclrtFree(da16); aclrtFree(db16); aclrtFree(dout);
    free(a); free(b); free(ref); free(out);
}

/* naive attention over [B,N,S,D] host arrays; kvlen/diag per the cases below */
static void naive_attn(const float *q, const float *k, const float *v, float *o, int B, int Hq, int Hkv, int Sq,
                       int Sk, int D, float scale, int causal_br, const int64_t *kvlen)
{
    for (int b = 0; b < B; b++)
        for (int h = 0; h < Hq; h++) {
            int kh = h / (Hq / Hkv), L = kvlen ? (int)kvlen[b] : Sk;
            for (int i = 0; i < Sq; i++) {
                double s[256], mx = -INFINITY, sum = 0;
                for (int j = 0; j < L; j++) {
                    double acc = 0;
                    for (int d = 0; d < D; d++)
                        acc += (double)q[(((size_t)b * Hq + h) * Sq + i) * D + d] * k[(((size_t)b * Hkv + kh) * Sk + j) * D + d];
                    s[j] = (causal_br && j > i + (L - Sq)) ? -INFINITY : acc * scale;
                    if (s[j] > mx) mx = s[j];
                }
                for (int j = 0; j < L; j++) { s[j] = exp(s[j] - mx); sum += s[j]; }
                for (int d = 0; d < D; d++) {
                    double acc = 0;
                    for (int j = 0; j < L; j++) acc += s[j] * v[(((size_t)b * Hkv + kh) * Sk + j) * D + d];
                    o[(((size_t)b * Hq + h) * Sq + i) * D + d] = (float)(acc / sum);
                }
            }
        }
}

/* BNSD [B,N,S,D] -> BSND [B,S,N,D] */
static float *to_bsnd(const float *x, int B, int N, int S, int D)
{
    float *r = malloc(sizeof(float) * (size_t)B * N * S * D);
    for (int b = 0; b < B; b++) for (int n = 0; n < N; n++) for (int s = 0; s < S; s++) for (int d = 0; d < D; d++)
        r[(((size_t)b * S + s) * N + n) * D + d] = x[(((size_t)b * N + n) * S + s) * D + d];
    return r;
}

static void test_attention(void)
{
    const int B = 2, Hq = 4, Hkv = 2, Sq = 5, Sk = 7, D = 8;
    float scale = 1.0f / sqrtf((float)D);
    float *q = rnd(B * Hq * Sq * D), *k = rnd(B * Hkv * Sk * D), *v = rnd(B * Hkv * Sk * D);
    float *ref = malloc(sizeof(float) * B * Hq * Sq * D), *out = malloc(sizeof(float) * B * Hq * Sq * D);
    /* prefill, BSND, GQA, bottom-right causal (sparseMode 3) */
    naive_attn(q, k, v, ref, B, Hq, Hkv, Sq, Sk, D, scale, 1, NULL);
    float *qs = to_bsnd(q, B, Hq, Sq, D), *ks = to_bsnd(k, B, Hkv, Sk, D), *vs = to_bsnd(v, B, Hkv, Sk, D);
    void *dq = upload(qs, 4 * B * Hq * Sq * D), *dk = upload(ks, 4 * B * Hkv * Sk * D), *dv = upload(vs, 4 * B * Hkv * Sk * D), *dout;
    OK(aclrtMalloc(&dout, 4 * B * Hq * Sq * D, ACL_MEM_MALLOC_HUGE_FIRST));
    int64_t qd[4] = { B, Sq, Hq, D }, kd[4] = { B, Sk, Hkv, D };
    aclTensor *tq = tensor(qd, 4, ACL_FLOAT, dq), *tk = tensor(kd, 4, ACL_FLOAT, dk), *tv = tensor(kd, 4, ACL_FLOAT, dv);
    aclTensor *to = tensor(qd, 4, ACL_FLOAT, dout);
    uint64_t ws;
    aclOpExecutor *ex;
    char bsnd[] = "BSND", bnsd[] = "BNSD";
    /* sparseMode 3 needs the 2048x2048 compressed causal mask (1 above the diagonal): NULL is invalid */
    CHECK(aclnnPromptFlashAttentionV3GetWorkspaceSize(tq, tk, tv, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                                      Hq, scale, 2147483647, 0, bsnd, Hkv, 3, 0, to, &ws, &ex)
          == ACLNN_ERR_PARAM_INVALID);
    uint8_t *cm = malloc(2048 * 2048);
    for (int i = 0; i < 2048; i++) for (int j = 0; j < 2048; j++) cm[i * 2048 + j] = j > i;
    void *dcm = upload(cm, 2048 * 2048);
    free(cm);
    int64_t cmd[2] = { 2048, 2048 }, small[2] = { Sq, Sk };
    aclTensor *tcm = tensor(cmd, 2, ACL_BOOL, dcm), *tsmall = tensor(small, 2, ACL_BOOL, dcm);
    CHECK(aclnnPromptFlashAttentionV3GetWorkspaceSize(tq, tk, tv, NULL, tsmall, NULL, NULL, NULL, NULL, NULL, NULL,
                                                      NULL, Hq, scale, 2147483647, 0, bsnd, Hkv, 3, 0, to, &ws, &ex)
          == ACLNN_ERR_PARAM_INVALID);   /* a full [Sq,Sk] mask is not the compressed one */
    OK(aclnnPromptFlashAttentionV3GetWorkspaceSize(tq, tk, tv, NULL, tcm, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                                   Hq, scale, 2147483647, 0, bsnd, Hkv, 3, 0, to, &ws, &ex));
    CHECK(ws > 0);
    OK(run(aclnnPromptFlashAttentionV3, ws, ex));
    download(out, dout, 4 * B * Hq * Sq * D);
    float *refs = to_bsnd(ref, B, Hq, Sq, D);
    CHECK(maxdiff(out, refs, B * Hq * Sq * D) < 1e-5);
    CHECK(aclnnPromptFlashAttentionV3GetWorkspaceSize(tq, tk, tv, NULL, tcm, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                                      3, scale, 0, 0, bsnd, Hkv, 3, 0, to, &ws, &ex) == ACLNN_ERR_PARAM_INVALID);
    OK(aclDestroyTensor(tcm));
    OK(aclDestroyTensor(tsmall));
    OK(aclrtFree(dcm));

    /* decode: q length 1, BNSD, per-batch KV lengths via actualSeqLengths */
    int64_t lens[2] = { 7, 4 };
    float *q1 = rnd(B * Hq * D), *ref1 = malloc(sizeof(float) * B * Hq * D), *out1 = malloc(sizeof(float) * B * Hq * D);
    naive_attn(q1, k, v, ref1, B, Hq, Hkv, 1, Sk, D, scale, 0, lens);
    void *dq1 = upload(q1, 4 * B * Hq * D), *dk2 = upload(k, 4 * B * Hkv * Sk * D), *dv2 = upload(v, 4 * B * Hkv * Sk * D), *do1;
    OK(aclrtMalloc(&do1, 4 * B * Hq * D, ACL_MEM_MALLOC_HUGE_FIRST));
    int64_t q1d[4] = { B, Hq, 1, D }, k2d[4] = { B, Hkv, Sk, D };
    aclTensor *tq1 = tensor(q1d, 4, ACL_FLOAT, dq1), *to1 = tensor(q1d, 4, ACL_FLOAT, do1);
    aclTensor *tk2 = tensor(k2d, 4, ACL_FLOAT, dk2), *tv2 = tensor(k2d, 4, ACL_FLOAT, dv2);
    aclTensorList *kl = aclCreateTensorList((const aclTensor *const *)&tk2, 1), *vl = aclCreateTensorList((const aclTensor *const *)&tv2, 1);
    aclIntArray *al = aclCreateIntArray(lens, 2);
    OK(aclnnIncreFlashAttentionV4GetWorkspaceSize(tq1, kl, vl, NULL, NULL, al, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                                  NULL, NULL, Hq, scale, bnsd, Hkv, 0, 0, to1, &ws, &ex));
    OK(run(aclnnIncreFlashAttentionV4, ws, ex));
    download(out1, do1, 4 * B * Hq * D);
    CHECK(maxdiff(out1, ref1, B * Hq * D) < 1e-5);
    OK(aclDestroyTensorList(kl));     /* destroys tk2/tv2 too */
    OK(aclDestroyTensorList(vl));
    OK(aclDestroyIntArray(al));
    aclDestroyTensor(tq); aclDestroyTensor(tk); aclDestroyTensor(tv); aclDestroyTensor(to);
    aclDestroyTensor(tq1); aclDestroyTensor(to1);
    aclrtFree(dq); aclrtFree(dk); aclrtFree(dv); aclrtFree(dout); aclrtFree(dq1); aclrtFree(dk2); aclrtFree(dv2); aclrtFree(do1);
    free(q); free(k); free(v); free(ref); free(out); free(qs); free(ks); free(vs); free(refs); free(q1); free(ref1); free(out1);
}

static void test_norms_elementwise(void)
{
    const int64_t R = 6, C = 10;
    float *x = rnd(R * C), *g = rnd(C), *bb = rnd(C), *y = malloc(sizeof(float) * R * C), *ref = malloc(sizeof(float) * R * C);
    float rstd[6], rstdref[6];
    void *dx = upload(x, 4 * R * C), *dg = upload(g, 4 * C), *db = upload(bb, 4 * C), *dy, *dr;
    OK(aclrtMalloc(&dy, 4 * R * C, ACL_MEM_MALLOC_HUGE_FIRST));
    OK(aclrtMalloc(&dr, 4 * R, ACL_MEM_MALLOC_HUGE_FIRST));
    int64_t xd[2] = { R, C }, gd[1] = { C }, rd[2] = { R, 1 };
    aclTensor *tx = tensor(xd, 2, ACL_FLOAT, dx), *tg = tensor(gd, 1, ACL_FLOAT, dg), *tb = tensor(gd, 1, ACL_FLOAT, db);
    aclTensor *ty = tensor(xd, 2, ACL_FLOAT, dy), *tr = tensor(rd, 2, ACL_FLOAT, dr);
    uint64_t ws;
    aclOpExecutor *ex;
    /* RMS norm, 7-argument form */
    for (int64_t r = 0; r < R; r++) {
        double ss = 0;
        for (int64_t c = 0; c < C; c++) ss += (double)x[r * C + c] * x[r * C + c];
        rstdref[r] = (float)(1.0 / sqrt(ss / C + 1e-6));
        for (int64_t c = 0; c < C; c++) ref[r * C + c] = x[r * C + c] * rstdref[r] * g[c];
    }
    OK(aclnnRmsNormGetWorkspaceSize(tx, tg, 1e-6, ty, tr, &ws, &ex));
    OK(run(aclnnRmsNorm, ws, ex));
    download(y, dy, 4 * R * C);
    download(rstd, dr, 4 * R);
    CHECK(maxdiff(y, ref, R * C) < 1e-5 && maxdiff(rstd, rstdref, R) < 1e-5);
    /* layer norm */
    for (int64_t r = 0; r < R; r++) {
        double mu = 0, var = 0;
        for (int64_t c = 0; c < C; c++) mu += x[r * C + c];
        mu /= C;
        for (int64_t c = 0; c < C; c++) var += (x[r * C + c] - mu) * (x[r * C + c] - mu);
        var /= C;
        for (int64_t c = 0; c < C; c++) ref[r * C + c] = (float)((x[r * C + c] - mu) / sqrt(var + 1e-5) * g[c] + bb[c]);
    }
    aclIntArray *ns = aclCreateIntArray(&C, 1);
    OK(aclnnLayerNormGetWorkspaceSize(tx, ns, tg, tb, 1e-5, ty, NULL, NULL, &ws, &ex));
    OK(run(aclnnLayerNorm, ws, ex));
    download(y, dy, 4 * R * C);
    CHECK(maxdiff(y, ref, R * C) < 1e-5);
    /* softmax over dim -1 */
    for (int64_t r = 0; r < R; r++) {
        double mx = -INFINITY, s = 0;
        for (int64_t c = 0; c < C; c++) mx = fmax(mx, x[r * C + c]);
        for (int64_t c = 0; c < C; c++) s += exp(x[r * C + c] - mx);
        for (int64_t c = 0; c < C; c++) ref[r * C + c] = (float)(exp(x[r * C + c] - mx) / s);
    }
    OK(aclnnSoftmaxGetWorkspaceSize(tx, -1, ty, &ws, &ex));
    OK(run(aclnnSoftmax, ws, ex));
    download(y, dy, 4 * R * C);
    CHECK(maxdiff(y, ref, R * C) < 1e-6);
    /* add with alpha and a broadcast row, then silu */
    float alpha = 0.5f;
    aclScalar *sa = aclCreateScalar(&alpha, ACL_FLOAT);
    OK(aclnnAddGetWorkspaceSize(tx, tg, sa, ty, &ws, &ex));
    OK(run(aclnnAdd, ws, ex));
    download(y, dy, 4 * R * C);
    for (int64_t i = 0; i < R * C; i++) ref[i] = x[i] + alpha * g[i % C];
    CHECK(maxdiff(y, ref, R * C) < 1e-6);
    OK(aclnnSiluGetWorkspaceSize(tx, ty, &ws, &ex));
    OK(run(aclnnSilu, ws, ex));
    download(y, dy, 4 * R * C);
    for (int64_t i = 0; i < R * C; i++) ref[i] = x[i] / (1.0f + expf(-x[i]));
    CHECK(maxdiff(y, ref, R * C) < 1e-6);
    OK(aclDestroyScalar(sa));
    OK(aclDestroyIntArray(ns));
    aclDestroyTensor(tx); aclDestroyTensor(tg); aclDestroyTensor(tb); aclDestroyTensor(ty); aclDestroyTensor(tr);
    aclrtFree(dx); aclrtFree(dg); aclrtFree(db); aclrtFree(dy); aclrtFree(dr);
    free(x); free(g); free(bb); free(y); free(ref);
}

int main(void)
{
    srand(42);
    test_runtime();
    int64_t handles = kuaxin_emu_live_handles(), allocs = kuaxin_emu_live_allocations();
    test_matmul_protocols();
    test_batchmatmul_cast();
    test_attention();
    test_norms_elementwise();
    CHECK(kuaxin_emu_live_handles() == handles);      /* every test cleaned up after itself */
    CHECK(kuaxin_emu_live_allocations() == allocs);
    OK(aclrtDestroyStream(stream));
    OK(aclrtResetDevice(0));
    OK(aclFinalize());
    printf("test_ascend: %d checks, %d failures\n", checks, failures);
    return failures != 0;
}
