/*
 * test_cudafamily.c - one test, compiled per dialect (-DKX_DIALECT_CUDA, ...),
 * that drives libkuaxin-emu-<dialect>.so only through the vendor API and the
 * kuaxin_emu_* control functions, as the Java backends will.
 */
#include "kx_emu.h"       /* for the kuaxin_emu_* prototypes only */
#include "kx_test.h"
#include "../emu/blas/kx_half.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)

#if defined(KX_DIALECT_CUDALEGACY)        /* CUDA names, cudaDataType compute types */
#  define KX_DIALECT_CUDA 1
#  define KX_CUDA_LEGACY_COMPUTE 1
#endif

#if defined(KX_DIALECT_CUDA)
#  include "cuda/cuda_runtime_api.h"
#  include "cuda/cublas_v2.h"
#  include "cuda/cuda.h"
#  define RT(x) cuda##x
#  define BL(x) cublas##x
#  ifdef KX_CUDA_LEGACY_COMPUTE
#    define NAME "cudalegacy"
#  else
#    define NAME "cuda"
#  endif
#  define VISIBLE "CUDA_VISIBLE_DEVICES"
#  define OP_N CUBLAS_OP_N
#  define OP_T CUBLAS_OP_T
#  define DT_F32 CUDA_R_32F
#  define DT_F16 CUDA_R_16F
#  define DT_BF16 CUDA_R_16BF
#  ifdef KX_CUDA_LEGACY_COMPUTE
#    define CT_32F ((cublasComputeType_t)CUDA_R_32F)
#    define CT_16F ((cublasComputeType_t)CUDA_R_16F)
#  else
#    define CT_32F CUBLAS_COMPUTE_32F
#    define CT_16F CUBLAS_COMPUTE_16F
#  endif
#  define ALGO CUBLAS_GEMM_DEFAULT
#  define ST_OK CUBLAS_STATUS_SUCCESS
#  define ST_SIZE CUBLAS_STATUS_INVALID_VALUE
#  define ST_PTR CUBLAS_STATUS_INVALID_VALUE
#  define ST_ENUM CUBLAS_STATUS_INVALID_VALUE
#  define ST_NS CUBLAS_STATUS_NOT_SUPPORTED
#  define GEMM_EX cublasGemmEx
#  define GEMM_SB cublasGemmStridedBatchedEx
#  define STATUS_STR(s) cublasGetStatusString(s)
#elif defined(KX_DIALECT_HIP)
#  include "hip/hip_runtime_api.h"
#  include "hip/hipblas.h"
#  define RT(x) hip##x
#  define BL(x) hipblas##x
#  define NAME "hip"
#  define VISIBLE "HIP_VISIBLE_DEVICES"
#  define OP_N HIPBLAS_OP_N
#  define OP_T HIPBLAS_OP_T
#  define DT_F32 HIP_R_32F
#  define DT_F16 HIP_R_16F
#  define DT_BF16 HIP_R_16BF
#  define CT_32F HIPBLAS_COMPUTE_32F
#  define CT_16F HIPBLAS_COMPUTE_16F
#  define ALGO HIPBLAS_GEMM_DEFAULT
#  define ST_OK HIPBLAS_STATUS_SUCCESS
#  define ST_SIZE HIPBLAS_STATUS_INVALID_VALUE
#  define ST_PTR HIPBLAS_STATUS_INVALID_VALUE
#  define ST_ENUM HIPBLAS_STATUS_INVALID_ENUM
#  define ST_NS HIPBLAS_STATUS_NOT_SUPPORTED
#  define GEMM_EX hipblasGemmEx_v2
#  define GEMM_SB hipblasGemmStridedBatchedEx_v2
#  define STATUS_STR(s) hipblasStatusToString(s)
#elif defined(KX_DIALECT_MUSA)
#  include "musa/musa_runtime_api.h"
#  include "musa/mublas.h"
#  include "musa/musa.h"
#  define RT(x) musa##x
#  define BL(x) mublas##x
#  define NAME "musa"
#  define VISIBLE "MUSA_VISIBLE_DEVICES"
#  define OP_N MUBLAS_OP_N
#  define OP_T MUBLAS_OP_T
#  define DT_F32 MUSA_R_32F
#  define DT_F16 MUSA_R_16F
#  define DT_BF16 MUSA_R_16BF
#  define CT_32F MUBLAS_COMPUTE_32F
#  define CT_16F MUBLAS_COMPUTE_16F
#  define ALGO MUBLAS_GEMM_DEFAULT
#  define ST_OK MUBLAS_STATUS_SUCCESS
#  define ST_SIZE MUBLAS_STATUS_INVALID_SIZE
#  define ST_PTR MUBLAS_STATUS_INVALID_POINTER
#  define ST_ENUM MUBLAS_STATUS_INVALID_VALUE
#  define ST_NS MUBLAS_STATUS_NOT_IMPLEMENTED
#  define GEMM_EX mublasGemmEx_computeType     /* the C++-mangled symbol */
#  define GEMM_SB mublasGemmStridedBatchedEx_computeType
#  define STATUS_STR(s) mublasStatus_to_string(s)
#else
#  include "supa/supa_runtime_api.h"
#  include "supa/sublas.h"
#  define RT(x) supa##x
#  define BL(x) sublas##x
#  define NAME "supa"
#  define VISIBLE "SUPA_VISIBLE_DEVICES"
#  define OP_N SUBLAS_OP_N
#  define OP_T SUBLAS_OP_T
#  define DT_F32 SUPA_R_32F
#  define DT_F16 SUPA_R_16F
#  define DT_BF16 SUPA_R_16BF
#  define CT_32F SUBLAS_COMPUTE_32F
#  define CT_16F SUBLAS_COMPUTE_16F
#  define ALGO SUBLAS_GEMM_DEFAULT
#  define ST_OK SUBLAS_STATUS_SUCCESS
#  define ST_SIZE SUBLAS_STATUS_INVALID_VALUE
#  define ST_PTR SUBLAS_STATUS_INVALID_VALUE
#  define ST_ENUM SUBLAS_STATUS_INVALID_VALUE
#  define ST_NS SUBLAS_STATUS_NOT_SUPPORTED
#  define GEMM_EX sublasGemmEx
#  define GEMM_SB sublasGemmStridedBatchedEx
#  define STATUS_STR(s) sublasGetStatusString(s)
#endif

#if defined(KX_DIALECT_HIP)
#  define KX_KIND_T hipMemcpyKind
#else
#  define KX_KIND_T enum RT(MemcpyKind)
#endif

typedef RT(Stream_t) stream_t;
typedef RT(Event_t) event_t;

/* ------------------------------------------------------------------------- */

static void test_devices(void) {
    CHECK(strcmp(kuaxin_emu_name(), NAME) == 0);
    int n = -1;
    /* 3 emulated devices, visible "2,0,7,1" -> stops at 7 -> logical [2, 0]. */
    CHECK_EQ(RT(GetDeviceCount)(&n), RT(Success));
    CHECK_EQ(n, 2);
    CHECK_EQ(kuaxin_emu_set_memory_limit(2, 32u << 20), 0);
    size_t free_b = 0, total = 0;
    CHECK_EQ(RT(MemGetInfo)(&free_b, &total), RT(Success));
    CHECK_EQ(total, 32u << 20);                 /* logical 0 is physical 2 */
    CHECK_EQ(RT(SetDevice)(1), RT(Success));
    CHECK_EQ(RT(MemGetInfo)(&free_b, &total), RT(Success));
    CHECK_EQ(total, 64u << 20);                 /* KUAXIN_EMU_MEMORY=64M */
    CHECK_EQ(RT(SetDevice)(2), RT(ErrorInvalidDevice));
    CHECK_EQ(RT(GetLastError)(), RT(ErrorInvalidDevice));
    CHECK_EQ(RT(GetLastError)(), RT(Success));
    CHECK_EQ(RT(SetDevice)(0), RT(Success));
    int dev = -1;
    CHECK_EQ(RT(GetDevice)(&dev), RT(Success));
    CHECK_EQ(dev, 0);
    int sms = 0;
#if defined(KX_DIALECT_HIP)
    CHECK_EQ(hipDeviceGetAttribute(&sms, hipDeviceAttributeMultiprocessorCount, 0), hipSuccess);
    CHECK_EQ(hipDeviceGetAttribute(&sms, (hipDeviceAttribute_t)16, 0), hipErrorInvalidValue);  /* CUDA's number */
    char name[64];
    hipDevice_t d;
    CHECK_EQ(hipDeviceGet(&d, 0), hipSuccess);
    CHECK_EQ(hipDeviceGetName(name, sizeof name, d), hipSuccess);
    CHECK(strstr(name, "hip") != NULL);
    size_t tm = 0;
    CHECK_EQ(hipDeviceTotalMem(&tm, d), hipSuccess);
    CHECK_EQ(tm, 32u << 20);
#else
    CHECK_EQ(RT(DeviceGetAttribute)(&sms, RT(DevAttrMultiProcessorCount), 0), RT(Success));
#endif
    CHECK(sms > 0);
#if defined(KX_DIALECT_CUDA) || defined(KX_DIALECT_MUSA)
#  if defined(KX_DIALECT_CUDA)
#    define DRV(x) cu##x
#    define DRV_OK CUDA_SUCCESS
    CUdevice cd;
#  else
#    define DRV(x) mu##x
#    define DRV_OK MUSA_SUCCESS
    MUdevice cd;
#  endif
    char dname[64];
    CHECK_EQ(DRV(Init)(0), DRV_OK);
    CHECK_EQ(DRV(DeviceGet)(&cd, 1), DRV_OK);
    CHECK_EQ(DRV(DeviceGetName)(dname, sizeof dname, cd), DRV_OK);
    CHECK(strstr(dname, "Device 0") != NULL);      /* logical 1 is physical 0 */
    const char *es = NULL;
    CHECK_EQ(DRV(GetErrorName)(DRV_OK, &es), DRV_OK);
    CHECK(es != NULL && strstr(es, "SUCCESS") != NULL);
#endif
}

static void test_memory(void) {
    void *p = NULL, *big = NULL;
    /* OOM is reachable, reported like the vendor, and recoverable. */
    CHECK_EQ(RT(Malloc)(&big, 40u << 20), RT(ErrorMemoryAllocation));
    CHECK(strcmp(RT(GetErrorString)(RT(GetLastError)()), "out of memory") == 0);
    CHECK_EQ(RT(Malloc)(&p, 4096), RT(Success));
    CHECK(p != NULL);

    /* Round trip, OOB and wrong-kind copies are error codes, not crashes. */
    unsigned char host[4096], back[4096];
    for (int i = 0; i < 4096; i++) host[i] = (unsigned char)(i * 7);
    CHECK_EQ(RT(Memcpy)(p, host, 4096, RT(MemcpyHostToDevice)), RT(Success));
    CHECK_EQ(RT(Memcpy)(back, p, 4096, RT(MemcpyDeviceToHost)), RT(Success));
    CHECK(memcmp(host, back, 4096) == 0);
    CHECK_EQ(RT(Memcpy)(back, (char *)p + 1, 4096, RT(MemcpyDeviceToHost)), RT(ErrorInvalidValue));
    CHECK_EQ(RT(Memcpy)(back, host, 16, RT(MemcpyDeviceToHost)), RT(ErrorInvalidValue));  /* host as device */
    CHECK_EQ(RT(Memcpy)(p, p, 16, RT(MemcpyHostToDevice)), RT(ErrorInvalidValue));        /* device as host */
    CHECK_EQ(RT(Memcpy)(p, host, 16, (KX_KIND_T)7), RT(ErrorInvalidMemcpyDirection));
    CHECK_EQ(RT(Memcpy)(back, p, 16, RT(MemcpyDefault)), RT(Success));
    CHECK_EQ(RT(MemsetAsync)(p, 0xab, 100, NULL), RT(Success));
    CHECK_EQ(RT(Memcpy)(back, p, 100, RT(MemcpyDeviceToHost)), RT(Success));
    CHECK_EQ(back[99], 0xab);
    CHECK_EQ(RT(Free)((char *)p + 16), RT(ErrorInvalidValue));

    /* Pinned memory is tracked. */
    void *pinned = NULL;
#if defined(KX_DIALECT_HIP)
    CHECK_EQ(hipHostMalloc(&pinned, 1024, hipHostMallocDefault), hipSuccess);
#else
    CHECK_EQ(RT(MallocHost)(&pinned, 1024), RT(Success));
#endif
    CHECK_EQ(kuaxin_emu_live_allocations(), 2);
#if defined(KX_DIALECT_HIP)
    CHECK_EQ(hipHostFree(pinned), hipSuccess);
#else
    CHECK_EQ(RT(FreeHost)(pinned), RT(Success));
#endif
    CHECK_EQ(RT(Free)(p), RT(Success));
    CHECK_EQ(kuaxin_emu_live_allocations(), 0);
}

static void test_faults(void) {
    int n = 0;
    /* From KUAXIN_EMU_FAULTS: the first GetDevice fails with 999, then it recovers. */
    CHECK_EQ(RT(GetDevice)(&n), RT(ErrorUnknown));
    CHECK_EQ(RT(GetDevice)(&n), RT(Success));
    void *a = NULL, *b = NULL, *c = NULL;
    CHECK_EQ(kuaxin_emu_inject_fault(STR(RT(Malloc)), 2, RT(ErrorMemoryAllocation)), 0);
    CHECK_EQ(RT(Malloc)(&a, 64), RT(Success));
    CHECK_EQ(RT(Malloc)(&b, 64), RT(ErrorMemoryAllocation));
    CHECK_EQ(RT(Malloc)(&c, 64), RT(Success));
    CHECK_EQ(RT(Free)(a), RT(Success));
    CHECK_EQ(RT(Free)(c), RT(Success));
}

/* ------------------------------------------------------------------------- */
/* GEMM against a naive triple loop                                          */
/* ------------------------------------------------------------------------- */

static unsigned g_seed = 12345;
static float frand(void) {
    g_seed = g_seed * 1103515245u + 12345u;
    return (float)((g_seed >> 9) & 0xffff) / 32768.0f - 1.0f;
}

enum { F32, F16, BF16 };

static size_t esz(int t) { return t == F32 ? 4 : 2; }
static float get(const void *p, size_t i, int t) {
    return t == F32 ? ((const float *)p)[i] : t == F16 ? kx_half_to_float(((const uint16_t *)p)[i])
                                                       : kx_bf16_to_float(((const uint16_t *)p)[i]);
}
static void put(void *p, size_t i, int t, float v) {
    if (t == F32) ((float *)p)[i] = v;
    else if (t == F16) ((uint16_t *)p)[i] = kx_float_to_half(v);
    else ((uint16_t *)p)[i] = kx_float_to_bf16(v);
}
static int vendor_dt(int t) { return t == F32 ? DT_F32 : t == F16 ? DT_F16 : DT_BF16; }

/* One GEMM case: random column-major inputs with padded leading dimensions, run
 * through GemmStridedBatchedEx (batch > 1), GemmEx or Sgemm, compared with doubles. */
static void gemm_case(BL(Handle_t) h, stream_t s, int ta, int tb, int m, int n, int k, int batch,
                      int in_t, int out_t, int compute16, int use_sgemm) {
    int ra = ta ? k : m, ca = ta ? m : k, rb = tb ? n : k, cb = tb ? k : n;
    int lda = ra + 3, ldb = rb + 1, ldc = m + 2;
    long long sa = (long long)lda * ca + 5, sb = (long long)ldb * cb, sc = (long long)ldc * n + 7;
    size_t na = (size_t)sa * batch, nb = (size_t)sb * batch, nc = (size_t)sc * batch;
    void *hA = calloc(na, esz(in_t)), *hB = calloc(nb, esz(in_t));
    void *hC = calloc(nc, esz(out_t)), *hR = calloc(nc, esz(out_t));
    for (size_t i = 0; i < na; i++) put(hA, i, in_t, frand());
    for (size_t i = 0; i < nb; i++) put(hB, i, in_t, frand());
    for (size_t i = 0; i < nc; i++) put(hC, i, out_t, frand());
    void *dA, *dB, *dC;
    CHECK_EQ(RT(Malloc)(&dA, na * esz(in_t)), RT(Success));
    CHECK_EQ(RT(Malloc)(&dB, nb * esz(in_t)), RT(Success));
    CHECK_EQ(RT(Malloc)(&dC, nc * esz(out_t)), RT(Success));
    CHECK_EQ(RT(MemcpyAsync)(dA, hA, na * esz(in_t), RT(MemcpyHostToDevice), s), RT(Success));
    CHECK_EQ(RT(MemcpyAsync)(dB, hB, nb * esz(in_t), RT(MemcpyHostToDevice), s), RT(Success));
    CHECK_EQ(RT(MemcpyAsync)(dC, hC, nc * esz(out_t), RT(MemcpyHostToDevice), s), RT(Success));

    float alpha = 1.5f, beta = -0.5f;
    uint16_t halpha = kx_float_to_half(alpha), hbeta = kx_float_to_half(beta);
    const void *pa = compute16 ? (const void *)&halpha : (const void *)&alpha;
    const void *pb = compute16 ? (const void *)&hbeta : (const void *)&beta;
    int opa = ta ? OP_T : OP_N, opb = tb ? OP_T : OP_N;
    int ct = compute16 ? CT_16F : CT_32F;
    int st;
    if (use_sgemm)
        st = BL(Sgemm)(h, opa, opb, m, n, k, &alpha, dA, lda, dB, ldb, &beta, dC, ldc);
    else if (batch == 1)
        st = GEMM_EX(h, opa, opb, m, n, k, pa, dA, vendor_dt(in_t), lda, dB, vendor_dt(in_t), ldb, pb,
                     dC, vendor_dt(out_t), ldc, ct, ALGO);
    else
        st = GEMM_SB(h, opa, opb, m, n, k, pa, dA, vendor_dt(in_t), lda, sa, dB, vendor_dt(in_t), ldb, sb,
                     pb, dC, vendor_dt(out_t), ldc, sc, batch, ct, ALGO);
    CHECK_EQ(st, ST_OK);
    CHECK_EQ(RT(MemcpyAsync)(hR, dC, nc * esz(out_t), RT(MemcpyDeviceToHost), s), RT(Success));
    CHECK_EQ(RT(StreamSynchronize)(s), RT(Success));

    double tol = out_t == F32 && in_t == F32 ? 1e-4 : out_t == F32 ? 1e-3 : out_t == F16 ? 1e-2 : 4e-2;
    double worst = 0;
    for (int b = 0; b < batch; b++)
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    size_t ia = (size_t)b * sa + (ta ? (size_t)i * lda + p : (size_t)p * lda + i);
                    size_t ib = (size_t)b * sb + (tb ? (size_t)p * ldb + j : (size_t)j * ldb + p);
                    acc += (double)get(hA, ia, in_t) * get(hB, ib, in_t);
                }
                size_t ic = (size_t)b * sc + (size_t)j * ldc + i;
                double want = alpha * acc + beta * get(hC, ic, out_t);
                double err = fabs(get(hR, ic, out_t) - want) / (1.0 + fabs(want));
                if (err > worst) worst = err;
            }
    /* Padding between columns/batches must be untouched. */
    size_t pad = (size_t)(ldc - 1);
    CHECK(get(hR, pad, out_t) == get(hC, pad, out_t));
    if (worst > tol)
        fprintf(stderr, "gemm ta=%d tb=%d m=%d n=%d k=%d batch=%d in=%d out=%d c16=%d: rel err %g\n",
                ta, tb, m, n, k, batch, in_t, out_t, compute16, worst);
    CHECK(worst <= tol);
    RT(Free)(dA);
    RT(Free)(dB);
    RT(Free)(dC);
    free(hA); free(hB); free(hC); free(hR);
}

static void test_gemm(void) {
    BL(Handle_t) h;
    stream_t s;
    CHECK_EQ(BL(Create)(&h), ST_OK);
    CHECK_EQ(RT(StreamCreateWithFlags)(&s, 1), RT(Success));
    CHECK_EQ(BL(SetStream)(h, s), ST_OK);
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            gemm_case(h, s, ta, tb, 13, 7, 5, 1, F32, F32, 0, 1);     /* Sgemm */
            gemm_case(h, s, ta, tb, 17, 11, 9, 1, F32, F32, 0, 0);    /* GemmEx fp32 */
            gemm_case(h, s, ta, tb, 9, 6, 33, 3, F16, F16, 0, 0);     /* strided batched fp16 */
            gemm_case(h, s, ta, tb, 8, 5, 16, 2, BF16, F32, 0, 0);    /* bf16 in, fp32 out */
            gemm_case(h, s, ta, tb, 6, 4, 8, 1, BF16, BF16, 0, 0);
#if !defined(KX_DIALECT_SUPA)   /* suBLAS supports only 32F and 32F_FAST_TF32 */
            gemm_case(h, s, ta, tb, 5, 9, 7, 1, F16, F16, 1, 0);      /* compute 16F, half scalars */
#endif
        }
    gemm_case(h, s, 0, 0, 1, 1, 1, 1, F32, F32, 0, 0);

    /* Argument errors come back as the vendor's status codes. */
    float one = 1, zero = 0;
    void *d;
    CHECK_EQ(RT(Malloc)(&d, 64 * 64 * 4), RT(Success));
    CHECK_EQ(BL(Sgemm)(h, OP_N, OP_N, -1, 4, 4, &one, d, 4, d, 4, &zero, d, 4), ST_SIZE);
    CHECK_EQ(BL(Sgemm)(h, OP_N, OP_N, 8, 4, 4, &one, d, 4, d, 4, &zero, d, 8), ST_SIZE);   /* lda < m */
    CHECK_EQ(BL(Sgemm)(h, 999, OP_N, 4, 4, 4, &one, d, 4, d, 4, &zero, d, 4), ST_ENUM);
    float hostmat[16];
    CHECK_EQ(BL(Sgemm)(h, OP_N, OP_N, 4, 4, 4, &one, hostmat, 4, d, 4, &zero, d, 4), ST_PTR);
    CHECK_EQ(BL(Sgemm)(h, OP_N, OP_N, 64, 64, 64, &one, (float *)d + 1, 64, d, 64, &zero, d, 64), ST_PTR);
    CHECK_EQ(GEMM_EX(h, OP_N, OP_N, 4, 4, 4, &one, d, DT_F16, 4, d, DT_BF16, 4, &zero, d, DT_F32, 4,
                     CT_32F, ALGO), ST_NS);
    CHECK_EQ(GEMM_EX(h, OP_N, OP_N, 4, 4, 4, &one, d, 12345, 4, d, DT_F32, 4, &zero, d, DT_F32, 4,
                     CT_32F, ALGO), ST_ENUM);
    CHECK_EQ(GEMM_EX(h, OP_N, OP_N, 4, 4, 4, &one, d, DT_F32, 4, d, DT_F32, 4, &zero, d, DT_F32, 4,
                     CT_32F, 4242), ST_ENUM);
    CHECK(STATUS_STR(ST_OK) != NULL);

    /* beta == 0: C is not read, so NaN there does not propagate. */
    float nanv = NAN, res[4];
    float a1[4] = {1, 2, 3, 4};
    CHECK_EQ(RT(Memcpy)(d, a1, 16, RT(MemcpyHostToDevice)), RT(Success));
    float *dc = (float *)d + 64;
    for (int i = 0; i < 4; i++) CHECK_EQ(RT(Memcpy)(dc + i, &nanv, 4, RT(MemcpyHostToDevice)), RT(Success));
    CHECK_EQ(BL(Sgemm)(h, OP_N, OP_T, 2, 2, 1, &one, d, 2, d, 2, &zero, dc, 2), ST_OK);
    CHECK_EQ(RT(StreamSynchronize)(s), RT(Success));   /* the GEMM ran on s, not the default stream */
    CHECK_EQ(RT(Memcpy)(res, dc, 16, RT(MemcpyDeviceToHost)), RT(Success));
    CHECK(res[0] == 1 && res[1] == 2 && res[2] == 2 && res[3] == 4);

#if defined(KX_DIALECT_CUDA)
    /* CUDA 10.2-style compute type: cudaDataType value accepted by both spellings... */
    CHECK_EQ(cublasGemmEx(h, OP_N, OP_N, 2, 2, 1, &one, d, CUDA_R_32F, 2, d, CUDA_R_32F, 1, &zero, dc,
                          CUDA_R_32F, 2, (cublasComputeType_t)CUDA_R_32F, ALGO), ST_OK);
    /* ...and cuBLAS 11's CUBLAS_COMPUTE_32F only by the modern one. */
    CHECK_EQ(cublasGemmEx(h, OP_N, OP_N, 2, 2, 1, &one, d, CUDA_R_32F, 2, d, CUDA_R_32F, 1, &zero, dc,
                          CUDA_R_32F, 2, CUBLAS_COMPUTE_32F, ALGO),
#  ifdef KX_CUDA_LEGACY_COMPUTE
             CUBLAS_STATUS_INVALID_VALUE);
#  else
             ST_OK);
#  endif
    CHECK(strcmp(cublasGetStatusName(CUBLAS_STATUS_NOT_SUPPORTED), "CUBLAS_STATUS_NOT_SUPPORTED") == 0);
#elif defined(KX_DIALECT_SUPA)
    /* Documented but unsupported compute types, and no 64F at all (cuBLAS's 70 is not a suBLAS value). */
    CHECK_EQ(sublasGemmEx(h, OP_N, OP_N, 2, 2, 1, &one, d, SUPA_R_16F, 2, d, SUPA_R_16F, 1, &zero, dc,
                          SUPA_R_16F, 2, SUBLAS_COMPUTE_16F, ALGO), ST_ENUM);
    CHECK_EQ(sublasGemmEx(h, OP_N, OP_N, 2, 2, 1, &one, d, SUPA_R_64F, 2, d, SUPA_R_64F, 1, &zero, dc,
                          SUPA_R_64F, 2, (sublasComputeType_t)70, ALGO), ST_ENUM);
#elif defined(KX_DIALECT_HIP)
    /* hipBLAS 2.x legacy form takes hipblasDatatype_t (151) even for the compute type... */
    CHECK_EQ(hipblasGemmEx(h, OP_N, OP_N, 2, 2, 1, &one, d, HIPBLAS_R_32F, 2, d, HIPBLAS_R_32F, 1, &zero,
                           dc, HIPBLAS_R_32F, 2, HIPBLAS_R_32F, ALGO), ST_OK);
    /* ...and rejects the _v2 numbering, and cuBLAS's compute numbers in _v2. */
    CHECK_EQ(hipblasGemmEx(h, OP_N, OP_N, 2, 2, 1, &one, d, (hipblasDatatype_t)HIP_R_32F, 2, d,
                           (hipblasDatatype_t)HIP_R_32F, 1, &zero, dc, (hipblasDatatype_t)HIP_R_32F, 2,
                           (hipblasDatatype_t)HIPBLAS_COMPUTE_32F, ALGO), ST_ENUM);
    CHECK_EQ(hipblasGemmEx_v2(h, OP_N, OP_N, 2, 2, 1, &one, d, HIP_R_32F, 2, d, HIP_R_32F, 1, &zero, dc,
                              HIP_R_32F, 2, (hipblasComputeType_t)68, ALGO), ST_ENUM);
    CHECK(strcmp(hipblasStatusToString(HIPBLAS_STATUS_INVALID_ENUM), "HIPBLAS_STATUS_INVALID_ENUM") == 0);
#elif defined(KX_DIALECT_MUSA)
    /* The plain C mublasGemmEx takes a musaDataType_t compute type (I). */
    CHECK_EQ(mublasGemmEx(h, OP_N, OP_N, 2, 2, 1, &one, d, MUSA_R_32F, 2, d, MUSA_R_32F, 1, &zero, dc,
                          MUSA_R_32F, 2, MUSA_R_32F, ALGO), ST_OK);
    /* cuBLAS's op numbers are not muBLAS's. */
    CHECK_EQ(mublasSgemm(h, (mublasOperation_t)0, OP_N, 2, 2, 1, &one, d, 2, d, 1, &zero, dc, 2), ST_ENUM);
#endif
    CHECK_EQ(RT(StreamSynchronize)(s), RT(Success));
    CHECK_EQ(RT(Free)(d), RT(Success));
    CHECK_EQ(BL(Destroy)(h), ST_OK);
    CHECK(BL(Destroy)(h) != ST_OK);
    CHECK_EQ(RT(StreamDestroy)(s), RT(Success));
}

/* ------------------------------------------------------------------------- */
/* Streams and events                                                        */
/* ------------------------------------------------------------------------- */

static void test_streams_events(void) {
    BL(Handle_t) h;
    stream_t s1, s2;
    event_t e0, e1, nt;
    CHECK_EQ(BL(Create)(&h), ST_OK);
    CHECK_EQ(RT(StreamCreate)(&s1), RT(Success));
    CHECK_EQ(RT(StreamCreate)(&s2), RT(Success));
    CHECK_EQ(RT(EventCreate)(&e0), RT(Success));
    CHECK_EQ(RT(EventCreate)(&e1), RT(Success));
    CHECK_EQ(RT(EventCreateWithFlags)(&nt, RT(EventDisableTiming)), RT(Success));
    CHECK_EQ(BL(SetStream)(h, s1), ST_OK);
    float ms = 0;
    CHECK_EQ(RT(EventElapsedTime)(&ms, e0, e1), RT(ErrorInvalidResourceHandle));   /* never recorded */
    CHECK_EQ(RT(GetLastError)(), RT(ErrorInvalidResourceHandle));

    /* A GEMM big enough to take a while runs on s1's worker, not on this thread. */
    int n = 256;
    float *dA, *dC, one = 1, zero = 0;
    CHECK_EQ(RT(Malloc)((void **)&dA, (size_t)n * n * 4), RT(Success));
    CHECK_EQ(RT(Malloc)((void **)&dC, (size_t)n * n * 4), RT(Success));
    float *host = NULL;
#if defined(KX_DIALECT_HIP)
    CHECK_EQ(hipHostMalloc((void **)&host, (size_t)n * n * 4, 0), hipSuccess);
#else
    CHECK_EQ(RT(MallocHost)((void **)&host, (size_t)n * n * 4), RT(Success));
#endif
    for (int i = 0; i < n * n; i++) host[i] = 1.0f;
    CHECK_EQ(RT(MemcpyAsync)(dA, host, (size_t)n * n * 4, RT(MemcpyHostToDevice), s1), RT(Success));
    CHECK_EQ(RT(EventRecord)(e0, s1), RT(Success));
    for (int r = 0; r < 4; r++)
        CHECK_EQ(BL(Sgemm)(h, OP_N, OP_N, n, n, n, &one, dA, n, dA, n, &zero, dC, n), ST_OK);
    CHECK_EQ(RT(EventRecord)(e1, s1), RT(Success));
    CHECK_EQ(RT(EventRecord)(nt, s1), RT(Success));
    CHECK_EQ(RT(StreamQuery)(s1), RT(ErrorNotReady));   /* still running elsewhere */
    CHECK_EQ(RT(EventQuery)(e1), RT(ErrorNotReady));
    CHECK_EQ(RT(GetLastError)(), RT(Success));          /* "not ready" is not an error */

    /* s2 waits for e1, then copies the result into pinned memory. */
    host[0] = -1;
    CHECK_EQ(RT(StreamWaitEvent)(s2, e1, 0), RT(Success));
    CHECK_EQ(RT(MemcpyAsync)(host, dC, (size_t)n * n * 4, RT(MemcpyDeviceToHost), s2), RT(Success));
    CHECK_EQ(RT(StreamSynchronize)(s2), RT(Success));
    CHECK(host[0] == (float)n && host[n * n - 1] == (float)n);
    CHECK_EQ(RT(EventSynchronize)(e1), RT(Success));
    CHECK_EQ(RT(EventElapsedTime)(&ms, e0, e1), RT(Success));
    CHECK(ms > 0.0f);
    CHECK_EQ(RT(EventSynchronize)(nt), RT(Success));
    CHECK_EQ(RT(EventElapsedTime)(&ms, e0, nt), RT(ErrorInvalidResourceHandle));   /* timing disabled */
    CHECK_EQ(RT(DeviceSynchronize)(), RT(Success));

    CHECK_EQ(kuaxin_emu_live_handles(), 6);   /* 2 streams, 3 events, 1 BLAS handle */
    CHECK_EQ(RT(EventDestroy)(e0), RT(Success));
    CHECK_EQ(RT(EventDestroy)(e0), RT(ErrorInvalidResourceHandle));
    CHECK_EQ(RT(EventDestroy)(e1), RT(Success));
    CHECK_EQ(RT(EventDestroy)(nt), RT(Success));
    CHECK_EQ(BL(Destroy)(h), ST_OK);
    CHECK_EQ(RT(StreamDestroy)(s1), RT(Success));
    CHECK_EQ(RT(StreamDestroy)(s2), RT(Success));
    CHECK_EQ(RT(StreamSynchronize)(s2), RT(ErrorInvalidResourceHandle));
    CHECK_EQ(kuaxin_emu_live_handles(), 0);
    RT(Free)(dA);
    RT(Free)(dC);
#if defined(KX_DIALECT_HIP)
    hipHostFree(host);
#else
    RT(FreeHost)(host);
#endif
    CHECK_EQ(kuaxin_emu_live_allocations(), 0);
}

#if defined(KX_DIALECT_CUDA) && !defined(KX_CUDA_LEGACY_COMPUTE)
/* bf16 x bf16 -> bf16, 32F compute, the 4x2048x9 shape a real H200 got wrong: worst error in bf16
 * ulps against the fp64 product rounded once, with the given math mode. */
static double bf16_split_k_worst(cublasMath_t mode) {
    enum { M = 9, N = 4, K = 2048 };     /* column-major C(9x4) = A(9xK) B(Kx4) */
    static uint16_t hA[M * K], hB[K * N], hC[M * N];
    g_seed = 42;
    for (int i = 0; i < M * K; i++) hA[i] = kx_float_to_bf16(frand());
    for (int i = 0; i < K * N; i++) hB[i] = kx_float_to_bf16(frand());
    cublasHandle_t h;
    void *dA, *dB, *dC;
    CHECK_EQ(cublasCreate(&h), ST_OK);
    CHECK_EQ(cublasSetMathMode(h, mode), ST_OK);
    cublasMath_t got;
    CHECK_EQ(cublasGetMathMode(h, &got), ST_OK);
    CHECK_EQ((int)got, (int)mode);
    CHECK_EQ(cudaMalloc(&dA, sizeof hA), cudaSuccess);
    CHECK_EQ(cudaMalloc(&dB, sizeof hB), cudaSuccess);
    CHECK_EQ(cudaMalloc(&dC, sizeof hC), cudaSuccess);
    CHECK_EQ(cudaMemcpy(dA, hA, sizeof hA, cudaMemcpyHostToDevice), cudaSuccess);
    CHECK_EQ(cudaMemcpy(dB, hB, sizeof hB, cudaMemcpyHostToDevice), cudaSuccess);
    float one = 1, zero = 0;
    CHECK_EQ(cublasGemmEx(h, OP_N, OP_N, M, N, K, &one, dA, CUDA_R_16BF, M, dB, CUDA_R_16BF, K, &zero, dC,
                          CUDA_R_16BF, M, CUBLAS_COMPUTE_32F, ALGO), ST_OK);
    CHECK_EQ(cudaMemcpy(hC, dC, sizeof hC, cudaMemcpyDeviceToHost), cudaSuccess);
    double worst = 0;
    for (int j = 0; j < N; j++)
        for (int i = 0; i < M; i++) {
            double acc = 0;
            for (int p = 0; p < K; p++) acc += (double)kx_bf16_to_float(hA[p * M + i]) * kx_bf16_to_float(hB[j * K + p]);
            float want = kx_bf16_to_float(kx_float_to_bf16((float)acc));
            float ulp = ldexpf(1.0f, ilogbf(fabsf(want) > 0 ? fabsf(want) : 1e-30f) - 7);
            double e = fabs(kx_bf16_to_float(hC[j * M + i]) - want) / ulp;
            if (e > worst) worst = e;
        }
    cudaFree(dA);
    cudaFree(dB);
    cudaFree(dC);
    cublasDestroy(h);
    return worst;
}

/* The default math mode lets the split-K partial sums be reduced in bf16; the DISALLOW flag keeps
 * one fp32 accumulation, so the result is the fp64 product rounded once (within 1 ulp). */
static void test_math_mode(void) {
    double exact = bf16_split_k_worst(CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION);
    double reduced = bf16_split_k_worst(CUBLAS_DEFAULT_MATH);
    CHECK(exact <= 1.0);
    if (!(reduced > 1.0)) fprintf(stderr, "default math mode: worst %g ulps, expected > 1\n", reduced);
    CHECK(reduced > 1.0);
    cublasHandle_t h;
    CHECK_EQ(cublasCreate(&h), ST_OK);
    CHECK_EQ(cublasSetMathMode(h, (cublasMath_t)99), CUBLAS_STATUS_INVALID_VALUE);
    CHECK_EQ(cublasSetMathMode(NULL, CUBLAS_DEFAULT_MATH), CUBLAS_STATUS_NOT_INITIALIZED);
    CHECK_EQ(cublasGetMathMode(h, NULL), CUBLAS_STATUS_INVALID_VALUE);
    cublasDestroy(h);
}
#endif

static void test_reset_and_no_device(void) {
    void *p;
    CHECK_EQ(RT(Malloc)(&p, 128), RT(Success));
    CHECK_EQ(kuaxin_emu_reset(), 0);
    CHECK_EQ(kuaxin_emu_live_allocations(), 0);
    CHECK_EQ(kuaxin_emu_set_visible_devices(""), 0);
    int n = -1;
    CHECK_EQ(RT(GetDeviceCount)(&n), RT(ErrorNoDevice));
    CHECK_EQ(n, 0);
    CHECK(strstr(RT(GetErrorString)(RT(ErrorNoDevice)), "capable device") != NULL);
    CHECK_EQ(RT(Malloc)(&p, 128), RT(ErrorNoDevice));
    CHECK_EQ(kuaxin_emu_set_visible_devices(NULL), 2);   /* back to the environment */
    CHECK(strcmp(RT(GetErrorName)(RT(ErrorInvalidValue)), STR(RT(ErrorInvalidValue))) == 0);
}

int main(void) {
    setenv("KUAXIN_EMU_DEVICES", "3", 1);
    setenv("KUAXIN_EMU_MEMORY", "64M", 1);
    setenv(VISIBLE, "2,0,7,1", 1);
    setenv("KUAXIN_EMU_FAULTS", STR(RT(GetDevice)) ":1:999", 1);
    test_faults();      /* first: the env fault hits the first GetDevice call */
    test_devices();
    test_memory();
    test_gemm();
#if defined(KX_DIALECT_CUDA) && !defined(KX_CUDA_LEGACY_COMPUTE)
    test_math_mode();
#endif
    test_streams_events();
    test_reset_and_no_device();
    TEST_DONE("test_" NAME);
}
