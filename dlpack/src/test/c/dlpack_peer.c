/*
 * A C consumer and producer of DLPack 1.x tensors for Kuaxin's tests. The structs are declared from the field list
 * of dmlc/dlpack include/dlpack/dlpack.h (DLPACK_MAJOR_VERSION 1), so the Java layouts are checked against a C
 * compiler's, not against themselves.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct { uint32_t major; uint32_t minor; } PeerVersion;
typedef struct { int32_t device_type; int32_t device_id; } PeerDevice;
typedef struct { uint8_t code; uint8_t bits; uint16_t lanes; } PeerDataType;
typedef struct {
    void *data;
    PeerDevice device;
    int32_t ndim;
    PeerDataType dtype;
    int64_t *shape;
    int64_t *strides;
    uint64_t byte_offset;
} PeerTensor;
typedef struct PeerManaged {
    PeerVersion version;
    void *manager_ctx;
    void (*deleter)(struct PeerManaged *self);
    uint64_t flags;
    PeerTensor dl_tensor;
} PeerManaged;

/* Layout facts the Java side must agree with: size, offsetof(dl_tensor), offsetof(byte_offset). */
int64_t peer_layout(int which) {
    switch (which) {
        case 0: return (int64_t) sizeof(PeerManaged);
        case 1: return (int64_t) offsetof(PeerManaged, dl_tensor);
        case 2: return (int64_t) offsetof(PeerManaged, dl_tensor.byte_offset);
        case 3: return (int64_t) offsetof(PeerManaged, flags);
        default: return -1;
    }
}

/* Consumer: copies the header fields into out[]: major, minor, flags, device type, id, ndim, code, bits, lanes,
 * byte_offset, then shape[ndim], strides[ndim]. Returns the number of values written. */
int peer_describe(const PeerManaged *t, int64_t *out) {
    int n = 0;
    out[n++] = t->version.major;
    out[n++] = t->version.minor;
    out[n++] = (int64_t) t->flags;
    out[n++] = t->dl_tensor.device.device_type;
    out[n++] = t->dl_tensor.device.device_id;
    out[n++] = t->dl_tensor.ndim;
    out[n++] = t->dl_tensor.dtype.code;
    out[n++] = t->dl_tensor.dtype.bits;
    out[n++] = t->dl_tensor.dtype.lanes;
    out[n++] = (int64_t) t->dl_tensor.byte_offset;
    for (int i = 0; i < t->dl_tensor.ndim; i++) out[n++] = t->dl_tensor.shape[i];
    for (int i = 0; i < t->dl_tensor.ndim; i++) out[n++] = t->dl_tensor.strides[i];
    return n;
}

/* Consumer: reads every element of a (strided) tensor of any rank, as raw bytes widened to int64 little-endian per
 * element (for an exact comparison of any dtype), into out[] in row-major order of the view. */
int64_t peer_gather(const PeerManaged *t, int64_t *out) {
    const PeerTensor *d = &t->dl_tensor;
    int size = (d->dtype.bits * d->dtype.lanes + 7) / 8;
    int64_t numel = 1;
    for (int i = 0; i < d->ndim; i++) numel *= d->shape[i];
    const uint8_t *base = (const uint8_t *) d->data + d->byte_offset;
    for (int64_t e = 0; e < numel; e++) {
        int64_t rem = e, at = 0;
        for (int i = d->ndim - 1; i >= 0; i--) {
            at += (rem % d->shape[i]) * d->strides[i];
            rem /= d->shape[i];
        }
        int64_t v = 0;
        memcpy(&v, base + at * size, (size_t) size);
        out[e] = v;
    }
    return numel;
}

/* Consumer: done with the tensor. */
void peer_delete(PeerManaged *t) {
    if (t->deleter) t->deleter(t);
}

/* ---------------------------------------------------------------- producer */

static int64_t produced_deleted;

int64_t peer_deleted(void) { return produced_deleted; }

static void peer_free(PeerManaged *self) {
    free(self->dl_tensor.data);
    free(self->dl_tensor.shape);
    free(self->dl_tensor.strides);
    free(self);
    produced_deleted++;
}

/* Producer: a float32 rows x cols tensor holding value(i, j) = i * 1000 + j, allocated by malloc, on the given
 * device type/id, with the given version and flags. transposed != 0 exports the cols x rows transpose as a strided
 * view (strides {1, cols}). byte_offset puts `pad` floats before the data. */
PeerManaged *peer_make_f32(int64_t rows, int64_t cols, int transposed, int device_type, int device_id,
                           uint32_t major, uint64_t flags, int64_t pad) {
    PeerManaged *m = calloc(1, sizeof(PeerManaged));
    float *data = malloc(sizeof(float) * (size_t) (rows * cols + pad));
    for (int64_t i = 0; i < pad; i++) data[i] = -1.0f;
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < cols; j++) data[pad + i * cols + j] = (float) (i * 1000 + j);
    m->version.major = major;
    m->version.minor = 1;
    m->deleter = peer_free;
    m->flags = flags;
    m->dl_tensor.data = data;
    m->dl_tensor.byte_offset = (uint64_t) (pad * (int64_t) sizeof(float));
    m->dl_tensor.device.device_type = device_type;
    m->dl_tensor.device.device_id = device_id;
    m->dl_tensor.ndim = 2;
    m->dl_tensor.dtype.code = 2; /* kDLFloat */
    m->dl_tensor.dtype.bits = 32;
    m->dl_tensor.dtype.lanes = 1;
    m->dl_tensor.shape = malloc(2 * sizeof(int64_t));
    m->dl_tensor.strides = malloc(2 * sizeof(int64_t));
    if (transposed) {
        m->dl_tensor.shape[0] = cols; m->dl_tensor.shape[1] = rows;
        m->dl_tensor.strides[0] = 1; m->dl_tensor.strides[1] = cols;
    } else {
        m->dl_tensor.shape[0] = rows; m->dl_tensor.shape[1] = cols;
        m->dl_tensor.strides[0] = cols; m->dl_tensor.strides[1] = 1;
    }
    return m;
}

/* Producer: override the dtype fields of a struct made above (for unsupported-dtype tests). */
void peer_set_dtype(PeerManaged *m, int code, int bits, int lanes) {
    m->dl_tensor.dtype.code = (uint8_t) code;
    m->dl_tensor.dtype.bits = (uint8_t) bits;
    m->dl_tensor.dtype.lanes = (uint16_t) lanes;
}

/* Producer: NULL strides, as DLPack before 1.1 allowed for compact row-major tensors. */
void peer_drop_strides(PeerManaged *m) {
    free(m->dl_tensor.strides);
    m->dl_tensor.strides = NULL;
}
