/*
 * A C consumer and producer of the Arrow C Data Interface for Kuaxin's tests. The structs are declared from the
 * interface's specification (arrow.apache.org/docs/format/CDataInterface.html), so the Java layouts are checked
 * against a C compiler's.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

struct ArrowSchema {
    const char *format;
    const char *name;
    const char *metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema **children;
    struct ArrowSchema *dictionary;
    void (*release)(struct ArrowSchema *);
    void *private_data;
};

struct ArrowArray {
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void **buffers;
    struct ArrowArray **children;
    struct ArrowArray *dictionary;
    void (*release)(struct ArrowArray *);
    void *private_data;
};

int64_t peer_layout(int which) {
    switch (which) {
        case 0: return (int64_t) sizeof(struct ArrowArray);
        case 1: return (int64_t) sizeof(struct ArrowSchema);
        case 2: return (int64_t) offsetof(struct ArrowArray, release);
        case 3: return (int64_t) offsetof(struct ArrowSchema, release);
        default: return -1;
    }
}

static int element_size(const char *format) {
    switch (format[0]) {
        case 'c': case 'C': return 1;
        case 'e': case 's': case 'S': return 2;
        case 'f': case 'i': case 'I': return 4;
        case 'g': case 'l': case 'L': return 8;
        default: return -1;
    }
}

/* Consumer: writes the formats from the root down, separated by '|', into out; returns the nesting depth. */
int peer_formats(const struct ArrowSchema *s, char *out, int cap) {
    int depth = 0;
    out[0] = 0;
    for (;;) {
        strncat(out, s->format, (size_t) (cap - (int) strlen(out) - 2));
        depth++;
        if (s->n_children == 0) return depth;
        strcat(out, "|");
        s = s->children[0];
    }
}

/* Consumer: reads every leaf element of a (nested fixed-size list of a) primitive array, raw bytes widened to int64,
 * into out[]; returns the count, or -1 if the structure is not what a tensor export gives. */
int64_t peer_gather(const struct ArrowArray *a, const struct ArrowSchema *s, int64_t *out) {
    int64_t start = a->offset, count = a->length;
    while (s->n_children == 1) {
        int64_t n = atoll(s->format + 3);
        if (strncmp(s->format, "+w:", 3) != 0 || a->n_children != 1) return -1;
        s = s->children[0];
        a = a->children[0];
        start = start * n + a->offset;
        count *= n;
    }
    int size = element_size(s->format);
    if (size < 0 || a->n_buffers != 2) return -1;
    const uint8_t *data = (const uint8_t *) a->buffers[1];
    for (int64_t i = 0; i < count; i++) {
        int64_t v = 0;
        memcpy(&v, data + (start + i) * size, (size_t) size);
        out[i] = v;
    }
    return count;
}

/* Consumer: moves the first child of an exported list array out (as the interface allows), releases the parent,
 * then reads the child: its buffers must still be alive. Returns the child's first value widened, -1 on error. */
int64_t peer_move_child_then_release(struct ArrowArray *a) {
    if (a->n_children != 1) return -1;
    struct ArrowArray moved = *a->children[0];
    a->children[0]->release = NULL;
    a->release(a);
    int64_t v = 0;
    memcpy(&v, (const uint8_t *) moved.buffers[1] + moved.offset * 4, 4);
    moved.release(&moved);
    return v;
}

/* Consumer: done. */
void peer_release(struct ArrowArray *a, struct ArrowSchema *s) {
    if (a && a->release) a->release(a);
    if (s && s->release) s->release(s);
}

int64_t peer_is_released(const struct ArrowArray *a) { return a->release == NULL; }

/* ---------------------------------------------------------------- producer */

static int64_t arrays_released, schemas_released;

int64_t peer_arrays_released(void) { return arrays_released; }

struct producer_data { float *values; const void **buffers; const void **list_buffers; struct ArrowArray *child;
                       struct ArrowArray **children; uint8_t *validity; };

static void release_child(struct ArrowArray *a) { a->release = NULL; }

static void release_array(struct ArrowArray *a) {
    struct producer_data *p = a->private_data;
    if (p->child && p->child->release) p->child->release(p->child);
    free(p->values);
    free(p->buffers);
    free(p->list_buffers);
    free(p->child);
    free(p->children);
    free(p->validity);
    free(p);
    a->release = NULL;
    arrays_released++;
}

/* Producer: `rows` values (cols == 0: a float array) or rows lists of `cols` floats (cols > 0: +w:cols of f), value
 * k = 0.5 * k over the flattened storage, with `offset` rows skipped at the top level. null_at >= 0 marks that slot
 * null in a validity bitmap. */
void peer_make_f32(int64_t rows, int64_t cols, int64_t offset, int64_t null_at, struct ArrowArray *out) {
    struct producer_data *p = calloc(1, sizeof *p);
    int64_t per = cols > 0 ? cols : 1, total = (rows + offset) * per;
    p->values = malloc(sizeof(float) * (size_t) (total > 0 ? total : 1));
    for (int64_t k = 0; k < total; k++) p->values[k] = 0.5f * (float) k;
    p->buffers = calloc(2, sizeof(void *));
    p->buffers[1] = p->values;
    memset(out, 0, sizeof *out);
    out->release = release_array;
    out->private_data = p;
    out->length = rows;
    out->offset = offset;
    if (null_at >= 0) {
        p->validity = malloc((size_t) ((rows + offset + 7) / 8 + 1));
        memset(p->validity, 0xff, (size_t) ((rows + offset + 7) / 8 + 1));
        p->validity[(offset + null_at) / 8] &= (uint8_t) ~(1u << ((offset + null_at) % 8));
        out->null_count = -1; /* unknown: the consumer counts */
    }
    if (cols == 0) {
        p->buffers[0] = p->validity;
        out->n_buffers = 2;
        out->buffers = p->buffers;
        return;
    }
    p->list_buffers = calloc(1, sizeof(void *));
    p->list_buffers[0] = p->validity;
    p->child = calloc(1, sizeof(struct ArrowArray));
    p->child->length = total;
    p->child->n_buffers = 2;
    p->child->buffers = p->buffers;
    p->child->release = release_child;
    p->children = calloc(1, sizeof(struct ArrowArray *));
    p->children[0] = p->child;
    out->n_buffers = 1;
    out->buffers = p->list_buffers;
    out->n_children = 1;
    out->children = p->children;
}

static void release_schema(struct ArrowSchema *s) {
    for (int64_t i = 0; i < s->n_children; i++) {
        if (s->children[i]->release) s->children[i]->release(s->children[i]);
        free(s->children[i]);
    }
    free(s->children);
    free((void *) s->format);
    s->release = NULL;
    schemas_released++;
}

/* Producer: the schema for peer_make_f32 (cols == 0: "f"), or any leaf format for bad-input tests. */
void peer_make_schema(int64_t cols, const char *leaf_format, struct ArrowSchema *out) {
    memset(out, 0, sizeof *out);
    out->name = "col";
    out->release = release_schema;
    if (cols == 0) {
        out->format = strdup(leaf_format);
        return;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "+w:%lld", (long long) cols);
    out->format = strdup(buf);
    out->n_children = 1;
    out->children = calloc(1, sizeof(struct ArrowSchema *));
    out->children[0] = calloc(1, sizeof(struct ArrowSchema));
    out->children[0]->format = strdup(leaf_format);
    out->children[0]->name = "item";
    out->children[0]->release = release_schema;
}
