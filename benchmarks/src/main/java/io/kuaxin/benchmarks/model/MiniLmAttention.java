package io.kuaxin.benchmarks.model;

import io.kuaxin.DType;
import io.kuaxin.kernels.cpu.CpuAttention;
import io.kuaxin.kernels.cpu.CpuKernels;
import io.kuaxin.kernels.cpu.StridedTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * MiniLM's attention alone on the CPU kernels: {@code MiniLmAttention tokens [threads]} times one layer's attention
 * (12 heads of 32, {@code tokens} queries and keys, no mask, not causal: what the forward runs) and the two row
 * steps of its softmax, {@code max} and {@code expSum}, over as many score rows (12·tokens) of {@code tokens} scores.
 * Prints medians of 15 slices of 0.3 s after 12 s of warm-up. Not a comparison with a peer: run it with another
 * build's kernels first on the class path ({@code -cp base.jar:benchmarks.jar}) for a before/after of the same code
 * path in the same way.
 */
public final class MiniLmAttention {
    private static final int HEADS = 12, D = 32;

    private MiniLmAttention() {}

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        if (args.length > 1) System.setProperty("kuaxin.cpu.threads", args[1]);
        SplittableRandom rnd = new SplittableRandom(1);
        try (Arena arena = Arena.ofShared()) {
            long elems = (long) HEADS * n * D;
            StridedTensor q = random(arena, elems, rnd, n), k = random(arena, elems, rnd, n);
            StridedTensor v = random(arena, elems, rnd, n);
            StridedTensor o = StridedTensor.dense(arena.allocate(elems * 4, 64), DType.F32, 1, HEADS, n, D);
            float scale = (float) (1 / Math.sqrt(D));
            Runnable attention = () -> CpuAttention.attention(q, k, v, o, 1, HEADS, HEADS, n, n, D, scale, false,
                    null, null, null);

            CpuKernels kern = CpuKernels.instance();
            int rows = HEADS * n;
            float[] s = new float[rows * n];
            for (int i = 0; i < s.length; i++) s[i] = (float) rnd.nextDouble();
            float[] sink = new float[1];
            // scores in [0, 1] and max 1: exp(x − 1) stays in [e⁻¹, 1], so repeated calls keep the inputs' range
            Runnable max = () -> { for (int r = 0; r < rows; r++) sink[0] += kern.max(s, r * n, n); };
            Runnable expSum = () -> { for (int r = 0; r < rows; r++) sink[0] += kern.expSum(s, r * n, n, 1f); };

            long end = System.nanoTime() + 12_000_000_000L;
            while (System.nanoTime() < end) {
                attention.run();
                max.run();
                expSum.run();
            }
            double a = median(attention), m = median(max), e = median(expSum);
            System.out.printf("tokens %d, %d threads (%s): attention %.1f us per layer (%.1f GFLOP/s of its products); "
                            + "per row of %d scores: max %.1f ns, expSum %.1f ns%n",
                    n, io.kuaxin.kernels.cpu.CpuThreads.threads(), kern.name(), a / 1e3, 4.0 * HEADS * n * n * D / a, n,
                    m / rows, e / rows);
            if (Float.isNaN(sink[0])) System.out.println("(NaN)");
        }
    }

    private static StridedTensor random(Arena arena, long elems, SplittableRandom rnd, int n) {
        MemorySegment seg = arena.allocate(elems * 4, 64);
        for (long i = 0; i < elems; i++) seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (rnd.nextDouble() * 2 - 1));
        return StridedTensor.dense(seg, DType.F32, 1, HEADS, n, D);
    }

    /** Median nanoseconds per run over 15 slices of 0.3 s. */
    private static double median(Runnable r) {
        double[] t = new double[15];
        for (int i = 0; i < t.length; i++) {
            int reps = 0;
            long t0 = System.nanoTime();
            do {
                r.run();
                reps++;
            } while (System.nanoTime() - t0 < 300_000_000L);
            t[i] = (System.nanoTime() - t0) / (double) reps;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }
}
