/*
 * Kuaxin subset of a SUPA module API: supaModuleLoadData, supaModuleGetFunction,
 * supaModuleUnload, supaModuleLaunchKernel. No public SUPA header shows module
 * loading; every name, argument order and value here is I (the cuda->supa
 * rename of the runtime applied to HIP's runtime-side module calls). A real
 * SDK that differs makes the binding report the missing symbols, not crash.
 */
#ifndef KX_SUPA_MODULE_H
#define KX_SUPA_MODULE_H

#include "supa_runtime_api.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_SUPA_MODULE_ERRORS(X)                 \
    X(supaErrorInvalidImage, 200)                \
    X(supaErrorInvalidContext, 201)              \
    X(supaErrorNotFound, 500)                    \
    X(supaErrorLaunchOutOfResources, 701)        \
    X(supaErrorLaunchFailure, 719)

#ifndef KX_SDK_CHECK
enum { KX_SUPA_MODULE_ERRORS(KX_ENUM_ITEM) };
typedef struct supaModule_st *supaModule_t;
typedef struct supaFunction_st *supaFunction_t;
#else
KX_SUPA_MODULE_ERRORS(KX_ENUM_CHECK)
#endif

supaError_t supaModuleLoadData(supaModule_t *module, const void *image);
supaError_t supaModuleGetFunction(supaFunction_t *function, supaModule_t module, const char *kname);
supaError_t supaModuleUnload(supaModule_t module);
supaError_t supaModuleLaunchKernel(supaFunction_t f, unsigned int gridDimX, unsigned int gridDimY,
                                   unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY,
                                   unsigned int blockDimZ, unsigned int sharedMemBytes, supaStream_t stream,
                                   void **kernelParams, void **extra);

#ifdef __cplusplus
}
#endif

#endif
