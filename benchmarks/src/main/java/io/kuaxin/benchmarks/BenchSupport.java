package io.kuaxin.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Shared set-up for the benchmarks. */
final class BenchSupport {
    static final String[] JVM_FLAGS = {
        "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"
    };

    private BenchSupport() {}

    /**
     * The kernels' pool is sized once per JVM from {@code kuaxin.cpu.threads}; JMH runs every parameter combination
     * in fresh forks, so setting it in the first @Setup (before the kernels are touched) gives each fork its count.
     */
    static void configureThreads(int threads) {
        System.setProperty("kuaxin.cpu.threads", Integer.toString(threads));
    }

    static MemorySegment randomF32(Arena arena, long n, long seed) {
        MemorySegment s = arena.allocate(n * 4, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
        return s;
    }

    static MemorySegment toBf16(Arena arena, MemorySegment f32) {
        long n = f32.byteSize() / 4;
        MemorySegment s = arena.allocate(n * 2, 64);
        for (long i = 0; i < n; i++) {
            int bits = Float.floatToRawIntBits(f32.getAtIndex(ValueLayout.JAVA_FLOAT, i));
            s.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) ((bits + 0x7FFF + ((bits >> 16) & 1)) >>> 16));
        }
        return s;
    }
}
