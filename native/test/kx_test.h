/* kx_test.h - minimal checks for the C tests: count failures, keep going. */
#ifndef KX_TEST_H
#define KX_TEST_H

#include <stdio.h>

static int kx_failures;
static int kx_checks;

#define CHECK(cond)                                                               \
    do {                                                                          \
        kx_checks++;                                                              \
        if (!(cond)) {                                                            \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            kx_failures++;                                                        \
        }                                                                         \
    } while (0)

#define CHECK_EQ(a, b)                                                            \
    do {                                                                          \
        long long a_ = (long long)(a), b_ = (long long)(b);                       \
        kx_checks++;                                                              \
        if (a_ != b_) {                                                           \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, %s == %lld\n",   \
                    __FILE__, __LINE__, #a, a_, #b, b_);                          \
            kx_failures++;                                                        \
        }                                                                         \
    } while (0)

#define TEST_DONE(name)                                                           \
    do {                                                                          \
        printf("%s: %d checks, %d failures\n", name, kx_checks, kx_failures);     \
        return kx_failures == 0 ? 0 : 1;                                          \
    } while (0)

#endif
