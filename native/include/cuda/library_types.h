/*
 * Kuaxin subset of CUDA's library_types.h: the element types of cuBLAS *Ex
 * calls. Values: NVIDIA docs (I).
 */
#ifndef KX_CUDA_LIBRARY_TYPES_H
#define KX_CUDA_LIBRARY_TYPES_H

#include "../kx_subset.h"

#define KX_CUDA_DATA_TYPES(X)  \
    X(CUDA_R_32F, 0)           \
    X(CUDA_R_64F, 1)           \
    X(CUDA_R_16F, 2)           \
    X(CUDA_R_8I, 3)            \
    X(CUDA_R_32I, 10)          \
    X(CUDA_R_16BF, 14)

#ifndef KX_SDK_CHECK
typedef enum cudaDataType_t { KX_CUDA_DATA_TYPES(KX_ENUM_ITEM) } cudaDataType;
#else
KX_CUDA_DATA_TYPES(KX_ENUM_CHECK)
#endif

#endif
