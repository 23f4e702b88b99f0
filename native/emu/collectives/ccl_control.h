/*
 * ccl_control.h - the control API every collective emulator exports (included
 * once by each API layer), bound by Kuaxin's tests.
 */
#ifndef KX_CCL_CONTROL_H
#define KX_CCL_CONTROL_H

#include "ccl_comm.h"

#include <string.h>

/* Bounds the wait for ranks to join and for peers in each operation (default 60000 ms). */
__attribute__((visibility("default"))) void kuaxin_ccl_emu_set_timeout_ms(int ms) { kx_ccl_set_timeout_ms(ms); }

/* Live connections and roots in this process: 0 once every communicator was destroyed and its roots ended. */
__attribute__((visibility("default"))) int64_t kuaxin_ccl_emu_live(void) { return kx_ccl_live(); }

/* Arms a fault for rank `rank` (-1 = any) of this process at its nth (1 = next) operation: "die" (the connection
 * drops, as if the process died) or "count" (it sends one element more than asked). Returns 0, or -1. */
__attribute__((visibility("default"))) int kuaxin_ccl_emu_inject(const char *fault, int rank, int nth) {
    if (!fault || nth < 1) return -1;
    if (strcmp(fault, "die") == 0) kx_ccl_arm(KX_FAULT_DIE, rank, nth);
    else if (strcmp(fault, "count") == 0) kx_ccl_arm(KX_FAULT_COUNT, rank, nth);
    else return -1;
    return 0;
}

/* Which runtime emulator this library drives ("cuda", "hip", "musa", "supa", "ascend", "cambricon"), or "host" if
 * none is loaded. */
__attribute__((visibility("default"))) const char *kuaxin_ccl_emu_runtime(void) { return kx_ccl_runtime(); }

#endif
