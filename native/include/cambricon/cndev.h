/*
 * CNDev subset (libcndev.so, Cambricon device management): power,
 * temperature, utilisation and memory usage. Kuaxin binds these optionally;
 * a missing library or symbol means "no telemetry".
 *
 * Tags: function names U; the
 * int-devId signatures, the return codes and the struct layouts below are V
 * from Cambricon/mlu-exporter pkg/cndev/include/cndev.h (one release). Newer
 * releases take a cndevDevice_t handle instead of an int and may grow the
 * structs (I: their leading fields stay put), so Kuaxin reads only leading
 * fields and passes oversized zeroed buffers. The library name is I.
 *
 * Every struct starts with `int version`, set by the caller to the API
 * version it was compiled for (CNDEV_VERSION_5 here).
 */
#ifndef KX_CAMBRICON_CNDEV_H
#define KX_CAMBRICON_CNDEV_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CNDEV_EXPORT __attribute__((visibility("default")))

#define CNDEV_VERSION_5 5

typedef enum {
    CNDEV_SUCCESS = 0,
    CNDEV_ERROR_UNSUPPORTED_API_VERSION = 3,
    CNDEV_ERROR_UNINITIALIZED = 4,
    CNDEV_ERROR_INVALID_ARGUMENT = 5,
    CNDEV_ERROR_INVALID_DEVICE_ID = 6,
    CNDEV_ERROR_UNKNOWN = 7,
    CNDEV_ERROR_NOT_SUPPORTED = 10,
    CNDEV_ERROR_NO_DEVICES = 12
} cndevRet_t;

/* Memory usage, MB (V). Kuaxin reads the two physical fields (offsets 8, 16). */
typedef struct {
    int version;
    int64_t physicalMemoryTotal;
    int64_t physicalMemoryUsed;
    int64_t virtualMemoryTotal;
    int64_t virtualMemoryUsed;
    int64_t channelNumber;
    int64_t channelMemoryUsed[20];
} cndevMemoryInfo_t;

/* Power, W (V). Kuaxin reads usage (offset 4) and cap (offset 8). */
typedef struct {
    int version;
    int usage;
    int cap;
    int usageDecimal;
    int machine;
    int capDecimal;
    uint16_t thermalDesignPower;
} cndevPowerInfo_t;

/* Temperatures, degrees C (V). Kuaxin reads board (offset 4) and chip (offset 120). */
typedef struct {
    int version;
    int board;
    int cluster[20];
    int memoryDie[8];
    int chip;
    int airInlet;
    int airOutlet;
    int memory;
    int videoInput;
    int cpu;
} cndevTemperatureInfo_t;

/* Core utilisation, % (V). Kuaxin reads averageCoreUtilization (offset 4). */
typedef struct {
    int version;
    int averageCoreUtilization;
    int coreUtilization[80];
} cndevUtilizationInfo_t;

/* Must precede every other call (I); `reserved` is 0. Else CNDEV_ERROR_UNINITIALIZED (U). */
CNDEV_EXPORT cndevRet_t cndevInit(int reserved);
CNDEV_EXPORT cndevRet_t cndevRelease(void);            /* I */
CNDEV_EXPORT const char *cndevGetErrorString(cndevRet_t errorId);

CNDEV_EXPORT cndevRet_t cndevGetPowerInfo(cndevPowerInfo_t *powerInfo, int devId);
CNDEV_EXPORT cndevRet_t cndevGetTemperatureInfo(cndevTemperatureInfo_t *tempInfo, int devId);
CNDEV_EXPORT cndevRet_t cndevGetDeviceUtilizationInfo(cndevUtilizationInfo_t *utilInfo, int devId);
CNDEV_EXPORT cndevRet_t cndevGetMemoryUsage(cndevMemoryInfo_t *memInfo, int devId);

#ifdef __cplusplus
}
#endif

#endif
