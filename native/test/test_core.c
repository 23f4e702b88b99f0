/*
 * test_core.c - the emulator core on its own (linked statically with a dummy
 * dialect): visible-devices parsing, fake addresses and translation, OOM,
 * pinned tracking, stream workers, events, faults, reset.
 */
#include "kx_emu.h"
#include "kx_test.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const kx_dialect kx_dialect_info = {"core-test", "KX_TEST_VISIBLE_DEVICES"};

static void test_visible_parsing(void) {
    int ids[8];
    CHECK_EQ(kx_parse_visible_devices(NULL, 3, ids, 8), 3);
    CHECK_EQ(kx_parse_visible_devices("", 3, ids, 8), 0);
    int n = kx_parse_visible_devices("2,0", 3, ids, 8);
    CHECK_EQ(n, 2);
    CHECK_EQ(ids[0], 2);
    CHECK_EQ(ids[1], 0);
    /* CUDA: the list stops at the first invalid entry. */
    CHECK_EQ(kx_parse_visible_devices("1,7,0", 3, ids, 8), 1);
    CHECK_EQ(kx_parse_visible_devices("1,x,0", 3, ids, 8), 1);
    CHECK_EQ(kx_parse_visible_devices("GPU-1234,0", 3, ids, 8), 0);
    CHECK_EQ(kx_parse_visible_devices("-1", 3, ids, 8), 0);
    CHECK_EQ(kx_parse_visible_devices("0,0,1", 3, ids, 8), 1);
    CHECK_EQ(kx_parse_visible_devices(" 1 , 2 ", 3, ids, 8), 2);
    CHECK_EQ(ids[1], 2);

    /* Through the environment: 4 devices, visible "3,1" -> logical 0 is physical 3. */
    CHECK_EQ(kx_physical_device_count(), 4);
    CHECK_EQ(kx_device_count(), 2);
    CHECK_EQ(kx_logical_to_physical(0), 3);
    CHECK_EQ(kx_logical_to_physical(1), 1);
    CHECK_EQ(kx_logical_to_physical(2), -1);
    CHECK_EQ(kx_physical_to_logical(1), 1);
    CHECK_EQ(kx_physical_to_logical(0), -1);
    CHECK_EQ(kuaxin_emu_set_visible_devices("0,1,2,3"), 4);
    CHECK_EQ(kx_current_physical(), 0);
    CHECK_EQ(kx_set_current_device(4), KX_ERR_INVALID_DEVICE);
}

static void test_memory(void) {
    size_t free_b, total;
    CHECK_EQ(kx_mem_info(0, &free_b, &total), KX_OK);
    CHECK_EQ(total, 16u << 20);                       /* KUAXIN_EMU_MEMORY=16M */
    void *p = NULL;
    CHECK_EQ(kx_dev_malloc(0, 1000, &p), KX_OK);
    CHECK(kx_is_device_addr(p) && !kx_is_device_addr(&p));   /* stack is never in the window */
    CHECK(kx_is_device_addr(p));
    CHECK_EQ(kx_addr_device(p), 0);
    CHECK(kx_translate(p, 1000) != NULL);
    CHECK(kx_translate((char *)p + 999, 1) != NULL);
    CHECK(kx_translate((char *)p + 999, 2) == NULL);   /* one byte past the end */
    CHECK(kx_translate((char *)p + 1000, 0) != NULL);  /* end pointer, zero bytes */
    CHECK(kx_translate((char *)p - 1, 1) == NULL);
    int host_var = 0;
    CHECK(kx_translate(&host_var, 4) == NULL);         /* host pointers are not device memory */
    CHECK(kx_translate(NULL, 0) == NULL);

    void *q = NULL;
    CHECK_EQ(kx_dev_malloc(1, 64, &q), KX_OK);
    CHECK_EQ(kx_addr_device(q), 1);
    CHECK((uintptr_t)q - (uintptr_t)p >= (1ull << KX_DEVICE_ADDR_SHIFT) - (1ull << 30));

    /* OOM is reachable and recoverable. */
    void *big = NULL;
    CHECK_EQ(kx_dev_malloc(0, 17u << 20, &big), KX_ERR_OUT_OF_MEMORY);
    CHECK(big == NULL);
    CHECK_EQ(kx_dev_malloc(0, 8u << 20, &big), KX_OK);
    CHECK_EQ(kx_mem_info(0, &free_b, &total), KX_OK);
    CHECK(free_b <= (8u << 20) - 1024);
    CHECK_EQ(kuaxin_emu_set_memory_limit(0, 1u << 20), 0);
    void *r = NULL;
    CHECK_EQ(kx_dev_malloc(0, 4096, &r), KX_ERR_OUT_OF_MEMORY);
    CHECK_EQ(kuaxin_emu_set_memory_limit(0, 16u << 20), 0);
    CHECK_EQ(kuaxin_emu_set_memory_limit(99, 1), -1);

    CHECK_EQ(kx_dev_free((char *)p + 8), KX_ERR_INVALID_VALUE);  /* interior pointer */
    CHECK_EQ(kx_dev_free(&host_var), KX_ERR_INVALID_VALUE);
    CHECK_EQ(kx_dev_live_allocations(), 3);
    CHECK_EQ(kx_dev_free(p), KX_OK);
    CHECK_EQ(kx_dev_free(p), KX_ERR_INVALID_VALUE);               /* double free */
    CHECK(kx_translate(p, 1) == NULL);                            /* use after free */
    CHECK_EQ(kx_dev_free(q), KX_OK);
    CHECK_EQ(kx_dev_free(big), KX_OK);
    CHECK_EQ(kx_dev_free(NULL), KX_OK);

    void *h = NULL;
    CHECK_EQ(kx_host_alloc(100, &h), KX_OK);
    CHECK(kx_is_pinned((char *)h + 50));
    CHECK_EQ(kuaxin_emu_live_allocations(), 1);
    CHECK_EQ(kx_host_free((char *)h + 1), KX_ERR_INVALID_VALUE);
    CHECK_EQ(kx_host_free(h), KX_OK);
    CHECK_EQ(kuaxin_emu_live_allocations(), 0);
}

typedef struct {
    pthread_t thread;
    int on_worker;
    int current_device;
    int order;
    int *counter;
} probe;

static void probe_task(void *arg) {
    probe *pr = arg;
    pr->thread = pthread_self();
    pr->on_worker = kx_on_worker_thread();
    pr->current_device = kx_get_current_device();
    pr->order = (*pr->counter)++;
}

static void sleep_task(void *arg) { usleep((useconds_t)(uintptr_t)arg); }

static void test_streams_events(void) {
    kx_stream *s1, *s2;
    CHECK_EQ(kx_stream_create(1, 0, &s1), KX_OK);
    CHECK_EQ(kx_stream_create(1, 0, &s2), KX_OK);
    CHECK_EQ(kuaxin_emu_live_handles(), 2);
    int counter = 0;
    probe a = {.counter = &counter}, b = {.counter = &counter};
    CHECK_EQ(kx_stream_enqueue(s1, probe_task, &a), KX_OK);
    CHECK_EQ(kx_stream_enqueue(s1, probe_task, &b), KX_OK);
    CHECK_EQ(kx_stream_sync(s1), KX_OK);
    CHECK(!pthread_equal(a.thread, pthread_self()));   /* work runs on the stream's worker */
    CHECK(pthread_equal(a.thread, b.thread));          /* one worker per stream */
    CHECK_EQ(a.on_worker, 1);
    CHECK_EQ(a.current_device, 1);                     /* logical 1 = physical 1 here */
    CHECK_EQ(a.order, 0);                              /* FIFO */
    CHECK_EQ(b.order, 1);
    CHECK_EQ(kx_on_worker_thread(), 0);

    /* Events: timing comes from when the worker reaches the record. */
    kx_event *e0, *e1, *nt;
    CHECK_EQ(kx_event_create(1, 0, &e0), KX_OK);
    CHECK_EQ(kx_event_create(1, 0, &e1), KX_OK);
    CHECK_EQ(kx_event_create(1, KX_EVENT_DISABLE_TIMING, &nt), KX_OK);
    float ms = -1;
    CHECK_EQ(kx_event_query(e0), KX_OK);                          /* never recorded: complete */
    CHECK_EQ(kx_event_elapsed_ms(&ms, e0, e1), KX_ERR_NOT_RECORDED);
    CHECK_EQ(kx_event_record(e0, s1), KX_OK);
    CHECK_EQ(kx_stream_enqueue(s1, sleep_task, (void *)(uintptr_t)30000), KX_OK);
    CHECK_EQ(kx_event_record(e1, s1), KX_OK);
    CHECK_EQ(kx_event_record(nt, s1), KX_OK);
    CHECK_EQ(kx_stream_query(s1), KX_ERR_NOT_READY);
    CHECK_EQ(kx_event_query(e1), KX_ERR_NOT_READY);
    CHECK_EQ(kx_event_elapsed_ms(&ms, e0, e1), KX_ERR_NOT_READY);

    /* s2 waits for e1: its task must run after the sleep finished. */
    probe c = {.counter = &counter};
    CHECK_EQ(kx_stream_wait_event(s2, e1), KX_OK);
    CHECK_EQ(kx_stream_enqueue(s2, probe_task, &c), KX_OK);
    CHECK_EQ(kx_stream_sync(s2), KX_OK);
    CHECK_EQ(kx_event_query(e1), KX_OK);
    CHECK(!pthread_equal(c.thread, a.thread));
    CHECK_EQ(kx_event_sync(e1), KX_OK);
    CHECK_EQ(kx_event_elapsed_ms(&ms, e0, e1), KX_OK);
    CHECK(ms >= 25.0f && ms < 5000.0f);
    CHECK_EQ(kx_event_sync(nt), KX_OK);
    CHECK_EQ(kx_event_elapsed_ms(&ms, e0, nt), KX_ERR_TIMING_DISABLED);

    /* Async error reporting: a task's error comes back from the next sync, once. */
    CHECK_EQ(kx_stream_enqueue(s1, sleep_task, (void *)(uintptr_t)1), KX_OK);
    CHECK_EQ(kx_stream_sync(s1), KX_OK);
    kx_stream_set_error(s1, KX_ERR_ILLEGAL_ADDRESS);
    CHECK_EQ(kx_stream_sync(s1), KX_ERR_ILLEGAL_ADDRESS);
    CHECK_EQ(kx_stream_sync(s1), KX_OK);

    /* Default streams: resolve(NULL) follows the current device; not destroyable. */
    int st;
    CHECK_EQ(kx_set_current_device(2), KX_OK);
    kx_stream *d = kx_stream_resolve(NULL, &st);
    CHECK(d != NULL);
    CHECK_EQ(kx_stream_device(d), 2);
    CHECK_EQ(kx_stream_destroy(d), KX_ERR_INVALID_HANDLE);
    CHECK(kx_stream_resolve((void *)0x12345, &st) == NULL);
    CHECK_EQ(st, KX_ERR_INVALID_HANDLE);
    CHECK_EQ(kx_set_current_device(0), KX_OK);

    CHECK_EQ(kx_event_destroy(e0), KX_OK);
    CHECK_EQ(kx_event_destroy(e0), KX_ERR_INVALID_HANDLE);
    CHECK_EQ(kx_event_destroy(e1), KX_OK);
    CHECK_EQ(kx_event_destroy(nt), KX_OK);
    CHECK_EQ(kx_stream_destroy(s1), KX_OK);
    CHECK_EQ(kx_stream_destroy(s1), KX_ERR_INVALID_HANDLE);
    CHECK_EQ(kx_stream_destroy(s2), KX_OK);
    CHECK_EQ(kuaxin_emu_live_handles(), 0);
}

static void test_copy(void) {
    kx_stream *s = kx_default_stream(0);
    void *d;
    CHECK_EQ(kx_dev_malloc(0, 64, &d), KX_OK);
    char src[64], dst[64];
    for (int i = 0; i < 64; i++) src[i] = (char)i;
    CHECK_EQ(kx_copy(d, KX_MEM_DEVICE, src, KX_MEM_HOST, 64, s, 1), KX_OK);    /* pageable: staged */
    memset(src, 0, sizeof src);                                                /* safe after return */
    CHECK_EQ(kx_copy(dst, KX_MEM_HOST, d, KX_MEM_DEVICE, 64, s, 1), KX_OK);    /* pageable dst: waits */
    CHECK_EQ(dst[63], 63);
    CHECK_EQ(kx_copy(dst, KX_MEM_HOST, (char *)d + 1, KX_MEM_DEVICE, 64, s, 0), KX_ERR_INVALID_VALUE);
    CHECK_EQ(kx_copy(d, KX_MEM_HOST, src, KX_MEM_HOST, 4, s, 0), KX_ERR_INVALID_VALUE); /* wrong kind */
    CHECK_EQ(kx_copy(dst, KX_MEM_INFER, d, KX_MEM_INFER, 64, s, 0), KX_OK);
    CHECK_EQ(kx_memset(d, 0x5a, 64, s, 0), KX_OK);
    CHECK_EQ(kx_copy(dst, KX_MEM_HOST, d, KX_MEM_DEVICE, 64, s, 0), KX_OK);
    CHECK_EQ(dst[10], 0x5a);
    CHECK_EQ(kx_memset(src, 0, 4, s, 0), KX_ERR_INVALID_VALUE);

    /* Free while queued work still runs: kx_dev_free waits for the device's streams. */
    CHECK_EQ(kx_stream_enqueue(s, sleep_task, (void *)(uintptr_t)20000), KX_OK);
    CHECK_EQ(kx_copy(dst, KX_MEM_HOST, d, KX_MEM_DEVICE, 64, s, 1), KX_OK);
    CHECK_EQ(kx_dev_free(d), KX_OK);
    CHECK_EQ(kx_stream_sync(s), KX_OK);
}

static void test_faults(void) {
    CHECK_EQ(kx_fault_check("fromEnv"), 0);
    CHECK_EQ(kx_fault_check("fromEnv"), 42);            /* KUAXIN_EMU_FAULTS="fromEnv:2:42" */
    CHECK_EQ(kx_fault_check("fromEnv"), 0);
    CHECK_EQ(kx_fault_check("bad"), 0);                  /* "bad:1:2:sync" was rejected as malformed */
    CHECK_EQ(kx_fault_check("envAsync"), 0);            /* "envAsync:1:77:async": fires without failing the call */
    CHECK_EQ(kx_fault_async_pending(), 77);
    kuaxin_emu_clear_faults();                           /* disarms; a fired asynchronous fault stays */
    CHECK_EQ(kx_fault_async_pending(), 77);
    CHECK_EQ(kx_device_sync(0), 77);                     /* until a synchronisation reports it, once */
    CHECK_EQ(kx_fault_async_pending(), 0);
    CHECK_EQ(kx_device_sync(0), KX_OK);
    CHECK_EQ(kuaxin_emu_inject_fault("f", 1, 7), 0);
    CHECK_EQ(kuaxin_emu_inject_fault("f", 3, 9), 0);
    CHECK_EQ(kuaxin_emu_inject_fault(NULL, 1, 7), -1);
    CHECK_EQ(kuaxin_emu_inject_fault("f", 0, 7), -1);
    CHECK_EQ(kx_fault_check("g"), 0);
    CHECK_EQ(kx_fault_check("f"), 7);
    CHECK_EQ(kx_fault_check("f"), 0);
    CHECK_EQ(kx_fault_check("f"), 9);
    CHECK_EQ(kx_fault_check("f"), 0);
    CHECK_EQ(kuaxin_emu_inject_fault("f", 1, 5), 0);
    kuaxin_emu_clear_faults();
    CHECK_EQ(kx_fault_check("f"), 0);
}

static void count_task(void *arg) { (*(int *)arg)++; }

/* An asynchronous fault: the call succeeds, its queued work still runs, the stream's next sync reports the code. */
static void test_async_faults(void) {
    kx_stream *s;
    int ran = 0;
    CHECK_EQ(kx_stream_create(0, 0, &s), KX_OK);
    CHECK_EQ(kuaxin_emu_inject_async_fault("launch", 1, 77), 0);
    CHECK_EQ(kx_fault_check("launch"), 0);               /* fires, but asynchronously */
    CHECK_EQ(kx_fault_async_pending(), 77);
    CHECK_EQ(kx_stream_enqueue(s, count_task, &ran), KX_OK);
    CHECK_EQ(kx_fault_async_pending(), 0);
    CHECK_EQ(kx_stream_sync(s), 77);
    CHECK_EQ(ran, 1);                                    /* the work ran (its resources were released) */
    CHECK_EQ(kx_stream_sync(s), KX_OK);                  /* reported once; the stream stays usable */

    CHECK_EQ(kuaxin_emu_inject_async_fault("memcpyAsync", 2, 700), 0);
    CHECK_EQ(kx_fault_check("memcpyAsync"), 0);
    CHECK_EQ(kx_stream_enqueue(s, count_task, &ran), KX_OK);
    CHECK_EQ(kx_stream_sync(s), KX_OK);                  /* first call: no fault */
    CHECK_EQ(kx_fault_check("memcpyAsync"), 0);          /* second call fires */
    CHECK_EQ(kx_stream_enqueue(s, count_task, &ran), KX_OK);
    CHECK_EQ(kx_stream_enqueue(s, count_task, &ran), KX_OK);   /* only the first queued task carries it */
    CHECK_EQ(kx_device_sync(0), 700);
    CHECK_EQ(ran, 4);
    CHECK_EQ(kx_device_sync(0), KX_OK);

    /* a call that queues nothing: the device's next synchronisation of any kind reports it, once */
    CHECK_EQ(kuaxin_emu_inject_async_fault("free", 1, 701), 0);
    CHECK_EQ(kx_fault_check("free"), 0);
    CHECK_EQ(kx_fault_check("synchronize"), 0);
    CHECK_EQ(kx_stream_sync(s), 701);
    CHECK_EQ(kx_device_sync(0), KX_OK);
    kx_event *ev;
    CHECK_EQ(kx_event_create(0, 0, &ev), KX_OK);
    CHECK_EQ(kuaxin_emu_inject_async_fault("destroy", 1, 702), 0);
    CHECK_EQ(kx_fault_check("destroy"), 0);
    CHECK_EQ(kx_fault_check("eventSynchronize"), 0);
    CHECK_EQ(kx_event_sync(ev), 702);
    CHECK_EQ(kx_event_sync(ev), KX_OK);
    CHECK_EQ(kx_event_destroy(ev), KX_OK);
    CHECK_EQ(kx_stream_destroy(s), KX_OK);

    int64_t fired = kuaxin_emu_faults_fired();
    char buf[64];
    CHECK_EQ(kuaxin_emu_record_calls(1), 0);
    CHECK_EQ(kx_fault_check("alpha"), 0);
    CHECK_EQ(kx_fault_check("beta"), 0);
    CHECK_EQ(kx_fault_check("alpha"), 0);
    CHECK_EQ(kuaxin_emu_record_calls(0), 0);
    CHECK_EQ(kx_fault_check("gamma"), 0);                /* not recorded */
    CHECK_EQ(kuaxin_emu_recorded_calls(NULL, 0), 11);
    CHECK_EQ(kuaxin_emu_recorded_calls(buf, sizeof buf), 11);
    CHECK(strcmp(buf, "alpha\nbeta\n") == 0);
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(kuaxin_emu_recorded_calls(buf, 8), 11);     /* whole names only, still terminated */
    CHECK(strcmp(buf, "alpha\n") == 0);
    CHECK_EQ(kuaxin_emu_inject_fault("alpha", 1, 3), 0);
    CHECK_EQ(kx_fault_check("alpha"), 3);
    CHECK_EQ(kuaxin_emu_faults_fired(), fired + 1);
}

static void test_reset(void) {
    void *p;
    kx_stream *s;
    kx_event *e;
    int dummy;
    CHECK_EQ(kx_dev_malloc(0, 128, &p), KX_OK);
    CHECK_EQ(kx_stream_create(0, 0, &s), KX_OK);
    CHECK_EQ(kx_event_create(0, 0, &e), KX_OK);
    CHECK_EQ(kx_handle_register(&dummy, "thing", NULL), KX_OK);
    CHECK(kx_handle_is_live(&dummy, "thing"));
    CHECK_EQ(kuaxin_emu_live_handles(), 3);
    CHECK_EQ(kuaxin_emu_live_allocations(), 1);
    CHECK_EQ(kuaxin_emu_reset(), 0);
    CHECK_EQ(kuaxin_emu_live_handles(), 0);
    CHECK_EQ(kuaxin_emu_live_allocations(), 0);
    CHECK(kx_translate(p, 1) == NULL);
    CHECK_EQ(kuaxin_emu_set_device_count(1), 0);
    CHECK_EQ(kx_physical_device_count(), 1);
    CHECK_EQ(kuaxin_emu_set_device_count(KX_MAX_DEVICES + 1), -1);
    CHECK(strcmp(kuaxin_emu_name(), "core-test") == 0);
}

int main(void) {
    setenv("KUAXIN_EMU_DEVICES", "4", 1);
    setenv("KUAXIN_EMU_MEMORY", "16M", 1);
    setenv("KX_TEST_VISIBLE_DEVICES", "3,1,9,0", 1);
    setenv("KUAXIN_EMU_FAULTS", "fromEnv:2:42;envAsync:1:77:async;bad:1:2:sync", 1);
    test_visible_parsing();
    test_memory();
    test_streams_events();
    test_copy();
    test_faults();
    test_async_faults();
    test_reset();
    TEST_DONE("test_core");
}
