/* Acme runtime emulator over the Kuaxin emulator core. */
#include "acme/acme_rt.h"
#include "kx_emu.h"

const kx_dialect kx_dialect_info = { "acme", "ACME_VISIBLE_DEVICES" };

#define BAD ACME_ERROR_INVALID_VALUE

static acmeError_t st(int kx) {
    return kx == KX_OK ? ACME_SUCCESS : kx == KX_ERR_OUT_OF_MEMORY ? ACME_ERROR_OUT_OF_MEMORY
         : kx == KX_ERR_NOT_READY ? ACME_ERROR_NOT_READY : BAD;
}
static kx_stream *stream(void *h) { return kx_stream_resolve(h, NULL); }

KX_EXPORT const char *acmeGetErrorString(acmeError_t e) { return kx_status_name(e); }
KX_EXPORT acmeError_t acmeGetDeviceCount(int *n) { return n ? (*n = kx_device_count(), ACME_SUCCESS) : BAD; }
KX_EXPORT acmeError_t acmeSetDevice(int d) { return st(kx_set_current_device(d)); }
KX_EXPORT acmeError_t acmeMemGetInfo(size_t *f, size_t *t) {
    return f && t ? st(kx_mem_info(kx_current_physical(), f, t)) : BAD;
}
KX_EXPORT acmeError_t acmeMalloc(void **p, size_t n) {
    return p && n ? st(kx_dev_malloc(kx_current_physical(), n, p)) : BAD; /* (V: acme_rt.h) n > 0 */
}
KX_EXPORT acmeError_t acmeFree(void *p) { return st(kx_dev_free(p)); }
KX_EXPORT acmeError_t acmeStreamCreate(void **s) {
    return s ? st(kx_stream_create(kx_current_physical(), 0, (kx_stream **)s)) : BAD;
}
KX_EXPORT acmeError_t acmeStreamDestroy(void *s) { return s ? st(kx_stream_destroy(s)) : BAD; }
KX_EXPORT acmeError_t acmeStreamSynchronize(void *s) { return stream(s) ? st(kx_stream_sync(stream(s))) : BAD; }
KX_EXPORT acmeError_t acmeStreamWaitEvent(void *s, void *e) {
    return stream(s) && kx_event_is_live(e) ? st(kx_stream_wait_event(stream(s), e)) : BAD;
}
KX_EXPORT acmeError_t acmeMemcpyAsync(void *d, const void *s, size_t n, int kind, void *q) {
    if (!stream(q) || kind < ACME_MEMCPY_H2D || kind > ACME_MEMCPY_D2D) return BAD;
    int dk = kind == ACME_MEMCPY_D2H ? KX_MEM_HOST : KX_MEM_DEVICE;
    int sk = kind == ACME_MEMCPY_H2D ? KX_MEM_HOST : KX_MEM_DEVICE;
    return st(kx_copy(d, dk, s, sk, n, stream(q), 1));
}
KX_EXPORT acmeError_t acmeMemsetAsync(void *d, int v, size_t n, void *q) {
    return stream(q) ? st(kx_memset(d, v, n, stream(q), 1)) : BAD;
}
KX_EXPORT acmeError_t acmeEventCreate(void **e) {
    return e ? st(kx_event_create(kx_current_physical(), 0, (kx_event **)e)) : BAD;
}
KX_EXPORT acmeError_t acmeEventDestroy(void *e) { return kx_event_is_live(e) ? st(kx_event_destroy(e)) : BAD; }
KX_EXPORT acmeError_t acmeEventRecord(void *e, void *s) {
    return kx_event_is_live(e) && stream(s) ? st(kx_event_record(e, stream(s))) : BAD;
}
KX_EXPORT acmeError_t acmeEventQuery(void *e) { return kx_event_is_live(e) ? st(kx_event_query(e)) : BAD; }
KX_EXPORT acmeError_t acmeEventSynchronize(void *e) { return kx_event_is_live(e) ? st(kx_event_sync(e)) : BAD; }
KX_EXPORT acmeError_t acmeEventElapsedTime(float *ms, void *a, void *b) {
    return ms && kx_event_is_live(a) && kx_event_is_live(b) ? st(kx_event_elapsed_ms(ms, a, b)) : BAD;
}
