/* Tests of libkuaxin-emu-dcmi.so through the DCMI subset and kuaxin_emu_*. */
#include "ascend/dcmi_interface_api.h"
#include "kx_test.h"

#include <stdlib.h>

int kuaxin_emu_inject_fault(const char *function, int nth, int code);
int kuaxin_emu_reset(void);

int main(void)
{
    setenv("KUAXIN_EMU_DEVICES", "2", 1);
    int n = -1, cards[8], ndev = -1, logic = -1, power = -1, temp = -1;

    CHECK(dcmi_get_device_power_info(0, 0, &power) != DCMI_OK);   /* before dcmi_init */
    CHECK_EQ(dcmi_init(), DCMI_OK);
    CHECK_EQ(dcmi_init(), DCMI_OK);                               /* repeatable */

    CHECK_EQ(dcmi_get_card_num_list(&n, cards, 8), DCMI_OK);
    CHECK_EQ(n, 2);
    CHECK_EQ(cards[0], 0);
    CHECK_EQ(cards[1], 1);
    CHECK_EQ(dcmi_get_card_num_list(&n, cards, 1), DCMI_ERR_CODE_INVALID_PARAMETER);
    CHECK_EQ(dcmi_get_device_num_in_card(1, &ndev), DCMI_OK);
    CHECK_EQ(ndev, 1);
    CHECK_EQ(dcmi_get_device_logic_id(&logic, 1, 0), DCMI_OK);
    CHECK_EQ(logic, 1);

    CHECK_EQ(dcmi_get_device_power_info(0, 0, &power), DCMI_OK);
    CHECK_EQ(power, 853);
    CHECK_EQ(dcmi_get_device_power_info(1, 0, &power), DCMI_OK);
    CHECK_EQ(power, 863);
    CHECK_EQ(dcmi_get_device_temperature(1, 0, &temp), DCMI_OK);
    CHECK_EQ(temp, 46);

    CHECK_EQ(dcmi_get_device_power_info(2, 0, &power), DCMI_ERR_CODE_INVALID_DEVICE_ID);
    CHECK_EQ(dcmi_get_device_temperature(0, 1, &temp), DCMI_ERR_CODE_INVALID_DEVICE_ID);
    CHECK_EQ(dcmi_get_device_temperature(0, 0, NULL), DCMI_ERR_CODE_INVALID_PARAMETER);

    /* fault injection through the core: the 2nd call fails, later calls succeed */
    CHECK_EQ(kuaxin_emu_inject_fault("dcmi_get_device_temperature", 2, DCMI_ERR_CODE_NOT_SUPPORT), 0);
    CHECK_EQ(dcmi_get_device_temperature(0, 0, &temp), DCMI_OK);
    CHECK_EQ(dcmi_get_device_temperature(0, 0, &temp), DCMI_ERR_CODE_NOT_SUPPORT);
    CHECK_EQ(dcmi_get_device_temperature(0, 0, &temp), DCMI_OK);
    CHECK_EQ(temp, 45);

    /* reset forgets dcmi_init */
    CHECK_EQ(kuaxin_emu_reset(), 0);
    CHECK(dcmi_get_device_temperature(0, 0, &temp) != DCMI_OK);
    CHECK_EQ(dcmi_init(), DCMI_OK);
    CHECK_EQ(dcmi_get_device_temperature(0, 0, &temp), DCMI_OK);

    TEST_DONE("test_dcmi");
}
