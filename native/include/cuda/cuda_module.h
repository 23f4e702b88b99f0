/*
 * Kuaxin subset of the CUDA driver API's module and launch calls (libcuda.so.1),
 * used to load Kuaxin's kernel image and launch its kernels:
 *   cuModuleLoadData(CUmodule *, const void *image)
 *   cuModuleGetFunction(CUfunction *, CUmodule, const char *name)
 *   cuModuleUnload(CUmodule)
 *   cuLaunchKernel(f, gridDimX/Y/Z, blockDimX/Y/Z, sharedMemBytes, stream, kernelParams, extra)
 * kernelParams is an array of pointers, one to each argument's value; the
 * driver copies the values at launch. Signatures and values: NVIDIA driver API
 * reference, cuda.h (V: the same calls load and launch a Kuaxin fatbin on an
 * H200 with driver 580). A cudaStream_t is a CUstream (runtime/driver interop, V).
 * Iluvatar CoreX exports the same names in its libcuda.so.1 (U).
 */
#ifndef KX_CUDA_MODULE_H
#define KX_CUDA_MODULE_H

#include "cuda.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_CU_MODULE_RESULTS(X)                  \
    X(CUDA_ERROR_INVALID_IMAGE, 200)             \
    X(CUDA_ERROR_INVALID_CONTEXT, 201)           \
    X(CUDA_ERROR_INVALID_HANDLE, 400)            \
    X(CUDA_ERROR_NOT_FOUND, 500)                 \
    X(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, 701)   \
    X(CUDA_ERROR_LAUNCH_FAILED, 719)

#ifndef KX_SDK_CHECK
enum { KX_CU_MODULE_RESULTS(KX_ENUM_ITEM) };
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
#else
KX_CU_MODULE_RESULTS(KX_ENUM_CHECK)
#endif

CUresult cuModuleLoadData(CUmodule *module, const void *image);
CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name);
CUresult cuModuleUnload(CUmodule hmod);
CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ,
                        unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ,
                        unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra);

#ifdef __cplusplus
}
#endif

#endif
