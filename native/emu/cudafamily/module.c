/*
 * module.c - the module API (load an image, find a kernel, launch it on a
 * stream) in each dialect's spelling: cuModule* / cuLaunchKernel (CUDA driver),
 * muModule* / muLaunchKernel (MUSA driver), hipModule* / hipModuleLaunchKernel
 * and supaModule* / supaModuleLaunchKernel (runtime side).
 *
 * An emulator has no GPU code to load, so its "module image" is a table naming
 * host kernels: the 8 bytes "KXHOSTK1", then NUL-terminated kernel names, then
 * an empty name. Every name must be a host kernel of host_kernels.c (else the
 * image is invalid, like a corrupt fatbin); cuModuleGetFunction finds names of
 * the image only (else NOT_FOUND, as for a kernel the binary lacks). A launch
 * checks what the vendor's launch checks (function handle, grid and block
 * limits, shared memory, stream), copies the argument values as the driver
 * does, and queues the host kernel on the stream's worker.
 */
#include "dialect.h"
#include "host_kernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(KX_DIALECT_CUDA)
#  include "cuda/cuda_module.h"
#  define MOD(x) cuModule##x
#  define MOD_LAUNCH cuLaunchKernel
#  define M_RESULT CUresult
#  define M_MODULE CUmodule
#  define M_FUNCTION CUfunction
#  define M_STREAM CUstream
#  define M_OK ((M_RESULT)CUDA_SUCCESS)
#  define M_INVALID_VALUE ((M_RESULT)CUDA_ERROR_INVALID_VALUE)
#  define M_NOT_INITIALIZED ((M_RESULT)CUDA_ERROR_NOT_INITIALIZED)
#  define M_NO_DEVICE ((M_RESULT)CUDA_ERROR_NO_DEVICE)
#  define M_INVALID_IMAGE ((M_RESULT)CUDA_ERROR_INVALID_IMAGE)
#  define M_INVALID_HANDLE ((M_RESULT)CUDA_ERROR_INVALID_HANDLE)
#  define M_NOT_FOUND ((M_RESULT)CUDA_ERROR_NOT_FOUND)
#  define M_OUT_OF_RESOURCES ((M_RESULT)CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES)
#  define M_NEEDS_INIT 1
#elif defined(KX_DIALECT_MUSA)
#  include "musa/musa_module.h"
#  define MOD(x) muModule##x
#  define MOD_LAUNCH muLaunchKernel
#  define M_RESULT MUresult
#  define M_MODULE MUmodule
#  define M_FUNCTION MUfunction
#  define M_STREAM MUstream
#  define M_OK ((M_RESULT)MUSA_SUCCESS)
#  define M_INVALID_VALUE ((M_RESULT)MUSA_ERROR_INVALID_VALUE)
#  define M_NOT_INITIALIZED ((M_RESULT)MUSA_ERROR_NOT_INITIALIZED)
#  define M_NO_DEVICE ((M_RESULT)MUSA_ERROR_NO_DEVICE)
#  define M_INVALID_IMAGE ((M_RESULT)MUSA_ERROR_INVALID_IMAGE)
#  define M_INVALID_HANDLE ((M_RESULT)MUSA_ERROR_INVALID_HANDLE)
#  define M_NOT_FOUND ((M_RESULT)MUSA_ERROR_NOT_FOUND)
#  define M_OUT_OF_RESOURCES ((M_RESULT)MUSA_ERROR_LAUNCH_OUT_OF_RESOURCES)
#  define M_NEEDS_INIT 1
#elif defined(KX_DIALECT_HIP)
#  include "hip/hip_module.h"
#  define MOD(x) hipModule##x
#  define MOD_LAUNCH hipModuleLaunchKernel
#  define M_RESULT hipError_t
#  define M_MODULE hipModule_t
#  define M_FUNCTION hipFunction_t
#  define M_STREAM hipStream_t
#  define M_OK ((M_RESULT)hipSuccess)
#  define M_INVALID_VALUE ((M_RESULT)hipErrorInvalidValue)
#  define M_NOT_INITIALIZED ((M_RESULT)hipErrorNotInitialized)
#  define M_NO_DEVICE ((M_RESULT)hipErrorNoDevice)
#  define M_INVALID_IMAGE ((M_RESULT)hipErrorInvalidImage)
#  define M_INVALID_HANDLE ((M_RESULT)hipErrorInvalidHandle)
#  define M_NOT_FOUND ((M_RESULT)hipErrorNotFound)
#  define M_OUT_OF_RESOURCES ((M_RESULT)hipErrorLaunchOutOfResources)
#  define M_NEEDS_INIT 0
#else
#  include "supa/supa_module.h"
#  define MOD(x) supaModule##x
#  define MOD_LAUNCH supaModuleLaunchKernel
#  define M_RESULT supaError_t
#  define M_MODULE supaModule_t
#  define M_FUNCTION supaFunction_t
#  define M_STREAM supaStream_t
#  define M_OK ((M_RESULT)supaSuccess)
#  define M_INVALID_VALUE ((M_RESULT)supaErrorInvalidValue)
#  define M_NOT_INITIALIZED ((M_RESULT)supaErrorInitializationError)
#  define M_NO_DEVICE ((M_RESULT)supaErrorNoDevice)
#  define M_INVALID_IMAGE ((M_RESULT)supaErrorInvalidImage)
#  define M_INVALID_HANDLE ((M_RESULT)supaErrorInvalidResourceHandle)
#  define M_NOT_FOUND ((M_RESULT)supaErrorNotFound)
#  define M_OUT_OF_RESOURCES ((M_RESULT)supaErrorLaunchOutOfResources)
#  define M_NEEDS_INIT 0
#endif

/* Launch limits of sm_80/sm_90 (CUDA programming guide, V); the emulator enforces them for every dialect. */
#define MAX_THREADS_PER_BLOCK 1024u
#define MAX_BLOCK_XY 1024u
#define MAX_BLOCK_Z 64u
#define MAX_GRID_X 2147483647u
#define MAX_GRID_YZ 65535u
#define MAX_STATIC_SHARED 49152u
#define MAX_IMAGE_NAMES 256
#define MAGIC "KXHOSTK1"

static const char K_MODULE[] = "kxModule";
static const char K_FUNCTION[] = "kxFunction";

typedef struct kx_function {
    struct kx_module *module;
    const kxk_host_kernel *kernel;
} kx_function;

typedef struct kx_module {
    int phys;
    int count;
    kx_function *functions;
} kx_module;

#define ENTER()                                                  \
    do {                                                         \
        kx_init();                                               \
        int f_ = kx_fault_check(__func__);                       \
        if (f_ != 0) return (M_RESULT)f_;                        \
        if (M_NEEDS_INIT && !kx_rt_driver_initialised()) return M_NOT_INITIALIZED; \
    } while (0)

static void destroy_module(void *h) {
    kx_module *m = h;
    for (int i = 0; i < m->count; i++) kx_handle_unregister(&m->functions[i], K_FUNCTION);
    free(m->functions);
    free(m);
}

KX_EXPORT M_RESULT MOD(LoadData)(M_MODULE *module, const void *image) {
    ENTER();
    if (module == NULL || image == NULL) return M_INVALID_VALUE;
    int phys = kx_current_physical();
    if (phys < 0) return M_NO_DEVICE;
    const char *p = image;
    if (memcmp(p, MAGIC, 8) != 0) return M_INVALID_IMAGE;
    p += 8;
    const kxk_host_kernel *found[MAX_IMAGE_NAMES];
    int n = 0;
    while (*p != '\0') {
        if (n == MAX_IMAGE_NAMES) return M_INVALID_IMAGE;
        const kxk_host_kernel *k = kxk_find(p);
        if (k == NULL) return M_INVALID_IMAGE;        /* a name with no host kernel: not an image we can run */
        found[n++] = k;
        p += strlen(p) + 1;
    }
    kx_module *m = calloc(1, sizeof *m);
    kx_function *f = calloc((size_t)(n > 0 ? n : 1), sizeof *f);
    if (m == NULL || f == NULL) {
        free(m);
        free(f);
        return M_OUT_OF_RESOURCES;
    }
    m->phys = phys;
    m->count = n;
    m->functions = f;
    for (int i = 0; i < n; i++) {
        f[i].module = m;
        f[i].kernel = found[i];
        kx_handle_register(&f[i], K_FUNCTION, NULL);
    }
    kx_handle_register(m, K_MODULE, destroy_module);
    *module = (M_MODULE)m;
    return M_OK;
}

KX_EXPORT M_RESULT MOD(GetFunction)(M_FUNCTION *function, M_MODULE module, const char *name) {
    ENTER();
    if (function == NULL || name == NULL) return M_INVALID_VALUE;
    if (!kx_handle_is_live(module, K_MODULE)) return M_INVALID_HANDLE;
    kx_module *m = (kx_module *)module;
    for (int i = 0; i < m->count; i++) {
        if (strcmp(m->functions[i].kernel->name, name) == 0) {
            *function = (M_FUNCTION)&m->functions[i];
            return M_OK;
        }
    }
    return M_NOT_FOUND;
}

/* Queued work keeps running: a launch copied its kernel pointer and arguments. */
KX_EXPORT M_RESULT MOD(Unload)(M_MODULE module) {
    ENTER();
    if (kx_handle_unregister(module, K_MODULE) != KX_OK) return M_INVALID_HANDLE;
    destroy_module(module);
    return M_OK;
}

typedef struct launch_task {
    const kxk_host_kernel *kernel;
    kxk_dim3 grid, block;
    void *args[KXK_MAX_ARGS];
    unsigned char values[];
} launch_task;

static void run_launch(void *arg) {
    launch_task *t = arg;
    int st = t->kernel->run(t->grid, t->block, t->args);
    if (st != KX_OK) kx_stream_set_error(kx_worker_stream(), st);
    free(t);
}

KX_EXPORT M_RESULT MOD_LAUNCH(M_FUNCTION f, unsigned int gx, unsigned int gy, unsigned int gz,
                              unsigned int bx, unsigned int by, unsigned int bz, unsigned int shared,
                              M_STREAM stream, void **params, void **extra) {
    ENTER();
    if (!kx_handle_is_live(f, K_FUNCTION)) return M_INVALID_HANDLE;
    const kx_function *fn = (const kx_function *)f;
    const kxk_host_kernel *k = fn->kernel;
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0) return M_INVALID_VALUE;
    if (gx > MAX_GRID_X || gy > MAX_GRID_YZ || gz > MAX_GRID_YZ) return M_INVALID_VALUE;
    if (bx > MAX_BLOCK_XY || by > MAX_BLOCK_XY || bz > MAX_BLOCK_Z
        || (unsigned long long)bx * by * bz > MAX_THREADS_PER_BLOCK) {
        return M_INVALID_VALUE;
    }
    if (shared > MAX_STATIC_SHARED) return M_INVALID_VALUE;
    if (extra != NULL) return M_INVALID_VALUE;         /* the "extra" packing protocol is not emulated */
    if (k->nargs > 0 && params == NULL) return M_INVALID_VALUE;
    int st = KX_OK;
    kx_stream *s = kx_stream_resolve((void *)stream, &st);
    if (s == NULL) return st == KX_OK ? M_NO_DEVICE : M_INVALID_HANDLE;
    /* A function belongs to its module's device (context); another device's stream is a bad handle (I). */
    if (kx_stream_device(s) != fn->module->phys) return M_INVALID_HANDLE;
    size_t total = 0;
    for (int i = 0; i < k->nargs; i++) {
        if (params[i] == NULL) return M_INVALID_VALUE;
        total += (k->arg_size[i] + 7) & ~(size_t)7;
    }
    launch_task *t = malloc(sizeof *t + total);
    if (t == NULL) return M_OUT_OF_RESOURCES;
    t->kernel = k;
    t->grid = (kxk_dim3){gx, gy, gz};
    t->block = (kxk_dim3){bx, by, bz};
    size_t off = 0;
    for (int i = 0; i < k->nargs; i++) {        /* the driver copies argument values at launch */
        memcpy(t->values + off, params[i], k->arg_size[i]);
        t->args[i] = t->values + off;
        off += (k->arg_size[i] + 7) & ~(size_t)7;
    }
    if (kx_stream_enqueue(s, run_launch, t) != KX_OK) {
        free(t);
        return M_INVALID_HANDLE;
    }
    return M_OK;
}
