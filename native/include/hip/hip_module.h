/*
 * Kuaxin subset of HIP's module API (in the runtime library itself):
 *   hipModuleLoadData, hipModuleGetFunction, hipModuleUnload and
 *   hipModuleLaunchKernel(f, grid x/y/z, block x/y/z, sharedMemBytes, stream, kernelParams, extra)
 * (V: HIP runtime API reference, hip_runtime_api.h; the launch is
 * hipModuleLaunchKernel, not hipLaunchKernel, whose arguments differ).
 * hipErrorInvalidImage 200, hipErrorInvalidContext 201, hipErrorNotFound 500,
 * hipErrorLaunchOutOfResources 701, hipErrorLaunchFailure 719 (U+: hip_runtime_api.h).
 */
#ifndef KX_HIP_MODULE_H
#define KX_HIP_MODULE_H

#include "hip_runtime_api.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KX_HIP_MODULE_ERRORS(X)                  \
    X(hipErrorInvalidImage, 200)                 \
    X(hipErrorInvalidContext, 201)               \
    X(hipErrorNotFound, 500)                     \
    X(hipErrorLaunchOutOfResources, 701)         \
    X(hipErrorLaunchFailure, 719)

#ifndef KX_SDK_CHECK
enum { KX_HIP_MODULE_ERRORS(KX_ENUM_ITEM) };
typedef struct ihipModule_t *hipModule_t;
typedef struct ihipModuleSymbol_t *hipFunction_t;
#else
KX_HIP_MODULE_ERRORS(KX_ENUM_CHECK)
#endif

hipError_t hipModuleLoadData(hipModule_t *module, const void *image);
hipError_t hipModuleGetFunction(hipFunction_t *function, hipModule_t module, const char *kname);
hipError_t hipModuleUnload(hipModule_t module);
hipError_t hipModuleLaunchKernel(hipFunction_t f, unsigned int gridDimX, unsigned int gridDimY,
                                 unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY,
                                 unsigned int blockDimZ, unsigned int sharedMemBytes, hipStream_t stream,
                                 void **kernelParams, void **extra);

#ifdef __cplusplus
}
#endif

#endif
