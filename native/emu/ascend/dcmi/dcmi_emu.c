/*
 * DCMI emulator (libkuaxin-emu-dcmi.so): the libdcmi.so subset in
 * include/ascend/dcmi_interface_api.h on its own copy of the emulator core.
 *
 * Topology (I): one card per emulated physical device, one chip per card, card
 * id = chip logical id = physical index; DCMI ignores ASCEND_RT_VISIBLE_DEVICES.
 * Readings are fixed per device so tests can check them: power 85.3 W + 1 W per
 * index (returned in 0.1 W), temperature 45 C + 1 C per index. This library
 * has its own core, so it cannot see memory or streams of the AscendCL emulator.
 * Every entry point honours fault injection (kuaxin_emu_inject_fault, KUAXIN_EMU_FAULTS).
 */
#include "ascend/dcmi_interface_api.h"
#include "kx_emu.h"

const kx_dialect kx_dialect_info = { "dcmi", NULL };

static int initialized;

static void reset_state(void) { __atomic_store_n(&initialized, 0, __ATOMIC_SEQ_CST); }

DCMIDLLEXPORT int dcmi_init(void)
{
    KX_FAULT_POINT(int);
    kx_init();
    static int hooked;
    if (!__atomic_exchange_n(&hooked, 1, __ATOMIC_SEQ_CST)) kx_on_reset(reset_state);
    __atomic_store_n(&initialized, 1, __ATOMIC_SEQ_CST); /* repeat calls succeed (I) */
    return DCMI_OK;
}

/* DCMI_OK if initialised and (card, dev) names an emulated chip. */
static int check_chip(int card_id, int device_id)
{
    if (!__atomic_load_n(&initialized, __ATOMIC_SEQ_CST)) return DCMI_ERR_CODE_INNER_ERR;
    if (card_id < 0 || card_id >= kx_physical_device_count() || device_id != 0)
        return DCMI_ERR_CODE_INVALID_DEVICE_ID;
    return DCMI_OK;
}

DCMIDLLEXPORT int dcmi_get_card_num_list(int *card_num, int *card_list, int list_len)
{
    KX_FAULT_POINT(int);
    if (!__atomic_load_n(&initialized, __ATOMIC_SEQ_CST)) return DCMI_ERR_CODE_INNER_ERR;
    if (!card_num || !card_list || list_len <= 0) return DCMI_ERR_CODE_INVALID_PARAMETER;
    int n = kx_physical_device_count();
    if (n > list_len) return DCMI_ERR_CODE_INVALID_PARAMETER; /* I: the real call's behaviour is not documented */
    for (int i = 0; i < n; i++) card_list[i] = i;
    *card_num = n;
    return DCMI_OK;
}

DCMIDLLEXPORT int dcmi_get_device_num_in_card(int card_id, int *device_num)
{
    KX_FAULT_POINT(int);
    int rc = check_chip(card_id, 0);
    if (rc != DCMI_OK) return rc;
    if (!device_num) return DCMI_ERR_CODE_INVALID_PARAMETER;
    *device_num = 1;
    return DCMI_OK;
}

DCMIDLLEXPORT int dcmi_get_device_logic_id(int *device_logic_id, int card_id, int device_id)
{
    KX_FAULT_POINT(int);
    int rc = check_chip(card_id, device_id);
    if (rc != DCMI_OK) return rc;
    if (!device_logic_id) return DCMI_ERR_CODE_INVALID_PARAMETER;
    *device_logic_id = card_id;
    return DCMI_OK;
}

DCMIDLLEXPORT int dcmi_get_device_power_info(int card_id, int device_id, int *power)
{
    KX_FAULT_POINT(int);
    int rc = check_chip(card_id, device_id);
    if (rc != DCMI_OK) return rc;
    if (!power) return DCMI_ERR_CODE_INVALID_PARAMETER;
    *power = 853 + 10 * card_id; /* 0.1 W units */
    return DCMI_OK;
}

DCMIDLLEXPORT int dcmi_get_device_temperature(int card_id, int device_id, int *temperature)
{
    KX_FAULT_POINT(int);
    int rc = check_chip(card_id, device_id);
    if (rc != DCMI_OK) return rc;
    if (!temperature) return DCMI_ERR_CODE_INVALID_PARAMETER;
    *temperature = 45 + card_id;
    return DCMI_OK;
}
