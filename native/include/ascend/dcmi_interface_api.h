/*
 * DCMI subset (libdcmi.so, Ascend driver management interface): power and
 * temperature. Kuaxin binds these optionally; a missing library or symbol
 * means "no telemetry". Signatures U (from public
 * copies of dcmi_interface_api.h in Ascend/pytorch and MindIE-LLM), unless
 * tagged. Every call returns int, 0 = success.
 *
 * Addressing: a device is (card id, device index within the card). Card ids
 * come from dcmi_get_card_num_list; dcmi_get_device_logic_id maps a
 * (card, device) pair to the logical id AscendCL uses (I: before any
 * ASCEND_RT_VISIBLE_DEVICES filter).
 */
#ifndef KX_ASCEND_DCMI_INTERFACE_API_H
#define KX_ASCEND_DCMI_INTERFACE_API_H

#ifdef __cplusplus
extern "C" {
#endif

#define DCMIDLLEXPORT __attribute__((visibility("default")))

#define DCMI_OK 0
/* Error values I (not in the references; only "non-zero = failure" is U). */
#define DCMI_ERR_CODE_INVALID_PARAMETER  (-8001)
#define DCMI_ERR_CODE_INNER_ERR          (-8005)
#define DCMI_ERR_CODE_INVALID_DEVICE_ID  (-8007)
#define DCMI_ERR_CODE_NOT_SUPPORT        (-8255)

/* Must precede every other call (U). The emulator returns DCMI_ERR_CODE_INNER_ERR before it (I). */
DCMIDLLEXPORT int dcmi_init(void);

/* Writes up to list_len card ids to card_list and their count to card_num (U). */
DCMIDLLEXPORT int dcmi_get_card_num_list(int *card_num, int *card_list, int list_len);

/* Number of NPU chips on a card (U). */
DCMIDLLEXPORT int dcmi_get_device_num_in_card(int card_id, int *device_num);

/* Logical id of chip device_id on card card_id (U; argument order U). */
DCMIDLLEXPORT int dcmi_get_device_logic_id(int *device_logic_id, int card_id, int device_id);

/* Current chip power in units of 0.1 W (U signature; the unit is I). */
DCMIDLLEXPORT int dcmi_get_device_power_info(int card_id, int device_id, int *power);

/* Chip temperature in degrees Celsius (U). */
DCMIDLLEXPORT int dcmi_get_device_temperature(int card_id, int device_id, int *temperature);

#ifdef __cplusplus
}
#endif

#endif
