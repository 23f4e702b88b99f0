/* Times kuaxin_emu_noop called directly from C, the baseline of the dispatch-overhead benchmark.
 * Usage: noop_caller <libkuaxin-emu-*.so> [calls]   Prints the median ns per call of 11 rounds. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s <emulator.so> [calls]\n", argv[0]);
        return 2;
    }
    long calls = argc > 2 ? atol(argv[2]) : 10000000L;
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    /* through a volatile pointer, like a downcall through a symbol address: the compiler cannot inline it */
    int (*volatile noop)(void) = (int (*)(void))dlsym(lib, "kuaxin_emu_noop");
    if (!noop) {
        fprintf(stderr, "dlsym: %s\n", dlerror());
        return 1;
    }
    double rounds[11];
    long sink = 0;
    for (int r = 0; r < 11; r++) {
        long long t0 = now_ns();
        for (long i = 0; i < calls; i++) sink += noop();
        rounds[r] = (double)(now_ns() - t0) / calls;
    }
    qsort(rounds, 11, sizeof rounds[0], cmp);
    printf("C direct call of kuaxin_emu_noop: %.2f ns/call (median of 11 rounds of %ld calls)%s\n", rounds[5], calls,
           sink ? " ?" : "");
    return 0;
}
