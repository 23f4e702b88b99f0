/*
 * Kuaxin subset of the MUSA driver API's module and launch calls (libmusa.so):
 * the cu->mu rename of cuModuleLoadData, cuModuleGetFunction, cuModuleUnload
 * and cuLaunchKernel (names V: ggml's vendors/musa.h maps the CUDA driver
 * names to mu*; argument order and values I: CUDA's).
 */
#ifndef KX_MUSA_MODULE_H
#define KX_MUSA_MODULE_H

#include "musa.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_MU_MODULE_RESULTS(X)                  \
    X(MUSA_ERROR_INVALID_IMAGE, 200)             \
    X(MUSA_ERROR_INVALID_CONTEXT, 201)           \
    X(MUSA_ERROR_INVALID_HANDLE, 400)            \
    X(MUSA_ERROR_NOT_FOUND, 500)                 \
    X(MUSA_ERROR_LAUNCH_OUT_OF_RESOURCES, 701)   \
    X(MUSA_ERROR_LAUNCH_FAILED, 719)

#ifndef KX_SDK_CHECK
enum { KX_MU_MODULE_RESULTS(KX_ENUM_ITEM) };
typedef struct MUmod_st *MUmodule;
typedef struct MUfunc_st *MUfunction;
typedef struct MUstream_st *MUstream;
#else
KX_MU_MODULE_RESULTS(KX_ENUM_CHECK)
#endif

MUresult muModuleLoadData(MUmodule *module, const void *image);
MUresult muModuleGetFunction(MUfunction *hfunc, MUmodule hmod, const char *name);
MUresult muModuleUnload(MUmodule hmod);
MUresult muLaunchKernel(MUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ,
                        unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ,
                        unsigned int sharedMemBytes, MUstream hStream, void **kernelParams, void **extra);

#ifdef __cplusplus
}
#endif

#endif
