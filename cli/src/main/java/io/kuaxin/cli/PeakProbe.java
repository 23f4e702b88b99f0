package io.kuaxin.cli;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures this machine's fp32 FMA peak: 8 independent FMA chains per thread (enough to hide FMA latency on
 * 2 pipes), run on {@code threads} threads at once. The chart draws it as the ceiling GEMM and attention aim for.
 */
final class PeakProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private PeakProbe() {}

    /** GFLOP/s on {@code threads} threads (median of 3 short probes). */
    static double measure(int threads) {
        double[] r = new double[3];
        for (int i = 0; i < r.length; i++) r[i] = once(threads);
        java.util.Arrays.sort(r);
        return r[1];
    }

    private static double once(int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Double>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) tasks.add(() -> {
                for (int warm = 0; warm < 20; warm++) chains(100_000); // let C2 compile the vector loop first
                return chains(20_000_000);
            });
            double total = 0;
            for (Future<Double> f : pool.invokeAll(tasks)) total += f.get();
            return total;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdown();
        }
    }

    private static double chains(long iters) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), c = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m;
        long t0 = System.nanoTime();
        for (long i = 0; i < iters; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        float sink = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).reduceLanes(
                jdk.incubator.vector.VectorOperators.ADD);
        if (sink == 42) System.out.print(""); // keep the chains alive
        return iters * 8.0 * S.length() * 2 / secs / 1e9;
    }
}
