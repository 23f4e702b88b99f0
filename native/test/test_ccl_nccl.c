/*
 * test_ccl_nccl.c - the NCCL-shaped collective emulator on host memory: ranks as threads (and one as a forked
 * process that dies), results checked against values computed here, failures as NCCL reports them, no leaks.
 */
#define _GNU_SOURCE
#include "nccl/nccl.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void kuaxin_ccl_emu_set_timeout_ms(int ms);
int64_t kuaxin_ccl_emu_live(void);
int kuaxin_ccl_emu_inject(const char *fault, int rank, int nth);
const char *ncclGetLastError(ncclComm_t comm);

static int failures;
#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if (!(cond)) {                                                    \
            failures++;                                                   \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);          \
            fprintf(stderr, __VA_ARGS__);                                 \
            fprintf(stderr, "\n");                                        \
        }                                                                 \
    } while (0)

static ncclUniqueId g_id;
static int g_n;

static float val(int r, int i) { return (float)(r + 1) * 0.25f + (float)(i % 5); }

static void *rank_main(void *p) {
    int rank = (int)(intptr_t)p, n = g_n, cnt = 1000;
    ncclComm_t c;
    ncclResult_t rc = ncclCommInitRank(&c, n, g_id, rank);
    CHECK(rc == ncclSuccess, "init rank %d: %d", rank, rc);
    if (rc) return NULL;
    float *s = malloc(sizeof(float) * cnt * n), *r = malloc(sizeof(float) * cnt * n);
    for (int i = 0; i < cnt * n; i++) s[i] = val(rank, i);
    CHECK(ncclAllReduce(s, r, cnt, ncclFloat32, ncclSum, c, NULL) == 0, "allreduce");
    for (int i = 0; i < cnt; i++) {
        float want = 0;
        for (int q = 0; q < n; q++) want += val(q, i);
        if (r[i] != want) { CHECK(0, "allreduce[%d] %g != %g", i, r[i], want); break; }
    }
    CHECK(ncclAllReduce(s, r, cnt, ncclFloat32, ncclMax, c, NULL) == 0, "max");
    CHECK(r[7] == val(n - 1, 7), "max %g", r[7]);
    CHECK(ncclAllReduce(s, r, cnt, ncclFloat32, ncclAvg, c, NULL) == 0, "avg");
    { float w = 0; for (int q = 0; q < n; q++) w += val(q, 3); CHECK(r[3] == w / n, "avg %g vs %g", r[3], w / n); }
    CHECK(ncclAllGather(s, r, cnt, ncclFloat32, c, NULL) == 0, "allgather");
    for (int q = 0; q < n; q++) CHECK(r[q * cnt + 11] == val(q, 11), "allgather block %d", q);
    CHECK(ncclReduceScatter(s, r, cnt, ncclFloat32, ncclSum, c, NULL) == 0, "reducescatter");
    { float w = 0; for (int q = 0; q < n; q++) w += val(q, rank * cnt + 2); CHECK(r[2] == w, "rs %g vs %g", r[2], w); }
    memcpy(r, s, sizeof(float) * cnt);
    CHECK(ncclBroadcast(r, r, cnt, ncclFloat32, 1, c, NULL) == 0, "bcast");
    CHECK(r[4] == val(1, 4), "bcast %g", r[4]);
    /* ring: send first everywhere (eager sends make this safe, as a group would in NCCL) */
    CHECK(ncclGroupStart() == 0 && ncclSend(s, cnt, ncclFloat32, (rank + 1) % n, c, NULL) == 0 &&
          ncclRecv(r, cnt, ncclFloat32, (rank + n - 1) % n, c, NULL) == 0 && ncclGroupEnd() == 0, "send/recv");
    CHECK(r[9] == val((rank + n - 1) % n, 9), "recv %g", r[9]);
    /* argument errors are returned, the communicator stays usable */
    CHECK(ncclAllReduce(s, r, cnt, (ncclDataType_t)42, ncclSum, c, NULL) == ncclInvalidArgument, "bad dtype");
    CHECK(ncclAllReduce(s, r, cnt, ncclFloat32, (ncclRedOp_t)9, c, NULL) == ncclInvalidArgument, "bad op");
    CHECK(ncclBroadcast(s, r, cnt, ncclFloat32, n, c, NULL) == ncclInvalidArgument, "bad root");
    ncclResult_t ae;
    CHECK(ncclCommGetAsyncError(c, &ae) == 0 && ae == ncclSuccess, "async error %d", ae);
    CHECK(ncclCommDestroy(c) == 0, "destroy");
    free(s);
    free(r);
    return NULL;
}

static void run_ranks(int n, void *(*fn)(void *)) {
    pthread_t t[8];
    g_n = n;
    CHECK(ncclGetUniqueId(&g_id) == 0, "id");
    for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, fn, (void *)(intptr_t)i);
    for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
}

static void *mismatch_main(void *p) {
    int rank = (int)(intptr_t)p;
    ncclComm_t c;
    if (ncclCommInitRank(&c, g_n, g_id, rank) != 0) { CHECK(0, "init"); return NULL; }
    float s[8] = {0}, r[9];
    CHECK(ncclAllReduce(s, r, 8, ncclFloat32, ncclSum, c, NULL) == 0, "enqueue");
    ncclResult_t ae;
    ncclCommGetAsyncError(c, &ae);
    CHECK(ae == ncclInvalidUsage, "rank %d: mismatched count gives %d, want ncclInvalidUsage", rank, ae);
    CHECK(strstr(ncclGetLastError(c), "disagree") != NULL, "message: %s", ncclGetLastError(c));
    CHECK(ncclAllReduce(s, r, 8, ncclFloat32, ncclSum, c, NULL) == 0, "later ops are accepted and skipped");
    ncclCommDestroy(c);
    return NULL;
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void *late_main(void *p) { /* 2 of 3 ranks join */
    int rank = (int)(intptr_t)p;
    ncclComm_t c;
    double t0 = now_s();
    ncclResult_t rc = ncclCommInitRank(&c, 3, g_id, rank);
    double dt = now_s() - t0;
    CHECK(rc == ncclRemoteError, "rank %d: init with a missing rank gives %d", rank, rc);
    CHECK(dt < 2.0, "init failed after %.2f s (timeout 0.5 s)", dt);
    CHECK(strstr(ncclGetLastError(NULL), "joined") != NULL, "message: %s", ncclGetLastError(NULL));
    return NULL;
}

int main(void) {
    kuaxin_ccl_emu_set_timeout_ms(5000);
    run_ranks(2, rank_main);
    run_ranks(4, rank_main);

    /* a mismatched count: every rank gets ncclInvalidUsage, nothing hangs */
    CHECK(kuaxin_ccl_emu_inject("count", 1, 1) == 0, "inject");
    run_ranks(2, mismatch_main);

    /* a rank that never joins: init fails within the timeout */
    kuaxin_ccl_emu_set_timeout_ms(500);
    CHECK(ncclGetUniqueId(&g_id) == 0, "id");
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, late_main, (void *)(intptr_t)i);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);

    /* a rank (a separate process) that dies during a collective: the survivor gets ncclRemoteError in time */
    kuaxin_ccl_emu_set_timeout_ms(3000);
    CHECK(ncclGetUniqueId(&g_id) == 0, "id");
    pid_t child = fork();
    if (child == 0) {
        ncclComm_t c;
        if (ncclCommInitRank(&c, 2, g_id, 1) != 0) _exit(2);
        usleep(100000);
        kill(getpid(), SIGKILL); /* dies without a word */
        _exit(3);
    }
    ncclComm_t c;
    CHECK(ncclCommInitRank(&c, 2, g_id, 0) == 0, "init with the child");
    float s[4] = {1, 2, 3, 4}, r[4];
    double t0 = now_s();
    CHECK(ncclAllReduce(s, r, 4, ncclFloat32, ncclSum, c, NULL) == 0, "enqueue");
    ncclResult_t ae;
    ncclCommGetAsyncError(c, &ae);
    CHECK(ae == ncclRemoteError, "dead peer gives %d, want ncclRemoteError", ae);
    CHECK(now_s() - t0 < 3.5, "dead peer noticed after %.2f s", now_s() - t0);
    ncclCommAbort(c);
    int status;
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status), "child should have died by signal");

    /* no leaks: every connection closed, every root thread ended */
    for (int i = 0; i < 100 && kuaxin_ccl_emu_live() != 0; i++) usleep(20000);
    CHECK(kuaxin_ccl_emu_live() == 0, "live connections/roots: %lld", (long long)kuaxin_ccl_emu_live());

    if (failures) {
        fprintf(stderr, "test_ccl_nccl: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_ccl_nccl: all passed\n");
    return 0;
}
