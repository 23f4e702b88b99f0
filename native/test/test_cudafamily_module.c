/*
 * test_cudafamily_module.c - the module API of the CUDA-family emulators
 * (cuModule* and cuLaunchKernel, hipModule*, muModule*, supaModule*), compiled per
 * dialect like test_cudafamily.c: image checks, kernel lookup, launch limits,
 * argument copying, stream order, closed streams, injected faults, async
 * out-of-bounds errors, and grids that are too small.
 */
#include "kx_emu.h"       /* for the kuaxin_emu_* prototypes only */
#include "kx_test.h"
#include "kx_kernel_abi.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)

#if defined(KX_DIALECT_CUDALEGACY)        /* CUDA names; the module API is the same */
#  define KX_DIALECT_CUDA 1
#endif

#if defined(KX_DIALECT_CUDA)
#  include "cuda/cuda_runtime_api.h"
#  include "cuda/cuda_module.h"
#  define RT(x) cuda##x
#  define MOD(x) cuModule##x
#  define NAME "cuda"
#  define LAUNCH cuLaunchKernel
#  define OK CUDA_SUCCESS
#  define E_VALUE CUDA_ERROR_INVALID_VALUE
#  define E_INIT CUDA_ERROR_NOT_INITIALIZED
#  define E_IMAGE CUDA_ERROR_INVALID_IMAGE
#  define E_HANDLE CUDA_ERROR_INVALID_HANDLE
#  define E_NOT_FOUND CUDA_ERROR_NOT_FOUND
#  define NEEDS_INIT 1
typedef CUmodule module_t;
typedef CUfunction function_t;
typedef CUstream mstream_t;
#elif defined(KX_DIALECT_MUSA)
#  include "musa/musa_runtime_api.h"
#  include "musa/musa_module.h"
#  define RT(x) musa##x
#  define MOD(x) muModule##x
#  define NAME "musa"
#  define LAUNCH muLaunchKernel
#  define OK MUSA_SUCCESS
#  define E_VALUE MUSA_ERROR_INVALID_VALUE
#  define E_INIT MUSA_ERROR_NOT_INITIALIZED
#  define E_IMAGE MUSA_ERROR_INVALID_IMAGE
#  define E_HANDLE MUSA_ERROR_INVALID_HANDLE
#  define E_NOT_FOUND MUSA_ERROR_NOT_FOUND
#  define NEEDS_INIT 1
typedef MUmodule module_t;
typedef MUfunction function_t;
typedef MUstream mstream_t;
#elif defined(KX_DIALECT_HIP)
#  include "hip/hip_runtime_api.h"
#  include "hip/hip_module.h"
#  define RT(x) hip##x
#  define MOD(x) hipModule##x
#  define NAME "hip"
#  define LAUNCH hipModuleLaunchKernel
#  define OK hipSuccess
#  define E_VALUE hipErrorInvalidValue
#  define E_INIT hipErrorNotInitialized
#  define E_IMAGE hipErrorInvalidImage
#  define E_HANDLE hipErrorInvalidHandle
#  define E_NOT_FOUND hipErrorNotFound
#  define NEEDS_INIT 0
typedef hipModule_t module_t;
typedef hipFunction_t function_t;
typedef hipStream_t mstream_t;
#else
#  include "supa/supa_runtime_api.h"
#  include "supa/supa_module.h"
#  define RT(x) supa##x
#  define MOD(x) supaModule##x
#  define NAME "supa"
#  define LAUNCH supaModuleLaunchKernel
#  define OK supaSuccess
#  define E_VALUE supaErrorInvalidValue
#  define E_INIT supaErrorInitializationError
#  define E_IMAGE supaErrorInvalidImage
#  define E_HANDLE supaErrorInvalidResourceHandle
#  define E_NOT_FOUND supaErrorNotFound
#  define NEEDS_INIT 0
typedef supaModule_t module_t;
typedef supaFunction_t function_t;
typedef supaStream_t mstream_t;
#endif

static const char IMAGE[] = "KXHOSTK1kx_unary\0kx_binary\0kx_softmax\0kxk_abi_version\0";

static KxTensor vec_f32(void *p, int64_t n) {
    KxTensor t;
    memset(&t, 0, sizeof t);
    t.ptr = (uint64_t)(uintptr_t)p;
    t.dtype = KXK_F32;
    t.rank = 1;
    t.shape[0] = n;
    t.stride[0] = 1;
    return t;
}

static void test_load_and_lookup(module_t *out) {
    module_t m = NULL;
#if NEEDS_INIT
    CHECK_EQ(MOD(LoadData)(&m, IMAGE), E_INIT);          /* the driver is not initialised yet */
#endif
    int n = 0;
    CHECK_EQ(RT(GetDeviceCount)(&n), 0);                 /* any runtime call initialises it */
    CHECK_EQ(MOD(LoadData)(&m, "not an image"), E_IMAGE);
    CHECK_EQ(MOD(LoadData)(&m, "KXHOSTK1kx_unary\0kx_nonexistent\0"), E_IMAGE);
    CHECK_EQ(MOD(LoadData)(NULL, IMAGE), E_VALUE);
    CHECK_EQ(MOD(LoadData)(&m, IMAGE), OK);
    function_t f = NULL;
    CHECK_EQ(MOD(GetFunction)(&f, m, "kx_unary"), OK);
    CHECK(f != NULL);
    CHECK_EQ(MOD(GetFunction)(&f, m, "kx_attention"), E_NOT_FOUND);   /* a host kernel, but not in this image */
    CHECK_EQ(MOD(GetFunction)(&f, m, "nope"), E_NOT_FOUND);
    CHECK_EQ(MOD(GetFunction)(&f, (module_t)&n, "kx_unary"), E_HANDLE);
    *out = m;
}

static void test_launches(module_t m) {
    enum { N = 1000 };
    float host[N], back[N];
    for (int i = 0; i < N; i++) host[i] = (float)(i % 11) - 5.0f;
    void *dx, *dy, *dz;
    CHECK_EQ(RT(Malloc)(&dx, sizeof host), 0);
    CHECK_EQ(RT(Malloc)(&dy, sizeof host), 0);
    CHECK_EQ(RT(Malloc)(&dz, sizeof host), 0);
    CHECK_EQ(RT(Memcpy)(dx, host, sizeof host, RT(MemcpyHostToDevice)), 0);
    RT(Stream_t) s;
    CHECK_EQ(RT(StreamCreateWithFlags)(&s, 0), 0);
    function_t unary, binary, softmax;
    CHECK_EQ(MOD(GetFunction)(&unary, m, "kx_unary"), OK);
    CHECK_EQ(MOD(GetFunction)(&binary, m, "kx_binary"), OK);
    CHECK_EQ(MOD(GetFunction)(&softmax, m, "kx_softmax"), OK);

    KxTensor x = vec_f32(dx, N), y = vec_f32(dy, N), z = vec_f32(dz, N);
    int32_t op = KXK_RELU;
    void *args[] = {&x, &y, &op};
    /* launch limits */
    CHECK_EQ(LAUNCH(unary, 4, 1, 1, 1025, 1, 1, 0, (mstream_t)s, args, NULL), E_VALUE);   /* > 1024 threads */
    CHECK_EQ(LAUNCH(unary, 4, 1, 1, 32, 32, 2, 0, (mstream_t)s, args, NULL), E_VALUE);    /* 2048 threads */
    CHECK_EQ(LAUNCH(unary, 4, 1, 1, 1, 1, 65, 0, (mstream_t)s, args, NULL), E_VALUE);     /* block z > 64 */
    CHECK_EQ(LAUNCH(unary, 0, 1, 1, 256, 1, 1, 0, (mstream_t)s, args, NULL), E_VALUE);    /* empty grid */
    CHECK_EQ(LAUNCH(unary, 1, 65536, 1, 256, 1, 1, 0, (mstream_t)s, args, NULL), E_VALUE);
    CHECK_EQ(LAUNCH(unary, 4, 1, 1, 256, 1, 1, 49153, (mstream_t)s, args, NULL), E_VALUE);
    CHECK_EQ(LAUNCH(unary, 4, 1, 1, 256, 1, 1, 0, (mstream_t)s, NULL, NULL), E_VALUE);
    CHECK_EQ(LAUNCH(unary, 4, 1, 1, 256, 1, 1, 0, (mstream_t)s, args, args), E_VALUE);
    CHECK_EQ(LAUNCH((function_t)&op, 4, 1, 1, 256, 1, 1, 0, (mstream_t)s, args, NULL), E_HANDLE);

    /* relu then y + y, in stream order; the values are copied at launch, so changing them afterwards is harmless */
    CHECK_EQ(LAUNCH(unary, 4, 1, 1, 256, 1, 1, 0, (mstream_t)s, args, NULL), OK);
    op = KXK_EXP;
    x.ptr = 0;
    int32_t add = KXK_ADD;
    void *bargs[] = {&y, &y, &z, &add};
    CHECK_EQ(LAUNCH(binary, 1, 1, 1, 128, 1, 1, 0, (mstream_t)s, bargs, NULL), OK);    /* grid-stride: 1 block is enough */
    CHECK_EQ(RT(StreamSynchronize)(s), 0);
    CHECK_EQ(RT(Memcpy)(back, dz, sizeof back, RT(MemcpyDeviceToHost)), 0);
    int bad = 0;
    for (int i = 0; i < N; i++) bad += back[i] != 2 * fmaxf(host[i], 0);
    CHECK_EQ(bad, 0);

    /* a row kernel given too few blocks leaves the other rows alone, as a GPU would */
    KxTensor rows = vec_f32(dx, 8), out = vec_f32(dz, 8);
    rows.rank = out.rank = 2;
    rows.shape[0] = out.shape[0] = 4;
    rows.shape[1] = out.shape[1] = 2;
    rows.stride[0] = out.stride[0] = 2;
    rows.stride[1] = out.stride[1] = 1;
    CHECK_EQ(RT(MemsetAsync)(dz, 0, sizeof back, s), 0);   /* Memset is asynchronous for device memory */
    void *sargs[] = {&rows, &out};
    CHECK_EQ(LAUNCH(softmax, 2, 1, 1, 64, 1, 1, 0, (mstream_t)s, sargs, NULL), OK);
    CHECK_EQ(RT(StreamSynchronize)(s), 0);
    CHECK_EQ(RT(Memcpy)(back, dz, 8 * sizeof(float), RT(MemcpyDeviceToHost)), 0);
    CHECK(fabsf(back[0] + back[1] - 1) < 1e-6f && fabsf(back[2] + back[3] - 1) < 1e-6f);
    CHECK(back[4] == 0 && back[5] == 0 && back[6] == 0 && back[7] == 0);

    /* a view past its allocation is an illegal address, reported at the next synchronisation */
    KxTensor big = vec_f32(dx, N + 1);
    void *oargs[] = {&big, &y, &op};
    CHECK_EQ(LAUNCH(unary, 4, 1, 1, 256, 1, 1, 0, (mstream_t)s, oargs, NULL), OK);
    CHECK_EQ(RT(StreamSynchronize)(s), RT(ErrorIllegalAddress));
    CHECK_EQ(RT(StreamSynchronize)(s), 0);                 /* reported once */

    /* an injected launch fault is returned once; the next launch works */
    x.ptr = (uint64_t)(uintptr_t)dx;
    CHECK_EQ(kuaxin_emu_inject_fault(STR(LAUNCH), 1, 719), 0);
    CHECK_EQ(LAUNCH(unary, 4, 1, 1, 256, 1, 1, 0, (mstream_t)s, args, NULL), 719);
    CHECK_EQ(LAUNCH(unary, 4, 1, 1, 256, 1, 1, 0, (mstream_t)s, args, NULL), OK);

    /* a destroyed stream is a bad handle */
    CHECK_EQ(RT(StreamDestroy)(s), 0);
    CHECK_EQ(LAUNCH(unary, 4, 1, 1, 256, 1, 1, 0, (mstream_t)s, args, NULL), E_HANDLE);

    /* the default stream works too; the ABI version kernel is the image's self-check */
    int32_t *dv;
    int32_t version = 0;
    CHECK_EQ(RT(Malloc)((void **)&dv, sizeof *dv), 0);
    function_t abi;
    CHECK_EQ(MOD(GetFunction)(&abi, m, "kxk_abi_version"), OK);
    KxTensor vt = vec_f32(dv, 1);
    void *vargs[] = {&vt};
    CHECK_EQ(LAUNCH(abi, 1, 1, 1, 1, 1, 1, 0, (mstream_t)0, vargs, NULL), OK);
    CHECK_EQ(RT(Memcpy)(&version, dv, sizeof version, RT(MemcpyDeviceToHost)), 0);
    CHECK_EQ(version, KXK_ABI_VERSION);
    RT(Free)(dv);
    RT(Free)(dx);
    RT(Free)(dy);
    RT(Free)(dz);
}

static void test_unload(module_t m) {
    function_t f;
    CHECK_EQ(MOD(GetFunction)(&f, m, "kx_unary"), OK);
    CHECK_EQ(MOD(Unload)(m), OK);
    CHECK_EQ(MOD(Unload)(m), E_HANDLE);
    CHECK_EQ(MOD(GetFunction)(&f, m, "kx_unary"), E_HANDLE);
    int32_t op = 0;
    void *args[] = {&op, &op, &op};
    CHECK_EQ(LAUNCH(f, 1, 1, 1, 1, 1, 1, 0, (mstream_t)0, args, NULL), E_HANDLE);
    CHECK_EQ(kuaxin_emu_live_handles(), 0);
    CHECK_EQ(kuaxin_emu_live_allocations(), 0);
}

int main(void) {
    module_t m = NULL;
    test_load_and_lookup(&m);
    test_launches(m);
    test_unload(m);
    TEST_DONE("test_module_" NAME);
}
