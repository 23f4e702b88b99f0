/*
 * kx_internal.h - state shared between the core's own source files only.
 */
#ifndef KX_INTERNAL_H
#define KX_INTERNAL_H

#include "kx_emu.h"

#include <pthread.h>

#pragma GCC visibility push(hidden)

/* kx_emu.c: configuration */
size_t kx_cfg_default_memory(void);
void kx_cfg_reload(void);           /* re-read env: devices, memory, visible, faults */

/* kx_mem.c */
void kx_mem_set_limit(int phys, size_t bytes);
size_t kx_mem_get_limit(int phys);
void kx_mem_reset(void);           /* frees all device + pinned memory */

/* kx_stream.c */
int64_t kx_stream_live_count(void); /* user streams + events */
void kx_stream_reset(void);        /* joins all workers, frees streams and events */
void kx_device_drain(int phys);    /* waits for all streams of phys, keeping their async errors */
int64_t kx_handles_live_count(void);
void kx_handles_reset(void);

/* kx_emu.c: faults */
void kx_faults_clear(void);
void kx_faults_parse(const char *spec);

#pragma GCC visibility pop

#endif
