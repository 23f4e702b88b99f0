/*
 * driver.c - the driver-API subset (cu* for CUDA, mu* for MUSA): device naming
 * and total memory. Like the real driver, it answers NOT_INITIALIZED until
 * cuInit(0) ran or the runtime initialised it implicitly (any runtime call).
 */
#include "dialect.h"

#if KX_HAS_DRIVER

#if defined(KX_DIALECT_CUDA)
#  define DRV(x) cu##x
#  define DRV_RESULT CUresult
#  define DRV_DEVICE CUdevice
#  define DRV_OK CUDA_SUCCESS
#  define DRV_INVALID_VALUE CUDA_ERROR_INVALID_VALUE
#  define DRV_NOT_INITIALIZED CUDA_ERROR_NOT_INITIALIZED
#  define DRV_NO_DEVICE CUDA_ERROR_NO_DEVICE
#  define DRV_INVALID_DEVICE CUDA_ERROR_INVALID_DEVICE
#  define DRV_PREFIX "CUDA_"
#  define DRV_TOTAL_MEM cuDeviceTotalMem_v2
#else
#  define DRV(x) mu##x
#  define DRV_RESULT MUresult
#  define DRV_DEVICE MUdevice
#  define DRV_OK MUSA_SUCCESS
#  define DRV_INVALID_VALUE MUSA_ERROR_INVALID_VALUE
#  define DRV_NOT_INITIALIZED MUSA_ERROR_NOT_INITIALIZED
#  define DRV_NO_DEVICE MUSA_ERROR_NO_DEVICE
#  define DRV_INVALID_DEVICE MUSA_ERROR_INVALID_DEVICE
#  define DRV_PREFIX "MUSA_"
#  define DRV_TOTAL_MEM muDeviceTotalMem
#endif

#define DRV_ENTER()                                              \
    do {                                                         \
        kx_init();                                               \
        int f_ = kx_fault_check(__func__);                       \
        if (f_ != 0) return (DRV_RESULT)f_;                      \
    } while (0)

#define DRV_REQUIRE_INIT()                                       \
    do {                                                         \
        if (!kx_rt_driver_initialised()) return DRV_NOT_INITIALIZED; \
    } while (0)

KX_EXPORT DRV_RESULT DRV(Init)(unsigned int flags) {
    DRV_ENTER();
    if (flags != 0) return DRV_INVALID_VALUE;
    kx_rt_touch();
    return kx_device_count() > 0 ? DRV_OK : DRV_NO_DEVICE;
}

KX_EXPORT DRV_RESULT DRV(DeviceGet)(DRV_DEVICE *device, int ordinal) {
    DRV_ENTER();
    DRV_REQUIRE_INIT();
    if (device == NULL) return DRV_INVALID_VALUE;
    if (kx_logical_to_physical(ordinal) < 0) return DRV_INVALID_DEVICE;
    *device = ordinal;      /* driver ordinals = runtime ordinals after the visible filter */
    return DRV_OK;
}

KX_EXPORT DRV_RESULT DRV(DeviceGetName)(char *name, int len, DRV_DEVICE dev) {
    DRV_ENTER();
    DRV_REQUIRE_INIT();
    if (name == NULL || len <= 0) return DRV_INVALID_VALUE;
    int phys = kx_logical_to_physical(dev);
    if (phys < 0) return DRV_INVALID_DEVICE;
    kx_device_name(phys, name, (size_t)len);
    return DRV_OK;
}

KX_EXPORT DRV_RESULT DRV_TOTAL_MEM(size_t *bytes, DRV_DEVICE dev) {
    DRV_ENTER();
    DRV_REQUIRE_INIT();
    if (bytes == NULL) return DRV_INVALID_VALUE;
    int phys = kx_logical_to_physical(dev);
    if (phys < 0) return DRV_INVALID_DEVICE;
    kx_mem_info(phys, NULL, bytes);
    return DRV_OK;
}

static const char *drv_text(DRV_RESULT e, int name) {
    switch (e) {
    case DRV_OK: return name ? DRV_PREFIX "SUCCESS" : "no error";
    case DRV_INVALID_VALUE: return name ? DRV_PREFIX "ERROR_INVALID_VALUE" : "invalid argument";
    case DRV_NOT_INITIALIZED: return name ? DRV_PREFIX "ERROR_NOT_INITIALIZED" : "initialization error";
    case DRV_NO_DEVICE: return name ? DRV_PREFIX "ERROR_NO_DEVICE" : "no " KX_PLATFORM "-capable device is detected";
    case DRV_INVALID_DEVICE: return name ? DRV_PREFIX "ERROR_INVALID_DEVICE" : "invalid device ordinal";
    default: return NULL;
    }
}

/* Unknown codes: INVALID_VALUE and *pStr = NULL, as the CUDA driver documents. */
KX_EXPORT DRV_RESULT DRV(GetErrorString)(DRV_RESULT error, const char **pStr) {
    DRV_ENTER();
    if (pStr == NULL) return DRV_INVALID_VALUE;
    *pStr = drv_text(error, 0);
    return *pStr ? DRV_OK : DRV_INVALID_VALUE;
}

KX_EXPORT DRV_RESULT DRV(GetErrorName)(DRV_RESULT error, const char **pStr) {
    DRV_ENTER();
    if (pStr == NULL) return DRV_INVALID_VALUE;
    *pStr = drv_text(error, 1);
    return *pStr ? DRV_OK : DRV_INVALID_VALUE;
}

#else
typedef int kx_no_driver_in_this_dialect;   /* ISO C: a translation unit must not be empty */
#endif
