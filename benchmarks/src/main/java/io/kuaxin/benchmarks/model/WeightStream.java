package io.kuaxin.benchmarks.model;

import io.kuaxin.DType;
import io.kuaxin.kernels.cpu.Activation;
import io.kuaxin.kernels.cpu.CpuGemm;
import io.kuaxin.kernels.cpu.PackedB;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How much of a short sentence's GEMM time is the memory system's: {@code WeightStream rows rounds}. Kuaxin's packed
 * GEMM ({@link CpuGemm#gemmPacked}) runs MiniLM's 24 projections (6 layers of QKV 384×1152, output 384×384, FFN
 * 384×1536 and 1536×384: 42 MB of fp32 panels) on {@code rows} rows, in three alternating forms per round:
 * <ul>
 *   <li><b>stream</b>: the 24 weights in turn, as a forward reads them (each from memory, beyond any cache);</li>
 *   <li><b>cached</b>: one 384×384 weight (576 KB, stays in L2) run 24 times: the same tile code with no memory
 *   stall, i.e. what the stream would run at if memory kept up;</li>
 *   <li><b>read</b>: a plain 512-bit sum over a separate 42 MB array: what one thread can pull from memory.</li>
 * </ul>
 * It prints each form's median and the median over rounds of stream / cached. Only the threads the kernels are
 * given (property {@code kuaxin.cpu.threads}, 1 by default here) run. Not a comparison with a peer; a probe of the
 * host to set next to {@link MiniLmAlternating}'s ratios when those move between JVMs.
 */
public final class WeightStream {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int H = 384, I = 1536, LAYERS = 6;

    private WeightStream() {}

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]);
        if (System.getProperty("kuaxin.cpu.threads") == null) System.setProperty("kuaxin.cpu.threads", "1");
        int[][] shapes = {{H, 3 * H}, {H, H}, {H, I}, {I, H}};       // K×N of one layer's four products
        SplittableRandom rnd = new SplittableRandom(1);
        try (Arena arena = Arena.ofConfined()) {
            PackedB[] weights = new PackedB[LAYERS * shapes.length];
            long flopsStream = 0;
            for (int l = 0; l < LAYERS; l++) {
                for (int s = 0; s < shapes.length; s++) {
                    int k = shapes[s][0], n = shapes[s][1];
                    weights[l * shapes.length + s] = PackedB.pack(false, k, n, random(arena, (long) k * n, rnd), DType.F32, 0, n);
                    flopsStream += 2L * rows * k * n;
                }
            }
            long bytes = 0;
            for (PackedB w : weights) bytes += w.bytes();
            MemorySegment a = random(arena, (long) rows * I, rnd), c = arena.allocate(4L * rows * I, 64);
            PackedB small = weights[1];
            long flopsCached = 2L * rows * H * H * weights.length;
            float[] plain = new float[(int) (bytes / 4)];
            Arrays.fill(plain, 1f);

            double[] stream = new double[rounds], cached = new double[rounds], read = new double[rounds];
            double[] ratio = new double[rounds];
            double sink = 0;
            for (int r = -rounds / 5 - 3; r < rounds; r++) {          // the first fifth (at least 3) warms the JIT
                long t0 = System.nanoTime();
                for (PackedB w : weights) product(rows, w, a, c);
                long t1 = System.nanoTime();
                for (int i = 0; i < weights.length; i++) product(rows, small, a, c);
                long t2 = System.nanoTime();
                sink += sum(plain);
                long t3 = System.nanoTime();
                if (r < 0) continue;
                stream[r] = (t1 - t0) / 1e6;
                cached[r] = (t2 - t1) / 1e6;
                read[r] = (t3 - t2) / 1e6;
                ratio[r] = (stream[r] / flopsStream) / (cached[r] / flopsCached);
            }
            System.out.printf("rows %d, %d rounds, %.1f MB of weights%n", rows, rounds, bytes / 1e6);
            System.out.printf("stream  %.3f ms  %.0f GFLOP/s  %.1f GB/s of weights%n", median(stream),
                    flopsStream / median(stream) / 1e6, bytes / median(stream) / 1e6);
            System.out.printf("cached  %.3f ms  %.0f GFLOP/s%n", median(cached), flopsCached / median(cached) / 1e6);
            System.out.printf("read    %.3f ms  %.1f GB/s%n", median(read), bytes / median(read) / 1e6);
            System.out.printf("time per flop, stream / cached: median %.2f (p10 %.2f, p90 %.2f)%n", median(ratio),
                    quantile(ratio, 0.1), quantile(ratio, 0.9));
            if (sink == 42) System.out.println();   // keeps the read's result alive
        }
    }

    private static void product(int rows, PackedB w, MemorySegment a, MemorySegment c) {
        CpuGemm.gemmPacked(1, false, rows, w.n(), w.k(), 1f, a, DType.F32, 0, w.k(), 0, w, 0f, c, 0, w.n(), 0,
                null, 0, Activation.NONE);
    }

    private static MemorySegment random(Arena arena, long n, SplittableRandom rnd) {
        MemorySegment m = arena.allocate(4 * n, 64);
        for (long i = 0; i < n; i++) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble(-1, 1));
        return m;
    }

    private static double sum(float[] x) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        int step = 2 * S.length(), i = 0;
        for (; i + step <= x.length; i += step) {
            s0 = s0.add(FloatVector.fromArray(S, x, i));
            s1 = s1.add(FloatVector.fromArray(S, x, i + S.length()));
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD);
    }

    private static double median(double[] xs) { return quantile(xs, 0.5); }

    private static double quantile(double[] xs, double q) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[(int) (q * (s.length - 1))];
    }
}
