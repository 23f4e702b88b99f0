/*
 * host_kernels.h - host C implementations of Kuaxin's device kernels, found by
 * name by the module API (module.c). Each takes the kernel's arguments with the
 * device kernel's layout (kx_kernel_abi.h) and runs the whole grid on the
 * stream worker, block by block, doing exactly the work the device kernel's
 * blocks would: a grid with too few blocks leaves rows unwritten, as on a GPU.
 * Tensor pointers are device addresses; a view outside one live allocation is
 * KX_ERR_ILLEGAL_ADDRESS (reported at the next synchronisation).
 */
#ifndef KX_CF_HOST_KERNELS_H
#define KX_CF_HOST_KERNELS_H

#include <stddef.h>
#include "kx_kernel_abi.h"

#pragma GCC visibility push(hidden)

typedef struct kxk_dim3 { unsigned x, y, z; } kxk_dim3;

/* Runs every block of grid; returns a kx_status. args[i] points at argument i's value. */
typedef int (*kxk_host_fn)(kxk_dim3 grid, kxk_dim3 block, void *const *args);

#define KXK_MAX_ARGS 8

typedef struct kxk_host_kernel {
    const char *name;
    int nargs;
    size_t arg_size[KXK_MAX_ARGS];
    kxk_host_fn run;
} kxk_host_kernel;

/* The kernel called `name`, or NULL. */
const kxk_host_kernel *kxk_find(const char *name);

#pragma GCC visibility pop
#endif
