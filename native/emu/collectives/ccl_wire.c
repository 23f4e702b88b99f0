/*
 * ccl_wire.c - see ccl_wire.h. Star over loopback TCP: simple and slow, which
 * is fine for an emulator whose job is real data exchange and real failures.
 */
#define _GNU_SOURCE
#include "ccl_wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#pragma GCC visibility push(hidden)

static atomic_int g_timeout_ms = 60000;
static atomic_llong g_live;
static pthread_mutex_t g_fault_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_fault, g_fault_rank, g_fault_nth;

void kx_ccl_set_timeout_ms(int ms) { atomic_store(&g_timeout_ms, ms > 0 ? ms : 60000); }
int kx_ccl_timeout_ms(void) { return atomic_load(&g_timeout_ms); }
int64_t kx_ccl_live(void) { return atomic_load(&g_live); }
void kx_ccl_live_add(int d) { atomic_fetch_add(&g_live, d); }

void kx_ccl_arm(int fault, int rank, int nth) {
    pthread_mutex_lock(&g_fault_lock);
    g_fault = fault;
    g_fault_rank = rank;
    g_fault_nth = nth;
    pthread_mutex_unlock(&g_fault_lock);
}

static int take_fault(int rank) {
    int f = KX_FAULT_NONE;
    pthread_mutex_lock(&g_fault_lock);
    if (g_fault != KX_FAULT_NONE && (g_fault_rank < 0 || g_fault_rank == rank) && --g_fault_nth == 0) {
        f = g_fault;
        g_fault = KX_FAULT_NONE;
    }
    pthread_mutex_unlock(&g_fault_lock);
    return f;
}

size_t kx_ccl_type_size(int t) {
    switch (t) {
    case KX_T_I8: case KX_T_U8: return 1;
    case KX_T_F16: case KX_T_BF16: case KX_T_I16: case KX_T_U16: return 2;
    case KX_T_I32: case KX_T_U32: case KX_T_F32: return 4;
    case KX_T_I64: case KX_T_U64: case KX_T_F64: return 8;
    default: return 0;
    }
}

/* ---- wire ---- */

typedef struct {
    int32_t kind, type, op, peer;
    uint64_t count, bytes;
} req_t;

typedef struct {
    int32_t status, pad;
    uint64_t bytes;
    char msg[120];
} rep_t;

typedef struct {
    uint64_t nonce;
    int32_t nranks, rank;
} hello_t;

static int io_all(int fd, void *buf, size_t n, int writing) {
    char *p = buf;
    while (n > 0) {
        ssize_t k = writing ? send(fd, p, n, MSG_NOSIGNAL) : recv(fd, p, n, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static void set_timeout(int fd, int ms) {
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static void reply(int fd, int status, const char *msg, const void *data, uint64_t bytes) {
    rep_t r;
    memset(&r, 0, sizeof r);
    r.status = status;
    r.bytes = status == KX_CCL_OK ? bytes : 0;
    if (msg) snprintf(r.msg, sizeof r.msg, "%s", msg);
    if (io_all(fd, &r, sizeof r, 1) == 0 && r.bytes) io_all(fd, (void *)data, bytes, 1);
}

/* ---- reductions (on the root) ---- */

static float h2f(uint16_t h) {
    uint32_t s = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 0x1f, m = h & 0x3ff, bits;
    if (e == 0) {
        float f = ldexpf((float)m, -24);
        return s ? -f : f;
    }
    bits = e == 31 ? (s | 0x7f800000u | (m << 13)) : (s | ((e + 112) << 23) | (m << 13));
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static uint16_t f2h(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t s = (x >> 16) & 0x8000;
    int e = (int)((x >> 23) & 0xff) - 127 + 15;
    uint32_t m = x & 0x7fffff;
    if (((x >> 23) & 0xff) == 0xff) return (uint16_t)(s | 0x7c00 | (m ? 0x200 : 0));
    if (e >= 31) return (uint16_t)(s | 0x7c00);
    if (e <= 0) {
        if (e < -10) return (uint16_t)s;
        m |= 0x800000;
        uint32_t shift = (uint32_t)(14 - e), half = 1u << (shift - 1);
        uint32_t r = m >> shift, rem = m & ((1u << shift) - 1);
        if (rem > half || (rem == half && (r & 1))) r++;
        return (uint16_t)(s | r);
    }
    uint32_t r = ((uint32_t)e << 10) | (m >> 13), rem = m & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (r & 1))) r++;
    return (uint16_t)(s | r);
}

static float b2f(uint16_t b) {
    uint32_t x = (uint32_t)b << 16;
    float f;
    memcpy(&f, &x, 4);
    return f;
}

static uint16_t f2b(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    if ((x & 0x7fffffff) > 0x7f800000) return (uint16_t)((x >> 16) | 0x40);
    return (uint16_t)((x + 0x7fff + ((x >> 16) & 1)) >> 16);
}

#define RED_LOOP(T)                                                                         \
    do {                                                                                    \
        T *a = (T *)acc;                                                                    \
        const T *b = (const T *)in;                                                         \
        for (uint64_t i = 0; i < n; i++) {                                                  \
            switch (op) {                                                                   \
            case KX_R_SUM: case KX_R_AVG: a[i] = (T)(a[i] + b[i]); break;                   \
            case KX_R_PROD: a[i] = (T)(a[i] * b[i]); break;                                 \
            case KX_R_MAX: if (b[i] > a[i]) a[i] = b[i]; break;                             \
            default: if (b[i] < a[i]) a[i] = b[i]; break;                                   \
            }                                                                               \
        }                                                                                   \
    } while (0)

/* acc op= in, elementwise; 16-bit floats accumulate in fp32 scratch (facc) and are rounded once at the end. */
static void reduce_into(void *acc, float *facc, const void *in, uint64_t n, int type, int op) {
    switch (type) {
    case KX_T_I8: RED_LOOP(int8_t); break;
    case KX_T_U8: RED_LOOP(uint8_t); break;
    case KX_T_I16: RED_LOOP(int16_t); break;
    case KX_T_U16: RED_LOOP(uint16_t); break;
    case KX_T_I32: RED_LOOP(int32_t); break;
    case KX_T_U32: RED_LOOP(uint32_t); break;
    case KX_T_I64: RED_LOOP(int64_t); break;
    case KX_T_U64: RED_LOOP(uint64_t); break;
    case KX_T_F32: RED_LOOP(float); break;
    case KX_T_F64: RED_LOOP(double); break;
    case KX_T_F16: case KX_T_BF16: {
        const uint16_t *b = in;
        for (uint64_t i = 0; i < n; i++) {
            float v = type == KX_T_F16 ? h2f(b[i]) : b2f(b[i]);
            switch (op) {
            case KX_R_SUM: case KX_R_AVG: facc[i] += v; break;
            case KX_R_PROD: facc[i] *= v; break;
            case KX_R_MAX: if (v > facc[i]) facc[i] = v; break;
            default: if (v < facc[i]) facc[i] = v; break;
            }
        }
        break;
    }
    }
}

static void reduce_all(void *out, void **ins, int nranks, uint64_t n, int type, int op) {
    size_t es = kx_ccl_type_size(type);
    int half = type == KX_T_F16 || type == KX_T_BF16;
    float *facc = NULL;
    if (half) {
        facc = malloc(n * sizeof(float) + 1);
        const uint16_t *b = ins[0];
        for (uint64_t i = 0; i < n; i++) facc[i] = type == KX_T_F16 ? h2f(b[i]) : b2f(b[i]);
    } else {
        memcpy(out, ins[0], n * es);
    }
    for (int r = 1; r < nranks; r++) reduce_into(out, facc, ins[r], n, type, op);
    if (op == KX_R_AVG) {
        switch (type) {
#define AVG(T) for (uint64_t i = 0; i < n; i++) ((T *)out)[i] = (T)(((T *)out)[i] / nranks)
        case KX_T_I8: AVG(int8_t); break;
        case KX_T_U8: AVG(uint8_t); break;
        case KX_T_I16: AVG(int16_t); break;
        case KX_T_U16: AVG(uint16_t); break;
        case KX_T_I32: AVG(int32_t); break;
        case KX_T_U32: AVG(uint32_t); break;
        case KX_T_I64: AVG(int64_t); break;
        case KX_T_U64: AVG(uint64_t); break;
        case KX_T_F32: AVG(float); break;
        case KX_T_F64: AVG(double); break;
        default: for (uint64_t i = 0; i < n; i++) facc[i] /= (float)nranks; break;
#undef AVG
        }
    }
    if (half) {
        uint16_t *o = out;
        for (uint64_t i = 0; i < n; i++) o[i] = type == KX_T_F16 ? f2h(facc[i]) : f2b(facc[i]);
        free(facc);
    }
}

/* ---- the root ---- */

typedef struct msg {
    struct msg *next;
    req_t req;
    void *data;
} msg_t;

typedef struct {
    int listen_fd;
    uint64_t nonce;
} root_arg;

typedef struct {
    int nranks;
    int *fd;
    int *alive;
    msg_t **pending;          /* one blocked operation per rank (a collective or a recv) */
    msg_t **queue;            /* eager sends, queue[src * nranks + dst] */
    int broken;               /* a rank was lost or ranks disagreed: every later operation fails */
    char why[120];
} group_t;

static void free_msg(msg_t *m) {
    if (m) {
        free(m->data);
        free(m);
    }
}

static void fail_pending(group_t *g, int status) {
    for (int r = 0; r < g->nranks; r++) {
        if (g->pending[r] && g->alive[r]) reply(g->fd[r], status, g->why, NULL, 0);
        free_msg(g->pending[r]);
        g->pending[r] = NULL;
    }
}

static void lose(group_t *g, int r) {
    if (!g->alive[r]) return;
    g->alive[r] = 0;
    close(g->fd[r]);
    free_msg(g->pending[r]);
    g->pending[r] = NULL;
    if (!g->broken) {
        g->broken = KX_CCL_PEER_LOST;
        snprintf(g->why, sizeof g->why, "rank %d left or died (connection closed)", r);
    }
    fail_pending(g, g->broken);
}

static void try_recv(group_t *g, int r) {
    msg_t *m = g->pending[r];
    if (!m || m->req.kind != KX_CCL_RECV) return;
    int src = m->req.peer;
    msg_t **q = &g->queue[src * g->nranks + r];
    if (!*q) return;
    msg_t *s = *q;
    *q = s->next;
    if (s->req.count != m->req.count || s->req.type != m->req.type) {
        char why[120];
        snprintf(why, sizeof why, "send from rank %d has %llu elements of type %d, recv expects %llu of type %d", src,
                 (unsigned long long)s->req.count, s->req.type, (unsigned long long)m->req.count, m->req.type);
        reply(g->fd[r], KX_CCL_MISMATCH, why, NULL, 0);
    } else {
        reply(g->fd[r], KX_CCL_OK, NULL, s->data, s->req.bytes);
    }
    free_msg(s);
    free_msg(m);
    g->pending[r] = NULL;
}

static void try_collective(group_t *g) {
    int n = g->nranks;
    for (int r = 0; r < n; r++) {
        if (!g->pending[r] || g->pending[r]->req.kind == KX_CCL_RECV) return;
    }
    req_t *q0 = &g->pending[0]->req;
    for (int r = 1; r < n; r++) {
        req_t *q = &g->pending[r]->req;
        int root_differs = q0->kind == KX_CCL_BROADCAST && q->peer != q0->peer;
        int op_differs = (q0->kind == KX_CCL_ALLREDUCE || q0->kind == KX_CCL_REDUCESCATTER) && q->op != q0->op;
        if (q->kind != q0->kind || q->count != q0->count || q->type != q0->type || root_differs || op_differs) {
            g->broken = KX_CCL_MISMATCH;
            snprintf(g->why, sizeof g->why,
                     "ranks disagree: rank 0 called op %d with %llu elements of type %d, rank %d op %d with %llu of "
                     "type %d", q0->kind, (unsigned long long)q0->count, q0->type, r, q->kind,
                     (unsigned long long)q->count, q->type);
            fail_pending(g, KX_CCL_MISMATCH);
            return;
        }
    }
    size_t es = kx_ccl_type_size(q0->type);
    uint64_t cnt = q0->count, bytes = cnt * es;
    void **ins = malloc(sizeof(void *) * (size_t)n);
    for (int r = 0; r < n; r++) ins[r] = g->pending[r]->data;
    switch (q0->kind) {
    case KX_CCL_ALLREDUCE: {
        void *out = malloc(bytes + 1);
        reduce_all(out, ins, n, cnt, q0->type, q0->op);
        for (int r = 0; r < n; r++) reply(g->fd[r], KX_CCL_OK, NULL, out, bytes);
        free(out);
        break;
    }
    case KX_CCL_ALLGATHER: {
        char *out = malloc(bytes * (size_t)n + 1);
        for (int r = 0; r < n; r++) memcpy(out + bytes * (size_t)r, ins[r], bytes);
        for (int r = 0; r < n; r++) reply(g->fd[r], KX_CCL_OK, NULL, out, bytes * (size_t)n);
        free(out);
        break;
    }
    case KX_CCL_REDUCESCATTER: {
        void *out = malloc(bytes + 1);
        void **blk = malloc(sizeof(void *) * (size_t)n);
        for (int d = 0; d < n; d++) {
            for (int r = 0; r < n; r++) blk[r] = (char *)ins[r] + bytes * (size_t)d;
            reduce_all(out, blk, n, cnt, q0->type, q0->op);
            reply(g->fd[d], KX_CCL_OK, NULL, out, bytes);
        }
        free(blk);
        free(out);
        break;
    }
    case KX_CCL_BROADCAST:
        for (int r = 0; r < n; r++) reply(g->fd[r], KX_CCL_OK, NULL, ins[q0->peer], bytes);
        break;
    }
    free(ins);
    for (int r = 0; r < n; r++) {
        free_msg(g->pending[r]);
        g->pending[r] = NULL;
    }
}

static void serve(group_t *g) {
    int n = g->nranks;
    struct pollfd *pf = calloc((size_t)n, sizeof *pf);
    for (;;) {
        int open_count = 0;
        for (int r = 0; r < n; r++) {
            pf[r].fd = g->alive[r] ? g->fd[r] : -1;
            pf[r].events = POLLIN;
            pf[r].revents = 0;
            open_count += g->alive[r];
        }
        if (open_count == 0) break;
        int k = poll(pf, (nfds_t)n, 1000);
        if (k < 0 && errno != EINTR) break;
        for (int r = 0; r < n; r++) {
            if (!g->alive[r] || !(pf[r].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            req_t q;
            if (io_all(g->fd[r], &q, sizeof q, 0) != 0) {
                lose(g, r);
                continue;
            }
            msg_t *m = calloc(1, sizeof *m);
            m->req = q;
            m->data = malloc(q.bytes + 1);
            if (q.bytes && io_all(g->fd[r], m->data, q.bytes, 0) != 0) {
                free_msg(m);
                lose(g, r);
                continue;
            }
            if (g->broken) {
                reply(g->fd[r], g->broken, g->why, NULL, 0);
                free_msg(m);
                continue;
            }
            if (q.kind == KX_CCL_SEND) {
                msg_t **tail = &g->queue[r * n + q.peer];
                while (*tail) tail = &(*tail)->next;
                *tail = m;
                reply(g->fd[r], KX_CCL_OK, NULL, NULL, 0);
                try_recv(g, q.peer);
                continue;
            }
            if (g->pending[r]) { /* protocol: one blocked operation per rank */
                free_msg(m);
                lose(g, r);
                continue;
            }
            g->pending[r] = m;
            if (q.kind == KX_CCL_RECV) try_recv(g, r);
            else try_collective(g);
        }
    }
    free(pf);
}

static void *root_main(void *p) {
    root_arg a = *(root_arg *)p;
    free(p);
    int timeout = kx_ccl_timeout_ms();
    group_t g;
    memset(&g, 0, sizeof g);
    int joined = 0, *fds = NULL, *alive = NULL;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = timeout - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
        if (g.nranks > 0 && joined == g.nranks) break;
        if (left <= 0) {
            snprintf(g.why, sizeof g.why, "only %d of %d ranks joined within %d ms", joined, g.nranks, timeout);
            for (int r = 0; r < g.nranks; r++) {
                if (alive[r]) {
                    reply(fds[r], KX_CCL_TIMEOUT, g.why, NULL, 0);
                    close(fds[r]);
                }
            }
            goto done;
        }
        struct pollfd pl = {a.listen_fd, POLLIN, 0};
        if (poll(&pl, 1, (int)(left < 200 ? left : 200)) <= 0) continue;
        int fd = accept(a.listen_fd, NULL, NULL);
        if (fd < 0) continue;
        set_timeout(fd, 2000);
        hello_t h;
        if (io_all(fd, &h, sizeof h, 0) != 0 || h.nonce != a.nonce) {
            close(fd);
            continue;
        }
        if (g.nranks == 0 && h.nranks > 0) {
            g.nranks = h.nranks;
            fds = calloc((size_t)h.nranks, sizeof(int));
            alive = calloc((size_t)h.nranks, sizeof(int));
        }
        if (h.nranks != g.nranks || h.rank < 0 || h.rank >= g.nranks || alive[h.rank]) {
            char why[120];
            snprintf(why, sizeof why, "rank %d of %d does not fit this group of %d (or joined twice)", h.rank, h.nranks,
                     g.nranks);
            reply(fd, KX_CCL_MISMATCH, why, NULL, 0);
            close(fd);
            continue;
        }
        fds[h.rank] = fd;
        alive[h.rank] = 1;
        joined++;
    }
    g.fd = fds;
    g.alive = alive;
    g.pending = calloc((size_t)g.nranks, sizeof(msg_t *));
    g.queue = calloc((size_t)g.nranks * (size_t)g.nranks, sizeof(msg_t *));
    for (int r = 0; r < g.nranks; r++) {
        set_timeout(fds[r], 0);
        reply(fds[r], KX_CCL_OK, NULL, NULL, 0);
    }
    serve(&g);
    for (int i = 0; i < g.nranks * g.nranks; i++) {
        while (g.queue[i]) {
            msg_t *m = g.queue[i];
            g.queue[i] = m->next;
            free_msg(m);
        }
    }
    for (int r = 0; r < g.nranks; r++) free_msg(g.pending[r]);
    free(g.pending);
    free(g.queue);
done:
    free(fds);
    free(alive);
    close(a.listen_fd);
    kx_ccl_live_add(-1);
    return NULL;
}

int kx_ccl_root_start(kx_ccl_id *id) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return KX_CCL_SYSTEM;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        close(fd);
        return KX_CCL_SYSTEM;
    }
    root_arg *a = malloc(sizeof *a);
    a->listen_fd = fd;
    if (getrandom(&a->nonce, sizeof a->nonce, 0) != sizeof a->nonce) a->nonce = (uint64_t)time(NULL) ^ (uint64_t)getpid();
    memset(id, 0, sizeof *id);
    id->magic = KX_CCL_MAGIC;
    id->port = ntohs(sa.sin_port);
    id->nonce = a->nonce;
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    kx_ccl_live_add(1);
    if (pthread_create(&t, &at, root_main, a) != 0) {
        kx_ccl_live_add(-1);
        close(fd);
        free(a);
        pthread_attr_destroy(&at);
        return KX_CCL_SYSTEM;
    }
    pthread_attr_destroy(&at);
    return KX_CCL_OK;
}

/* ---- a rank ---- */

struct kx_ccl_conn {
    int fd;
    int rank, nranks;
    atomic_int down;
};

int kx_ccl_join(const kx_ccl_id *id, int nranks, int rank, kx_ccl_conn **out, char *err, size_t errlen) {
    *out = NULL;
    if (id->magic != KX_CCL_MAGIC) {
        snprintf(err, errlen, "not a unique id made by this library's GetUniqueId");
        return KX_CCL_BAD_ARG;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return KX_CCL_SYSTEM;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(id->port);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        snprintf(err, errlen, "cannot reach the root at 127.0.0.1:%u: %s", id->port, strerror(errno));
        close(fd);
        return KX_CCL_PEER_LOST;
    }
    hello_t h = {id->nonce, nranks, rank};
    set_timeout(fd, kx_ccl_timeout_ms() + 1000); /* the root answers within its timeout */
    rep_t r;
    if (io_all(fd, &h, sizeof h, 1) != 0 || io_all(fd, &r, sizeof r, 0) != 0) {
        snprintf(err, errlen, "the root did not answer (gone, or it waited for the other ranks in vain)");
        close(fd);
        return KX_CCL_TIMEOUT;
    }
    if (r.status != KX_CCL_OK) {
        snprintf(err, errlen, "%s", r.msg);
        close(fd);
        return r.status;
    }
    kx_ccl_conn *c = calloc(1, sizeof *c);
    c->fd = fd;
    c->rank = rank;
    c->nranks = nranks;
    kx_ccl_live_add(1);
    *out = c;
    return KX_CCL_OK;
}

int kx_ccl_op(kx_ccl_conn *c, int kind, const void *send, void *recv, uint64_t count, int type, int op, int peer,
              char *err, size_t errlen) {
    if (atomic_load(&c->down)) {
        snprintf(err, errlen, "the communicator was aborted");
        return KX_CCL_ABORTED;
    }
    size_t es = kx_ccl_type_size(type);
    req_t q = {kind, type, op, peer, count, 0};
    const void *payload = send;
    switch (kind) {
    case KX_CCL_REDUCESCATTER: q.bytes = count * es * (uint64_t)c->nranks; break;
    case KX_CCL_BROADCAST: q.bytes = c->rank == peer ? count * es : 0; break;
    case KX_CCL_RECV: q.bytes = 0; break;
    default: q.bytes = count * es; break;
    }
    int fault = take_fault(c->rank);
    if (fault == KX_FAULT_DIE) { /* as if the process died: the connection drops mid-operation */
        shutdown(c->fd, SHUT_RDWR);
        atomic_store(&c->down, 1);
        snprintf(err, errlen, "injected fault: this rank died");
        return KX_CCL_ABORTED;
    }
    if (fault == KX_FAULT_COUNT) q.count += 1;
    uint64_t expect = kind == KX_CCL_ALLGATHER ? count * es * (uint64_t)c->nranks
                      : kind == KX_CCL_SEND    ? 0
                                               : count * es;
    set_timeout(c->fd, kx_ccl_timeout_ms());
    rep_t r;
    if (io_all(c->fd, &q, sizeof q, 1) != 0 || (q.bytes && io_all(c->fd, (void *)payload, q.bytes, 1) != 0)) {
        goto broken;
    }
    if (io_all(c->fd, &r, sizeof r, 0) != 0) goto broken;
    if (r.status != KX_CCL_OK) {
        snprintf(err, errlen, "%s", r.msg);
        return r.status;
    }
    if (r.bytes != expect) {
        snprintf(err, errlen, "the root sent %llu bytes, %llu expected", (unsigned long long)r.bytes,
                 (unsigned long long)expect);
        return KX_CCL_MISMATCH;
    }
    if (r.bytes && io_all(c->fd, recv, r.bytes, 0) != 0) goto broken;
    return KX_CCL_OK;
broken:
    if (atomic_load(&c->down)) {
        snprintf(err, errlen, "the communicator was aborted");
        return KX_CCL_ABORTED;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        snprintf(err, errlen, "no answer within %d ms: a peer did not take part", kx_ccl_timeout_ms());
        return KX_CCL_TIMEOUT;
    }
    snprintf(err, errlen, "connection to the root lost: %s", strerror(errno));
    return KX_CCL_PEER_LOST;
}

void kx_ccl_shutdown(kx_ccl_conn *c) {
    atomic_store(&c->down, 1);
    shutdown(c->fd, SHUT_RDWR);
}

void kx_ccl_close(kx_ccl_conn *c) {
    if (!c) return;
    close(c->fd);
    free(c);
    kx_ccl_live_add(-1);
}

#pragma GCC visibility pop
