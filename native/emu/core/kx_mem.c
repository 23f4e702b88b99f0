/*
 * kx_mem.c - device memory at fake addresses, and tracked pinned host memory.
 *
 * The fake address window is reserved once (PROT_NONE, no memory behind it);
 * each physical device owns a 256 GiB slice. Allocations are handed out by a
 * bump pointer (never reused, so stale pointers stay invalid) and kept in an
 * array sorted by address, so translation is a binary search.
 */
#include "kx_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define KX_ALIGN 256u                          /* cudaMalloc's documented minimum */
#define KX_WINDOW ((uintptr_t)1 << KX_DEVICE_ADDR_SHIFT)

typedef struct {
    uintptr_t addr;    /* fake device address */
    size_t size;       /* requested bytes (bounds checks use this) */
    size_t charged;    /* bytes counted against capacity (rounded up) */
    void *host;        /* backing host memory */
} kx_alloc;

typedef struct {
    kx_alloc *v;
    size_t n, cap;
    uintptr_t next;    /* bump offset inside the window */
    size_t used;
    size_t limit;
} kx_devmem;

static pthread_mutex_t g_mem_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t g_window_once = PTHREAD_ONCE_INIT;
static uintptr_t g_window_base;   /* 0 if the reservation failed: then no device memory */

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static void reserve_window(void) {
    size_t len = (size_t)KX_MAX_DEVICES << KX_DEVICE_ADDR_SHIFT;
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    void *p = mmap((void *)(uintptr_t)KX_DEVICE_ADDR_BASE, len, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) p = mmap(NULL, len, PROT_NONE, flags, -1, 0);   /* base taken: anywhere */
    g_window_base = p == MAP_FAILED ? 0 : (uintptr_t)p;
}

static uintptr_t window_base(void) {
    pthread_once(&g_window_once, reserve_window);
    return g_window_base;
}
static kx_devmem g_dev[KX_MAX_DEVICES];

typedef struct {
    void *ptr;
    size_t size;
} kx_pinned;

static kx_pinned *g_pinned;
static size_t g_npinned, g_cap_pinned;

void kx_mem_set_limit(int phys, size_t bytes) {   /* no kx_init: called from init */
    if (phys < 0 || phys >= KX_MAX_DEVICES) return;
    pthread_mutex_lock(&g_mem_lock);
    g_dev[phys].limit = bytes;
    pthread_mutex_unlock(&g_mem_lock);
}

size_t kx_mem_get_limit(int phys) {
    if (phys < 0 || phys >= KX_MAX_DEVICES) return 0;
    pthread_mutex_lock(&g_mem_lock);
    size_t l = g_dev[phys].limit;
    pthread_mutex_unlock(&g_mem_lock);
    return l;
}

int kx_mem_info(int phys, size_t *free_bytes, size_t *total_bytes) {
    kx_init();
    if (phys < 0 || phys >= kx_physical_device_count()) return KX_ERR_INVALID_DEVICE;
    pthread_mutex_lock(&g_mem_lock);
    kx_devmem *d = &g_dev[phys];
    if (free_bytes) *free_bytes = d->used < d->limit ? d->limit - d->used : 0;
    if (total_bytes) *total_bytes = d->limit;
    pthread_mutex_unlock(&g_mem_lock);
    return KX_OK;
}

int kx_dev_malloc(int phys, size_t bytes, void **out) {
    kx_init();
    if (out == NULL) return KX_ERR_INVALID_VALUE;
    if (phys < 0 || phys >= kx_physical_device_count()) return KX_ERR_INVALID_DEVICE;
    *out = NULL;
    if (bytes == 0) return KX_OK;
    if (bytes > KX_WINDOW || window_base() == 0) return KX_ERR_OUT_OF_MEMORY;
    size_t charged = (bytes + KX_ALIGN - 1) & ~(size_t)(KX_ALIGN - 1);

    pthread_mutex_lock(&g_mem_lock);
    kx_devmem *d = &g_dev[phys];
    int rc = KX_OK;
    if (d->used > d->limit || charged > d->limit - d->used || charged > KX_WINDOW - d->next) {
        rc = KX_ERR_OUT_OF_MEMORY;
    } else if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        kx_alloc *v = realloc(d->v, cap * sizeof *v);
        if (v == NULL) rc = KX_ERR_OUT_OF_MEMORY;
        else { d->v = v; d->cap = cap; }
    }
    if (rc == KX_OK) {
        /* calloc: large blocks come from mmap, zero pages appear lazily. */
        void *host = calloc(1, bytes);
        if (host == NULL) {
            rc = KX_ERR_OUT_OF_MEMORY;
        } else {
            uintptr_t addr = window_base() + ((uintptr_t)phys << KX_DEVICE_ADDR_SHIFT) + d->next;
            d->next += charged;
            d->used += charged;
            d->v[d->n++] = (kx_alloc){addr, bytes, charged, host};   /* bump => stays sorted */
            *out = (void *)addr;
        }
    }
    pthread_mutex_unlock(&g_mem_lock);
    return rc;
}

static int window_device(uintptr_t a) {
    uintptr_t base = window_base();
    if (base == 0 || a < base) return -1;
    uintptr_t dev = (a - base) >> KX_DEVICE_ADDR_SHIFT;
    return dev < KX_MAX_DEVICES ? (int)dev : -1;
}

/* Index of the allocation containing a (or ending exactly at a if at_end), or -1. Lock held. */
static long find_alloc(const kx_devmem *d, uintptr_t a, int at_end) {
    size_t lo = 0, hi = d->n;             /* first index with addr > a */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->v[mid].addr <= a) lo = mid + 1; else hi = mid;
    }
    if (lo == 0) return -1;
    const kx_alloc *al = &d->v[lo - 1];
    uintptr_t off = a - al->addr;
    return (off < al->size || (at_end && off == al->size)) ? (long)(lo - 1) : -1;
}

int kx_is_device_addr(const void *addr) { return window_device((uintptr_t)addr) >= 0; }

void *kx_translate(const void *addr, size_t bytes) {
    uintptr_t a = (uintptr_t)addr;
    int dev = window_device(a);
    if (dev < 0) return NULL;
    void *host = NULL;
    pthread_mutex_lock(&g_mem_lock);
    const kx_devmem *d = &g_dev[dev];
    long i = find_alloc(d, a, bytes == 0);
    if (i >= 0) {
        const kx_alloc *al = &d->v[i];
        size_t off = (size_t)(a - al->addr);
        if (bytes <= al->size - off) host = (char *)al->host + off;
    }
    pthread_mutex_unlock(&g_mem_lock);
    return host;
}

int kx_addr_device(const void *addr) {
    uintptr_t a = (uintptr_t)addr;
    int dev = window_device(a);
    if (dev < 0) return -1;
    pthread_mutex_lock(&g_mem_lock);
    long i = find_alloc(&g_dev[dev], a, 0);
    pthread_mutex_unlock(&g_mem_lock);
    return i >= 0 ? dev : -1;
}

int kx_dev_free(void *addr) {
    kx_init();
    if (addr == NULL) return KX_OK;
    uintptr_t a = (uintptr_t)addr;
    int dev = window_device(a);
    if (dev < 0) return KX_ERR_INVALID_VALUE;

    pthread_mutex_lock(&g_mem_lock);
    long i = find_alloc(&g_dev[dev], a, 0);
    int ok = i >= 0 && g_dev[dev].v[i].addr == a;
    pthread_mutex_unlock(&g_mem_lock);
    if (!ok) return KX_ERR_INVALID_VALUE;

    /* Like cudaFree: queued work that may still read this block finishes first.
     * Async errors stay on their streams for the user's next sync. */
    if (!kx_on_worker_thread()) kx_device_drain(dev);

    pthread_mutex_lock(&g_mem_lock);
    kx_devmem *d = &g_dev[dev];
    i = find_alloc(d, a, 0);          /* re-find: another thread may have freed it */
    int rc = KX_ERR_INVALID_VALUE;
    if (i >= 0 && d->v[i].addr == a) {
        free(d->v[i].host);
        d->used -= d->v[i].charged;
        memmove(&d->v[i], &d->v[i + 1], (d->n - (size_t)i - 1) * sizeof d->v[0]);
        d->n--;
        rc = KX_OK;
    }
    pthread_mutex_unlock(&g_mem_lock);
    return rc;
}

int64_t kx_dev_live_allocations(void) {
    int64_t n = 0;
    pthread_mutex_lock(&g_mem_lock);
    for (int i = 0; i < KX_MAX_DEVICES; i++) n += (int64_t)g_dev[i].n;
    pthread_mutex_unlock(&g_mem_lock);
    return n;
}

/* ------------------------------------------------------------------------- */
/* Pinned host memory                                                        */
/* ------------------------------------------------------------------------- */

int kx_host_alloc(size_t bytes, void **out) {
    kx_init();
    if (out == NULL) return KX_ERR_INVALID_VALUE;
    *out = NULL;
    if (bytes == 0) return KX_OK;
    void *p = NULL;
    if (posix_memalign(&p, 4096, bytes) != 0) return KX_ERR_OUT_OF_MEMORY;
    pthread_mutex_lock(&g_mem_lock);
    if (g_npinned == g_cap_pinned) {
        size_t cap = g_cap_pinned ? g_cap_pinned * 2 : 64;
        kx_pinned *v = realloc(g_pinned, cap * sizeof *v);
        if (v == NULL) {
            pthread_mutex_unlock(&g_mem_lock);
            free(p);
            return KX_ERR_OUT_OF_MEMORY;
        }
        g_pinned = v;
        g_cap_pinned = cap;
    }
    g_pinned[g_npinned++] = (kx_pinned){p, bytes};
    pthread_mutex_unlock(&g_mem_lock);
    *out = p;
    return KX_OK;
}

int kx_host_free(void *ptr) {
    kx_init();
    if (ptr == NULL) return KX_OK;
    int rc = KX_ERR_INVALID_VALUE;
    pthread_mutex_lock(&g_mem_lock);
    for (size_t i = 0; i < g_npinned; i++) {
        if (g_pinned[i].ptr == ptr) {
            g_pinned[i] = g_pinned[--g_npinned];
            rc = KX_OK;
            break;
        }
    }
    pthread_mutex_unlock(&g_mem_lock);
    if (rc == KX_OK) free(ptr);
    return rc;
}

int kx_is_pinned(const void *ptr) {
    uintptr_t a = (uintptr_t)ptr;
    int hit = 0;
    pthread_mutex_lock(&g_mem_lock);
    for (size_t i = 0; i < g_npinned && !hit; i++) {
        uintptr_t b = (uintptr_t)g_pinned[i].ptr;
        hit = a >= b && a - b < g_pinned[i].size;
    }
    pthread_mutex_unlock(&g_mem_lock);
    return hit;
}

int64_t kx_host_live_allocations(void) {
    pthread_mutex_lock(&g_mem_lock);
    int64_t n = (int64_t)g_npinned;
    pthread_mutex_unlock(&g_mem_lock);
    return n;
}

void kx_mem_reset(void) {
    pthread_mutex_lock(&g_mem_lock);
    for (int i = 0; i < KX_MAX_DEVICES; i++) {
        kx_devmem *d = &g_dev[i];
        for (size_t j = 0; j < d->n; j++) free(d->v[j].host);
        free(d->v);
        size_t limit = d->limit;
        *d = (kx_devmem){0};
        d->limit = limit;
    }
    for (size_t j = 0; j < g_npinned; j++) free(g_pinned[j].ptr);
    free(g_pinned);
    g_pinned = NULL;
    g_npinned = g_cap_pinned = 0;
    pthread_mutex_unlock(&g_mem_lock);
}
