package io.kuaxin.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's fp32 FMA ceiling, measured: {@value #CHAINS} independent FMA chains of the preferred vector width
 * per thread, run through the kernels' own pool ({@link CpuThreads}) so it measures exactly the cores the kernels
 * get. The one probe the CLI ({@code kuaxin bench}) and the JMH benchmarks use.
 *
 * <p>Why {@value #CHAINS}: a core with two FMA pipes of latency 4 (Zen 4/5, Sapling and Granite Rapids) needs 8
 * FMAs in flight to fill both; 8 chains left no slack for the loop's own instructions and a probe with 8 read below
 * what GEMM reached. 12 chains plus the two operands fit in the 32 AVX-512 registers without spilling.
 *
 * <p>Needs {@code jdk.incubator.vector} readable ({@code --add-modules=jdk.incubator.vector}); without it loading
 * this class fails with {@link NoClassDefFoundError}. Thread-safe; each call runs on the shared pool.
 */
public final class FmaPeak {
    /** Independent accumulators per thread. */
    public static final int CHAINS = 12;
    /** FMA steps per chain in one {@link #chains()} call. */
    public static final int ITER = 200_000;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    // Operands from volatile fields, so that C2 cannot treat them as constants and fold the chains.
    private static volatile float xv = 0.999999f, yv = 1e-7f;
    private static volatile float sink;

    private FmaPeak() {}

    /** FLOPs of one {@link #chains()} call: ITER · CHAINS · lanes · 2. */
    public static double flopsPerCall() {
        return (double) ITER * CHAINS * S.length() * 2;
    }

    /**
     * One probe step on the calling thread: {@value #CHAINS} chains of {@value #ITER} FMAs. The result only keeps
     * the work alive.
     */
    public static float chains() {
        FloatVector x = FloatVector.broadcast(S, xv), y = FloatVector.broadcast(S, yv);
        FloatVector a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (int i = 0; i < ITER; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** One step on {@code threads} threads at once (the caller and the pool's workers); at most {@link CpuThreads#threads()}. */
    public static void step(int threads) {
        if (threads <= 1) {
            sink = chains();
        } else {
            CpuThreads.run(threads, Long.MAX_VALUE, i -> sink = chains());
        }
    }

    /**
     * GFLOP/s on {@code threads} threads: the best of short timed steps after a warm-up long enough for C2 to
     * compile {@link #chains()} as a normal method (not only on-stack replacement). The best, not the median: a
     * ceiling is what the machine can do, and interference only ever lowers a step.
     *
     * @param threads threads to run at once, 1..{@link CpuThreads#threads()}
     * @param millis  time to spend measuring after the warm-up (e.g. 300)
     */
    public static double measure(int threads, long millis) {
        int t = Math.max(1, Math.min(threads, CpuThreads.threads()));
        long warmEnd = System.nanoTime() + 300_000_000L;
        for (int i = 0; i < 30 || System.nanoTime() < warmEnd; i++) step(t);
        double best = 0;
        long end = System.nanoTime() + millis * 1_000_000L;
        do {
            long t0 = System.nanoTime();
            step(t);
            best = Math.max(best, t * flopsPerCall() / (System.nanoTime() - t0));
        } while (System.nanoTime() < end);
        return best;
    }
}
