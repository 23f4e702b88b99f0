/*
 * kx_copy.c - memcpy/memset on streams, with CUDA's host-synchronisation rules
 * for pageable vs pinned memory (see kx_copy in kx_emu.h).
 */
#include "kx_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    void *dst;
    const void *src;
    size_t n;
    int dst_dev, src_dev;
    void *stage;      /* owned copy of a pageable source, or NULL */
    int value;        /* memset only */
} copy_task;

static void run_copy(void *arg) {
    copy_task *t = arg;
    /* Translate again: the block may have been freed since the call. */
    void *d = t->dst_dev ? kx_translate(t->dst, t->n) : t->dst;
    const void *s = t->stage ? t->stage : t->src_dev ? kx_translate(t->src, t->n) : t->src;
    if (d == NULL || s == NULL) kx_stream_set_error(kx_worker_stream(), KX_ERR_ILLEGAL_ADDRESS);
    else memmove(d, s, t->n);
    free(t->stage);
    free(t);
}

static void run_memset(void *arg) {
    copy_task *t = arg;
    void *d = kx_translate(t->dst, t->n);
    if (d == NULL) kx_stream_set_error(kx_worker_stream(), KX_ERR_ILLEGAL_ADDRESS);
    else memset(d, t->value, t->n);
    free(t);
}

static int side_is_device(const void *p, int kind) {
    return kind == KX_MEM_DEVICE || (kind == KX_MEM_INFER && kx_is_device_addr(p));
}

/* A host side must be a real pointer; one in the device window means a wrong kind. */
static int check_side(const void *p, int dev, size_t n) {
    if (p == NULL) return KX_ERR_INVALID_VALUE;
    if (dev) return kx_translate(p, n) ? KX_OK : KX_ERR_INVALID_VALUE;
    return kx_is_device_addr(p) ? KX_ERR_INVALID_VALUE : KX_OK;
}

int kx_copy(void *dst, int dst_kind, const void *src, int src_kind, size_t n,
            kx_stream *s, int async) {
    kx_init();
    if (dst_kind < KX_MEM_HOST || dst_kind > KX_MEM_INFER || src_kind < KX_MEM_HOST || src_kind > KX_MEM_INFER)
        return KX_ERR_INVALID_VALUE;
    if (n == 0) return KX_OK;
    if (s == NULL) return KX_ERR_INVALID_HANDLE;
    int dd = side_is_device(dst, dst_kind), sd = side_is_device(src, src_kind);
    int rc = check_side(dst, dd, n);
    if (rc == KX_OK) rc = check_side(src, sd, n);
    if (rc != KX_OK) return rc;

    copy_task *t = calloc(1, sizeof *t);
    if (t == NULL) return KX_ERR_OUT_OF_MEMORY;
    *t = (copy_task){dst, src, n, dd, sd, NULL, 0};
    int wait = !async;
    if (async && !sd && !kx_is_pinned(src)) {
        /* Pageable source: the vendor copies it to a staging buffer before returning. */
        t->stage = malloc(n);
        if (t->stage == NULL) {
            free(t);
            return KX_ERR_OUT_OF_MEMORY;
        }
        memcpy(t->stage, src, n);
    }
    if (async && !dd && !kx_is_pinned(dst)) wait = 1;   /* pageable destination: synchronous */

    rc = kx_stream_enqueue(s, run_copy, t);
    if (rc != KX_OK) {
        free(t->stage);
        free(t);
        return rc;
    }
    return wait ? kx_stream_sync(s) : KX_OK;
}

int kx_memset(void *dst, int value, size_t n, kx_stream *s, int async) {
    kx_init();
    if (n == 0) return KX_OK;
    if (s == NULL) return KX_ERR_INVALID_HANDLE;
    if (dst == NULL || kx_translate(dst, n) == NULL) return KX_ERR_INVALID_VALUE;
    copy_task *t = calloc(1, sizeof *t);
    if (t == NULL) return KX_ERR_OUT_OF_MEMORY;
    *t = (copy_task){dst, NULL, n, 1, 0, NULL, (unsigned char)value};
    int rc = kx_stream_enqueue(s, run_memset, t);
    if (rc != KX_OK) {
        free(t);
        return rc;
    }
    return async ? KX_OK : kx_stream_sync(s);
}
