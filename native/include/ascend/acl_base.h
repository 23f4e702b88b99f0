/*
 * AscendCL base types: the subset Kuaxin binds (single source of truth for
 * the Java bindings and the emulator in native/emu/ascend).
 *
 * Tags (see native/README.md): V = read in a public header or
 * call site, U/U+ = vendor text seen without a resolvable path, I = inferred.
 * Real location: ${ASCEND_TOOLKIT_HOME}/include/acl/acl_base.h.
 */
#ifndef KX_ASCEND_ACL_BASE_H
#define KX_ASCEND_ACL_BASE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ACL_FUNC_VISIBILITY __attribute__((visibility("default")))

typedef int aclError;                       /* V acl_base.h */

/* Runtime error codes. */
#define ACL_SUCCESS                    0        /* V */
#define ACL_ERROR_INVALID_PARAM        100000   /* V */
#define ACL_ERROR_UNINITIALIZE         100001   /* I: next after INVALID_PARAM */
#define ACL_ERROR_REPEAT_INITIALIZE    100002   /* V */
#define ACL_ERROR_RT_PARAM_INVALID     107000   /* I */
#define ACL_ERROR_RT_INVALID_DEVICEID  107001   /* I */
#define ACL_ERROR_BAD_ALLOC            200000   /* V */
#define ACL_ERROR_RT_MEMORY_ALLOCATION 207001   /* I */
#define ACL_ERROR_INTERNAL_ERROR       500000   /* V */
#define ACL_ERROR_RT_FAILURE           500003   /* V */

/* aclDataType (U+ acl_base.h text; values V: public copies of acl_base.h). */
typedef enum {
    ACL_DT_UNDEFINED = -1,
    ACL_FLOAT = 0,
    ACL_FLOAT16 = 1,
    ACL_INT8 = 2,
    ACL_INT32 = 3,
    ACL_UINT8 = 4,
    ACL_INT16 = 6,
    ACL_UINT16 = 7,
    ACL_UINT32 = 8,
    ACL_INT64 = 9,
    ACL_UINT64 = 10,
    ACL_DOUBLE = 11,
    ACL_BOOL = 12,
    ACL_STRING = 13,
    ACL_COMPLEX64 = 16,
    ACL_COMPLEX128 = 17,
    ACL_BF16 = 27,
    ACL_INT4 = 29,
    ACL_UINT1 = 30,
    ACL_COMPLEX32 = 33
} aclDataType;

/* aclFormat (U+ acl_base.h text). The emulator accepts ND/NCHW/NHWC/NCL/NC
 * as plain strided layouts and rejects the fractal (NZ, 5-D) formats. */
typedef enum {
    ACL_FORMAT_UNDEFINED = -1,
    ACL_FORMAT_NCHW = 0,
    ACL_FORMAT_NHWC = 1,
    ACL_FORMAT_ND = 2,
    ACL_FORMAT_NC1HWC0 = 3,
    ACL_FORMAT_FRACTAL_Z = 4,
    ACL_FORMAT_NC1HWC0_C04 = 12,
    ACL_FORMAT_HWCN = 16,
    ACL_FORMAT_NDHWC = 27,
    ACL_FORMAT_FRACTAL_NZ = 29,
    ACL_FORMAT_NCDHW = 30,
    ACL_FORMAT_NDC1HWC0 = 32,
    ACL_FRACTAL_Z_3D = 33,             /* no FORMAT_ in the header's spelling (V: acl_base.h copies, DIOPI, torch_npu) */
    ACL_FORMAT_NC = 35,
    ACL_FORMAT_NCL = 47
} aclFormat;

#ifdef __cplusplus
}
#endif
#endif /* KX_ASCEND_ACL_BASE_H */
