/*
 * CNDev emulator (libkuaxin-emu-cndev.so): the libcndev.so subset in
 * include/cambricon/cndev.h on its own copy of the emulator core.
 *
 * devId is the physical index (I: CNDev ignores MLU_VISIBLE_DEVICES). Readings
 * are fixed per device so tests can check them: power 75 W + 1 W per index
 * (cap 150 W), board 40 C and chip 48 C + 1 C per index, utilisation 0 %,
 * memory total = the core's capacity. This library has its own core, so it
 * cannot see allocations made through the CNRT emulator: used memory reads 0.
 * Every entry point honours fault injection (kuaxin_emu_inject_fault, KUAXIN_EMU_FAULTS).
 */
#include "cambricon/cndev.h"
#include "kx_emu.h"

#include <stddef.h>
#include <string.h>

const kx_dialect kx_dialect_info = { "cndev", NULL };

static int initialized;

static void reset_state(void) { __atomic_store_n(&initialized, 0, __ATOMIC_SEQ_CST); }

CNDEV_EXPORT cndevRet_t cndevInit(int reserved)
{
    KX_FAULT_POINT(cndevRet_t);
    (void)reserved;
    kx_init();
    static int hooked;
    if (!__atomic_exchange_n(&hooked, 1, __ATOMIC_SEQ_CST)) kx_on_reset(reset_state);
    if (kx_physical_device_count() <= 0) return CNDEV_ERROR_NO_DEVICES;
    __atomic_store_n(&initialized, 1, __ATOMIC_SEQ_CST);
    return CNDEV_SUCCESS;
}

CNDEV_EXPORT cndevRet_t cndevRelease(void)
{
    KX_FAULT_POINT(cndevRet_t);
    __atomic_store_n(&initialized, 0, __ATOMIC_SEQ_CST);
    return CNDEV_SUCCESS;
}

CNDEV_EXPORT const char *cndevGetErrorString(cndevRet_t errorId)
{
    switch (errorId) {
    case CNDEV_SUCCESS: return "Success";
    case CNDEV_ERROR_UNSUPPORTED_API_VERSION: return "API version is not supported";
    case CNDEV_ERROR_UNINITIALIZED: return "cndevInit was not called";
    case CNDEV_ERROR_INVALID_ARGUMENT: return "Invalid argument";
    case CNDEV_ERROR_INVALID_DEVICE_ID: return "Invalid device id";
    case CNDEV_ERROR_NOT_SUPPORTED: return "Not supported";
    case CNDEV_ERROR_NO_DEVICES: return "No MLU devices";
    default: return "Unknown error";
    }
}

/* Common checks: initialised, non-NULL struct with a known version, valid devId. */
static cndevRet_t check(const void *info, int version, int devId)
{
    if (!__atomic_load_n(&initialized, __ATOMIC_SEQ_CST)) return CNDEV_ERROR_UNINITIALIZED;
    if (!info) return CNDEV_ERROR_INVALID_ARGUMENT;
    if (version < 1 || version > CNDEV_VERSION_5) return CNDEV_ERROR_UNSUPPORTED_API_VERSION;
    if (devId < 0 || devId >= kx_physical_device_count()) return CNDEV_ERROR_INVALID_DEVICE_ID;
    return CNDEV_SUCCESS;
}

/* Every info struct starts with its int version, which begin() reads and keeps. */
_Static_assert(offsetof(cndevPowerInfo_t, version) == 0, "version first");
_Static_assert(offsetof(cndevTemperatureInfo_t, version) == 0, "version first");
_Static_assert(offsetof(cndevUtilizationInfo_t, version) == 0, "version first");
_Static_assert(offsetof(cndevMemoryInfo_t, version) == 0, "version first");

/* The common checks, then the caller's struct of size bytes zeroed but for its version. */
static cndevRet_t begin(void *info, size_t size, int devId)
{
    int version = info ? *(const int *)info : 0;
    cndevRet_t rc = check(info, version, devId);
    if (rc != CNDEV_SUCCESS) return rc;
    memset(info, 0, size);
    *(int *)info = version;
    return CNDEV_SUCCESS;
}

/* A query's entry: fault injection, then begin() on the caller's struct, returning its error. */
#define BEGIN_QUERY(info, devId)                                    \
    do {                                                            \
        KX_FAULT_POINT(cndevRet_t);                                 \
        cndevRet_t rc_ = begin((info), sizeof *(info), (devId));    \
        if (rc_ != CNDEV_SUCCESS) return rc_;                       \
    } while (0)

CNDEV_EXPORT cndevRet_t cndevGetPowerInfo(cndevPowerInfo_t *powerInfo, int devId)
{
    BEGIN_QUERY(powerInfo, devId);
    powerInfo->usage = 75 + devId;
    powerInfo->cap = 150;
    powerInfo->machine = 75 + devId;
    powerInfo->thermalDesignPower = 150;
    return CNDEV_SUCCESS;
}

CNDEV_EXPORT cndevRet_t cndevGetTemperatureInfo(cndevTemperatureInfo_t *tempInfo, int devId)
{
    BEGIN_QUERY(tempInfo, devId);
    tempInfo->board = 40 + devId;
    tempInfo->chip = 48 + devId;
    for (int i = 0; i < 20; i++) tempInfo->cluster[i] = 48 + devId;
    tempInfo->memory = 42 + devId;
    return CNDEV_SUCCESS;
}

CNDEV_EXPORT cndevRet_t cndevGetDeviceUtilizationInfo(cndevUtilizationInfo_t *utilInfo, int devId)
{
    BEGIN_QUERY(utilInfo, devId);
    return CNDEV_SUCCESS;
}

CNDEV_EXPORT cndevRet_t cndevGetMemoryUsage(cndevMemoryInfo_t *memInfo, int devId)
{
    BEGIN_QUERY(memInfo, devId);
    size_t free_bytes = 0, total = 0;
    if (kx_mem_info(devId, &free_bytes, &total) != KX_OK) return CNDEV_ERROR_UNKNOWN;
    memInfo->physicalMemoryTotal = (int64_t)(total >> 20);
    memInfo->physicalMemoryUsed = (int64_t)((total - free_bytes) >> 20);
    memInfo->virtualMemoryTotal = memInfo->physicalMemoryTotal;
    memInfo->virtualMemoryUsed = memInfo->physicalMemoryUsed;
    memInfo->channelNumber = 1;
    return CNDEV_SUCCESS;
}
