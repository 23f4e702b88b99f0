/* Tests of libkuaxin-emu-cndev.so through the CNDev subset and kuaxin_emu_*. */
#include "cambricon/cndev.h"
#include "kx_test.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int kuaxin_emu_inject_fault(const char *function, int nth, int code);
int kuaxin_emu_set_memory_limit(int physicalDevice, size_t bytes);

int main(void)
{
    setenv("KUAXIN_EMU_DEVICES", "2", 1);
    cndevPowerInfo_t p;
    cndevTemperatureInfo_t t;
    cndevUtilizationInfo_t u;
    cndevMemoryInfo_t m;

    /* the offsets the Java binding reads */
    CHECK_EQ(offsetof(cndevPowerInfo_t, usage), 4);
    CHECK_EQ(offsetof(cndevPowerInfo_t, cap), 8);
    CHECK_EQ(offsetof(cndevTemperatureInfo_t, board), 4);
    CHECK_EQ(offsetof(cndevTemperatureInfo_t, chip), 120);
    CHECK_EQ(offsetof(cndevUtilizationInfo_t, averageCoreUtilization), 4);
    CHECK_EQ(offsetof(cndevMemoryInfo_t, physicalMemoryTotal), 8);
    CHECK_EQ(offsetof(cndevMemoryInfo_t, physicalMemoryUsed), 16);

    memset(&p, 0, sizeof p);
    p.version = CNDEV_VERSION_5;
    CHECK_EQ(cndevGetPowerInfo(&p, 0), CNDEV_ERROR_UNINITIALIZED);
    CHECK_EQ(cndevInit(0), CNDEV_SUCCESS);

    CHECK_EQ(cndevGetPowerInfo(&p, 1), CNDEV_SUCCESS);
    CHECK_EQ(p.version, CNDEV_VERSION_5);
    CHECK_EQ(p.usage, 76);
    CHECK_EQ(p.cap, 150);

    memset(&t, 0, sizeof t);
    t.version = CNDEV_VERSION_5;
    CHECK_EQ(cndevGetTemperatureInfo(&t, 0), CNDEV_SUCCESS);
    CHECK_EQ(t.board, 40);
    CHECK_EQ(t.chip, 48);

    memset(&u, 0xff, sizeof u);
    u.version = CNDEV_VERSION_5;
    CHECK_EQ(cndevGetDeviceUtilizationInfo(&u, 0), CNDEV_SUCCESS);
    CHECK_EQ(u.averageCoreUtilization, 0);

    memset(&m, 0, sizeof m);
    m.version = CNDEV_VERSION_5;
    CHECK_EQ(kuaxin_emu_set_memory_limit(1, (size_t)2 << 30), 0);
    CHECK_EQ(cndevGetMemoryUsage(&m, 1), CNDEV_SUCCESS);
    CHECK_EQ(m.physicalMemoryTotal, 2048);
    CHECK_EQ(m.physicalMemoryUsed, 0);

    /* argument checks */
    CHECK_EQ(cndevGetPowerInfo(&p, 2), CNDEV_ERROR_INVALID_DEVICE_ID);
    CHECK_EQ(cndevGetPowerInfo(NULL, 0), CNDEV_ERROR_INVALID_ARGUMENT);
    p.version = 99;
    CHECK_EQ(cndevGetPowerInfo(&p, 0), CNDEV_ERROR_UNSUPPORTED_API_VERSION);
    p.version = CNDEV_VERSION_5;
    CHECK(strlen(cndevGetErrorString(CNDEV_ERROR_UNINITIALIZED)) > 0);

    /* fault injection through the core */
    CHECK_EQ(kuaxin_emu_inject_fault("cndevGetTemperatureInfo", 1, CNDEV_ERROR_NOT_SUPPORTED), 0);
    CHECK_EQ(cndevGetTemperatureInfo(&t, 0), CNDEV_ERROR_NOT_SUPPORTED);
    CHECK_EQ(cndevGetTemperatureInfo(&t, 0), CNDEV_SUCCESS);

    CHECK_EQ(cndevRelease(), CNDEV_SUCCESS);
    CHECK_EQ(cndevGetPowerInfo(&p, 0), CNDEV_ERROR_UNINITIALIZED);

    TEST_DONE("test_cndev");
}
