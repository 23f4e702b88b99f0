/* Tests of libkuaxin-emu-cambricon.so through CNRT/CNNL and kuaxin_emu_*. */
#include "cambricon/cnnl.h"
#include "cambricon/cnrt.h"

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
#define CHECK(c) do { checks++; if (!(c)) { failures++; fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); } } while (0)
#define OK(x) CHECK((x) == 0)

static cnrtQueue_t queue;
static cnnlHandle_t h;

static float *rnd(int n) { float *p = malloc(sizeof(float) * (size_t)n); for (int i = 0; i < n; i++) p[i] = (float)rand() / RAND_MAX * 2 - 1; return p; }
static void *up(const void *x, size_t n) { void *d; OK(cnrtMalloc(&d, n)); OK(cnrtMemcpy(d, (void *)x, n, cnrtMemcpyHostToDev)); return d; }
static void down(void *x, void *d, size_t n) { OK(cnrtQueueSync(queue)); OK(cnrtMemcpy(x, d, n, cnrtMemcpyDevToHost)); }
static cnnlTensorDescriptor_t desc(int nd, const int *dims, cnnlDataType_t dt)
{
    cnnlTensorDescriptor_t d;
    OK(cnnlCreateTensorDescriptor(&d));
    OK(cnnlSetTensorDescriptor(d, CNNL_LAYOUT_ARRAY, dt, nd, dims));
    return d;
}
static double maxdiff(const float *a, const float *b, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++) { double d = fabs((double)a[i] - b[i]); m = isnan(d) ? 1e30 : d > m ? d : m; }
    return m;
}

/* Emulator control exported by cnrt_runtime.c. */
int kuaxin_emu_cnrt_set_pending_code(int code);

static void test_runtime(void)
{
    unsigned n = 0;
    OK(cnrtGetDeviceCount(&n));
    CHECK(n >= 1);
    OK(cnrtSetDevice(0));
    OK(cnrtQueueCreate(&queue));
    cnrtDeviceProp_t *prop = calloc(1, 4096);
    OK(cnrtGetDeviceProperties(prop, 0));
    CHECK(prop->name[0] != 0);
    free(prop);
    void *p = NULL;
    OK(kuaxin_emu_set_memory_limit(0, 1u << 20));
    CHECK(cnrtMalloc(&p, 2u << 20) == cnrtErrorNoMem);
    CHECK(cnrtGetLastError() == cnrtErrorNoMem && cnrtGetLastError() == cnrtSuccess);
    OK(kuaxin_emu_set_memory_limit(0, (size_t)1 << 32));
    OK(cnrtMalloc(&p, 256));
    pid_t pid = fork();
    if (pid == 0) { volatile char c = *(volatile char *)p; (void)c; _exit(0); }
    int status;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    char buf[256], back[256];
    for (int i = 0; i < 256; i++) buf[i] = (char)i;
    /* CNRT order: 0 is host->device, 2 device->host; the CUDA value (1) would be DevToDev */
    CHECK(cnrtMemcpy(p, buf, 256, (cnrtMemTransDir_t)1) == cnrtErrorArgsInvalid);
    OK(cnrtMemcpyAsync_V3(p, buf, 256, queue, cnrtMemcpyHostToDev));   /* queue before direction */
    cnrtNotifier_t a, b;
    OK(cnrtNotifierCreate(&a));
    OK(cnrtNotifierCreate(&b));
    OK(cnrtPlaceNotifier(a, queue));
    OK(cnrtMemsetAsync((char *)p + 128, 9, 128, queue));
    OK(cnrtPlaceNotifier(b, queue));
    OK(cnrtWaitNotifier(b));
    OK(cnrtQueryNotifier(b));
    float ms = -1, us = -1;
    OK(cnrtNotifierElapsedTime(a, b, &ms));
    OK(cnrtNotifierDuration(a, b, &us));
    CHECK(ms >= 0 && us >= ms);
    OK(cnrtMemcpy(back, p, 256, cnrtMemcpyDevToHost));
    CHECK(back[100] == 100 && back[200] == 9);
    CHECK(cnrtMemcpy(back, p, 512, cnrtMemcpyDevToHost) == cnrtErrorArgsInvalid);     /* past the allocation */
    OK(cnrtNotifierDestroy(a));
    OK(cnrtNotifierDestroy(b));
    OK(kuaxin_emu_inject_fault("cnrtMalloc", 1, cnrtErrorSys));
    void *q;
    CHECK(cnrtMalloc(&q, 64) == cnrtErrorSys);
    OK(cnrtMalloc(&q, 64));
    OK(cnrtFree(q));
    OK(cnrtFree(p));
    CHECK(strcmp(cnrtGetErrorStr(cnrtErrorNoMem), "Out of device memory") == 0);
    /* Attribute numbers of the public cnrt.h: 0 is no attribute. */
    int v = 0;
    OK(cnrtDeviceGetAttribute(&v, cnrtAttrClusterCount, 0));
    CHECK(cnrtAttrClusterCount == 0x205 && v > 0);
    OK(cnrtDeviceGetAttribute(&v, cnrtAttrMcorePerCluster, 0));
    CHECK(cnrtAttrMcorePerCluster == 0x206 && v > 0);
    CHECK(cnrtDeviceGetAttribute(&v, (cnrtDeviceAttr_t)0, 0) == cnrtErrorNoAttribute);
    CHECK(cnrtDeviceGetAttribute(&v, (cnrtDeviceAttr_t)1, 0) == cnrtErrorNoAttribute);
    /* "pending" is cnrtErrorBusy or cnrtErrorNotReady, by setting; nothing else. */
    CHECK(kuaxin_emu_cnrt_set_pending_code(cnrtErrorNotReady) == 0);
    CHECK(kuaxin_emu_cnrt_set_pending_code(cnrtErrorBusy) == 0);
    CHECK(kuaxin_emu_cnrt_set_pending_code(cnrtErrorSys) == -1);
    CHECK(cnrtErrorNotReady == 1 && cnrtErrorBusy == 632014 && cnrtErrorArgsInvalid == 100006);
    OK(cnnlCreate(&h));
    OK(cnnlSetQueue(h, queue));
}

static void naive_mm(const float *a, const float *b, float *o, int M, int K, int N)
{
    for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) {
        double s = 0;
        for (int k = 0; k < K; k++) s += (double)a[i * K + k] * b[k * N + j];
        o[i * N + j] = (float)s;
    }
}

static void test_matmul(void)
{
    const int M = 5, K = 7, N = 3;
    int64_t handles0 = kuaxin_emu_live_handles();
    float *a = rnd(M * K), *bt = rnd(N * K), *bm = malloc(4 * K * N), *ref = malloc(4 * M * N), *out = malloc(4 * M * N);
    for (int k = 0; k < K; k++) for (int n = 0; n < N; n++) bm[k * N + n] = bt[n * K + k];
    naive_mm(a, bm, ref, M, K, N);
    void *da = up(a, 4 * M * K), *db = up(bt, 4 * N * K), *dd;
    OK(cnrtMalloc(&dd, 4 * M * N));
    int ad[2] = { M, K }, bd[2] = { N, K }, dd2[2] = { M, N };
    cnnlTensorDescriptor_t A = desc(2, ad, CNNL_DTYPE_FLOAT), B = desc(2, bd, CNNL_DTYPE_FLOAT), D = desc(2, dd2, CNNL_DTYPE_FLOAT);
    cnnlMatMulDescriptor_t md;
    cnnlMatMulAlgo_t algo;
    cnnlMatMulHeuristicResult_t res;
    OK(cnnlMatMulDescCreate(&md));                     /* mlu-ops spelling */
    OK(cnnlCreateMatMulAlgo(&algo));                   /* InfiniCore spelling */
    OK(cnnlCreateMatMulHeuristicResult(&res));
    int32_t one = 1;
    OK(cnnlSetMatMulDescAttr(md, CNNL_MATMUL_DESC_TRANSB, &one, sizeof one));
    float alpha = 1, beta = 0;
    void *ws;
    OK(cnrtMalloc(&ws, 1 << 16));
    CHECK(cnnlMatMul_v2(h, md, algo, &alpha, A, da, B, db, &beta, D, dd, ws, 1 << 16, D, dd) == CNNL_STATUS_BAD_PARAM); /* no heuristic yet */
    int got = 0;
    size_t wsz = 0;
    OK(cnnlGetMatMulAlgoHeuristic(h, md, A, B, D, D, NULL, 1, &res, &got));
    OK(cnnlGetMatMulHeuristicResult(res, algo, &wsz));
    CHECK(got == 1 && wsz > 0);
    CHECK(cnnlMatMul_v2(h, md, algo, &alpha, A, da, B, db, &beta, D, dd, ws, wsz - 1, D, dd) == CNNL_STATUS_BAD_PARAM);
    char hostws[512];
    CHECK(cnnlMatMul_v2(h, md, algo, &alpha, A, da, B, db, &beta, D, dd, hostws, wsz, D, dd) == CNNL_STATUS_BAD_PARAM);
    OK(kuaxin_emu_inject_fault("cnnlMatMul_v2", 1, CNNL_STATUS_EXECUTION_FAILED));
    CHECK(cnnlMatMul_v2(h, md, algo, &alpha, A, da, B, db, &beta, D, dd, ws, wsz, D, dd) == CNNL_STATUS_EXECUTION_FAILED);
    OK(cnnlMatMul_v2(h, md, algo, &alpha, A, da, B, db, &beta, D, dd, ws, wsz, D, dd));
    down(out, dd, 4 * M * N);
    CHECK(maxdiff(out, ref, M * N) < 1e-5);
    CHECK(cnnlMatMul_v2(h, md, algo, &alpha, A, a, B, db, &beta, D, dd, ws, wsz, D, dd) == CNNL_STATUS_BAD_PARAM); /* host A */

    /* batched, A [2,M,K] against a broadcast B [K,N] (no transpose this time) */
    float *a2 = rnd(2 * M * K), *ref2 = malloc(4 * 2 * M * N), *out2 = malloc(4 * 2 * M * N);
    naive_mm(a2, bm, ref2, M, K, N);
    naive_mm(a2 + M * K, bm, ref2 + M * N, M, K, N);
    void *da2 = up(a2, 4 * 2 * M * K), *dbm = up(bm, 4 * K * N), *dc2;
    OK(cnrtMalloc(&dc2, 4 * 2 * M * N));
    int a2d[3] = { 2, M, K }, bmd[2] = { K, N }, c2d[3] = { 2, M, N };
    cnnlTensorDescriptor_t A2 = desc(3, a2d, CNNL_DTYPE_FLOAT), BM = desc(2, bmd, CNNL_DTYPE_FLOAT), C2 = desc(3, c2d, CNNL_DTYPE_FLOAT);
    cnnlMatMulDescriptor_t bmdsc;
    OK(cnnlCreateMatMulDescriptor(&bmdsc));
    OK(cnnlGetBatchMatMulExAlgoHeuristic(h, bmdsc, A2, BM, C2, NULL, 1, &res, &got));
    OK(cnnlGetBatchMatMulExHeuristicResult(res, algo, &wsz));
    OK(cnnlBatchMatMulEx(h, bmdsc, algo, &alpha, A2, da2, BM, dbm, &beta, C2, dc2, ws, wsz));
    down(out2, dc2, 4 * 2 * M * N);
    CHECK(maxdiff(out2, ref2, 2 * M * N) < 1e-5);

    CHECK(kuaxin_emu_live_handles() == handles0 + 10);            /* 6 tensor descs, 2 matmul descs, algo, result */
    OK(cnnlDestroyMatMulDescriptor(bmdsc));
    OK(cnnlMatMulDescDestroy(md));
    OK(cnnlMatMulAlgoDestroy(algo));
    OK(cnnlDestroyMatMulHeuristicResult(res));
    OK(cnnlDestroyTensorDescriptor(A)); OK(cnnlDestroyTensorDescriptor(B)); OK(cnnlDestroyTensorDescriptor(D));
    OK(cnnlDestroyTensorDescriptor(A2)); OK(cnnlDestroyTensorDescriptor(BM)); OK(cnnlDestroyTensorDescriptor(C2));
    CHECK(cnnlDestroyTensorDescriptor(A) == CNNL_STATUS_BAD_PARAM);
    CHECK(kuaxin_emu_live_handles() == handles0);
    cnrtFree(da); cnrtFree(db); cnrtFree(dd); cnrtFree(ws); cnrtFree(da2); cnrtFree(dbm); cnrtFree(dc2);
    free(a); free(bt); free(bm); free(ref); free(out); free(a2); free(ref2); free(out2);
}

static void test_attention(void)
{
    /* two sequences packed: (Sq, Sk) = (3, 5) and (1, 4) decode-like; Hq 4, Hkv 2 (GQA), causal bottom-right */
    const int H = 4, Hk = 2, D = 8, Tq = 4, Tk = 9;
    int cq[3] = { 0, 3, 4 }, ck[3] = { 0, 5, 9 };
    float *q = rnd(Tq * H * D), *k = rnd(Tk * Hk * D), *v = rnd(Tk * Hk * D), *ref = calloc((size_t)Tq * H * D, 4), *out = malloc(4 * Tq * H * D);
    float scale = 0.35f;
    for (int b = 0; b < 2; b++) {
        int sq = cq[b + 1] - cq[b], sk = ck[b + 1] - ck[b];
        for (int hh = 0; hh < H; hh++) for (int i = 0; i < sq; i++) {
            double s[16], mx = -INFINITY, sum = 0;
            int kh = hh / (H / Hk);
            for (int j = 0; j < sk; j++) {
                double acc = 0;
                for (int d = 0; d < D; d++) acc += (double)q[((cq[b] + i) * H + hh) * D + d] * k[((ck[b] + j) * Hk + kh) * D + d];
                s[j] = j > i + (sk - sq) ? -INFINITY : acc * scale;
                mx = fmax(mx, s[j]);
            }
            for (int j = 0; j < sk; j++) { s[j] = exp(s[j] - mx); sum += s[j]; }
            for (int d = 0; d < D; d++) {
                double acc = 0;
                for (int j = 0; j < sk; j++) acc += s[j] * v[((ck[b] + j) * Hk + kh) * D + d];
                ref[((cq[b] + i) * H + hh) * D + d] = (float)(acc / sum);
            }
        }
    }
    void *dq = up(q, 4 * Tq * H * D), *dk = up(k, 4 * Tk * Hk * D), *dv = up(v, 4 * Tk * Hk * D);
    void *dcq = up(cq, sizeof cq), *dck = up(ck, sizeof ck), *dout, *dlse, *ws;
    OK(cnrtMalloc(&dout, 4 * Tq * H * D));
    OK(cnrtMalloc(&dlse, 4 * H * Tq));
    int qd[3] = { Tq, H, D }, kd[3] = { Tk, Hk, D }, cd[1] = { 3 }, ld[2] = { H, Tq };
    cnnlTensorDescriptor_t Q = desc(3, qd, CNNL_DTYPE_FLOAT), K = desc(3, kd, CNNL_DTYPE_FLOAT), O = desc(3, qd, CNNL_DTYPE_FLOAT);
    cnnlTensorDescriptor_t CQ = desc(1, cd, CNNL_DTYPE_INT32), L = desc(2, ld, CNNL_DTYPE_FLOAT);
    cnnlFlashAttentionDescriptor_t fa;
    OK(cnnlCreateFlashAttentionDescriptor(&fa));
    OK(cnnlSetFlashAttentionDescriptor(fa, CNNL_DTYPE_FLOAT, CNNL_ACTIVATION_HIGH_PRECISION, CNNL_ATTN_MASK_CAUSAL, true,
                                       false, false, 3, 5, 0.0f, scale));
    size_t wsz;
    OK(cnnlGetFlashAttentionForwardWorkspaceSize(h, fa, Q, K, K, &wsz));
    OK(cnrtMalloc(&ws, wsz));
    OK(cnnlFlashAttentionForward(h, fa, Q, dq, K, dk, K, dv, CQ, dcq, CQ, dck, NULL, ws, wsz, NULL, NULL, L, dlse, O, dout));
    down(out, dout, 4 * Tq * H * D);
    CHECK(maxdiff(out, ref, Tq * H * D) < 1e-5);
    OK(cnnlDestroyFlashAttentionDescriptor(fa));
    cnnlDestroyTensorDescriptor(Q); cnnlDestroyTensorDescriptor(K); cnnlDestroyTensorDescriptor(O);
    cnnlDestroyTensorDescriptor(CQ); cnnlDestroyTensorDescriptor(L);
    cnrtFree(dq); cnrtFree(dk); cnrtFree(dv); cnrtFree(dcq); cnrtFree(dck); cnrtFree(dout); cnrtFree(dlse); cnrtFree(ws);
    free(q); free(k); free(v); free(ref); free(out);
}

static void test_nn(void)
{
    const int R = 4, C = 9;
    float *x = rnd(R * C), *g = rnd(C), *y = malloc(4 * R * C), *ref = malloc(4 * R * C), rms[4], rmsref[4];
    void *dx = up(x, 4 * R * C), *dg = up(g, 4 * C), *dy, *dr, *ws;
    OK(cnrtMalloc(&dy, 4 * R * C));
    OK(cnrtMalloc(&dr, 4 * R));
    int xd[2] = { R, C }, gd[1] = { C }, rd[1] = { R };
    cnnlTensorDescriptor_t X = desc(2, xd, CNNL_DTYPE_FLOAT), G = desc(1, gd, CNNL_DTYPE_FLOAT), RS = desc(1, rd, CNNL_DTYPE_FLOAT);
    size_t wsz;
    OK(cnnlGetRmsNormOpWorkspaceSize(h, 1, X, &wsz));
    OK(cnrtMalloc(&ws, wsz));
    OK(cnnlRmsNormForward(h, 1, X, dx, G, dg, NULL, 1e-6f, ws, wsz, X, dy, RS, dr));
    down(y, dy, 4 * R * C);
    down(rms, dr, 4 * R);
    for (int r = 0; r < R; r++) {
        double ss = 0;
        for (int c = 0; c < C; c++) ss += (double)x[r * C + c] * x[r * C + c];
        rmsref[r] = (float)(1 / sqrt(ss / C + 1e-6));
        for (int c = 0; c < C; c++) ref[r * C + c] = x[r * C + c] * rmsref[r] * g[c];
    }
    CHECK(maxdiff(y, ref, R * C) < 1e-5 && maxdiff(rms, rmsref, R) < 1e-5);
    CHECK(cnnlRmsNormForward(h, 1, X, dx, G, dg, NULL, 1e-6f, ws, wsz - 1, X, dy, RS, dr) == CNNL_STATUS_BAD_PARAM);
    OK(cnnlSoftmaxForward_v2(h, CNNL_SOFTMAX_ACCURATE, CNNL_SOFTMAX_MODE_LOW_DIMENSION, CNNL_COMPUTATION_HIGH_PRECISION,
                             NULL, X, dx, NULL, X, dy));
    down(y, dy, 4 * R * C);
    for (int r = 0; r < R; r++) {
        double s = 0, mx = -INFINITY;
        for (int c = 0; c < C; c++) mx = fmax(mx, x[r * C + c]);
        for (int c = 0; c < C; c++) s += exp(x[r * C + c] - mx);
        for (int c = 0; c < C; c++) ref[r * C + c] = (float)(exp(x[r * C + c] - mx) / s);
    }
    CHECK(maxdiff(y, ref, R * C) < 1e-6);
    /* cast float -> half -> float; castType must match the descriptors */
    void *dh;
    OK(cnrtMalloc(&dh, 2 * R * C));
    cnnlTensorDescriptor_t XH = desc(2, xd, CNNL_DTYPE_HALF);
    CHECK(cnnlCastDataType(h, X, dx, CNNL_CAST_FLOAT_TO_BFLOAT16, XH, dh) == CNNL_STATUS_BAD_PARAM);
    OK(cnnlCastDataType(h, X, dx, CNNL_CAST_FLOAT_TO_HALF, XH, dh));
    OK(cnnlCastDataType(h, XH, dh, CNNL_CAST_HALF_TO_FLOAT, X, dy));
    down(y, dy, 4 * R * C);
    CHECK(maxdiff(y, x, R * C) < 1e-3);
    /* op tensor: y = x - 2 * g (broadcast row) */
    cnnlOpTensorDescriptor_t od;
    OK(cnnlCreateOpTensorDescriptor(&od));
    OK(cnnlSetOpTensorDescriptor(od, CNNL_OP_TENSOR_SUB, CNNL_DTYPE_FLOAT, CNNL_NOT_PROPAGATE_NAN));
    float one = 1, two = 2, zero = 0;
    OK(cnnlOpTensor(h, od, &one, X, dx, &two, G, dg, NULL, 0, &zero, X, dy));
    down(y, dy, 4 * R * C);
    for (int i = 0; i < R * C; i++) ref[i] = x[i] - 2 * g[i % C];
    CHECK(maxdiff(y, ref, R * C) < 1e-6);
    cnnlActivationDescriptor_t act;
    OK(cnnlCreateActivationDescriptor(&act));
    OK(cnnlSetActivationDescriptor_v2(act, CNNL_ACTIVATION_SILU, CNNL_ACTIVATION_HIGH_PRECISION, CNNL_NOT_PROPAGATE_NAN, 1.0f));
    OK(cnnlActivationForward(h, act, NULL, X, dx, NULL, X, dy));
    down(y, dy, 4 * R * C);
    for (int i = 0; i < R * C; i++) ref[i] = x[i] / (1 + expf(-x[i]));
    CHECK(maxdiff(y, ref, R * C) < 1e-6);
    OK(cnnlDestroyActivationDescriptor(act));
    OK(cnnlDestroyOpTensorDescriptor(od));
    cnnlDestroyTensorDescriptor(X); cnnlDestroyTensorDescriptor(G); cnnlDestroyTensorDescriptor(RS); cnnlDestroyTensorDescriptor(XH);
    cnrtFree(dx); cnrtFree(dg); cnrtFree(dy); cnrtFree(dr); cnrtFree(ws); cnrtFree(dh);
    free(x); free(g); free(y); free(ref);
}

int main(void)
{
    srand(7);
    test_runtime();
    int64_t handles = kuaxin_emu_live_handles(), allocs = kuaxin_emu_live_allocations();
    test_matmul();
    test_attention();
    test_nn();
    CHECK(kuaxin_emu_live_handles() == handles);
    CHECK(kuaxin_emu_live_allocations() == allocs);
    OK(cnnlDestroy(h));
    OK(cnrtQueueDestroy(queue));
    printf("test_cambricon: %d checks, %d failures\n", checks, failures);
    return failures != 0;
}
