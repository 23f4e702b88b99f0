package io.kuaxin.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The dense fp32 fast paths of both implementations against fp64 computed here. */
class DenseF32KernelsTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int[] SIZES = {0, 1, 15, 16, 17, 383, 384, 1000};
    /** Offset (elements) of each operand inside its segment, so nothing relies on element 0 alignment. */
    private static final int OFF = 3;

    static Stream<Arguments> sizes() {
        List<Arguments> out = new ArrayList<>();
        for (CpuKernels k : Ref.kernels()) for (int n : SIZES) out.add(Arguments.of(k.name(), k, n));
        return out.stream();
    }

    private static MemorySegment random(Arena arena, int n, Random rnd, double lo, double hi) {
        MemorySegment s = arena.allocate(4L * (n + OFF));
        for (int i = 0; i < n; i++) s.setAtIndex(F, OFF + i, (float) (lo + (hi - lo) * rnd.nextDouble()));
        return s;
    }

    private static double get(MemorySegment s, int i) { return s.getAtIndex(F, OFF + i); }

    @ParameterizedTest(name = "{0} n={2}")
    @MethodSource("sizes")
    void binary(String name, CpuKernels k, int n) {
        Random rnd = new Random(n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = random(arena, n, rnd, -3, 3), b = random(arena, n, rnd, 0.5, 2), o = arena.allocate(4L * (n + OFF));
            for (CpuKernels.Binary op : CpuKernels.Binary.values()) {
                k.binary(op, a, OFF, b, OFF, o, OFF, n);
                for (int i = 0; i < n; i++) {
                    double x = get(a, i), y = get(b, i);
                    double want = switch (op) {
                        case ADD -> x + y;
                        case SUB -> x - y;
                        case MUL -> x * y;
                        case DIV -> x / y;
                    };
                    // one fp32 rounding of the exact result: within half an ulp
                    assertEquals((float) want, (float) get(o, i), Math.ulp((float) want), op + " at " + i);
                }
            }
            // in place: out is a
            MemorySegment c = random(arena, n, rnd, -3, 3);
            double[] before = new double[n];
            for (int i = 0; i < n; i++) before[i] = get(c, i);
            k.binary(CpuKernels.Binary.MUL, c, OFF, b, OFF, c, OFF, n);
            for (int i = 0; i < n; i++) assertEquals((float) (before[i] * get(b, i)), (float) get(c, i), 0f);
        }
    }

    /**
     * gelu_erf where it is small: every float in [−12, −2] step 2^−10 (the vector path and, below −10, the scalar
     * one), relative to the fp64 oracle, which carries x² in two parts; 2e-6 is the fit's 1.2e-7 plus fp32 rounding.
     */
    @org.junit.jupiter.api.Test
    void geluErfNegativeTailKeepsRelativePrecision() {
        int n = 10 * 1024 + 1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(4L * (n + OFF)), o = arena.allocate(4L * (n + OFF));
            for (int i = 0; i < n; i++) x.setAtIndex(F, OFF + i, -12f + i / 1024f);
            for (CpuKernels k : Ref.kernels()) {
                k.unary(CpuKernels.Unary.GELU_ERF, x, OFF, o, OFF, n);
                for (int i = 0; i < n; i++) {
                    double v = get(x, i), want = io.kuaxin.kernels.cpu.ops.Activations.geluErf(v);
                    assertEquals(want, get(o, i), 2e-6 * Math.abs(want), k.name() + " gelu_erf x=" + v);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} n={2}")
    @MethodSource("sizes")
    void unary(String name, CpuKernels k, int n) {
        Random rnd = new Random(100 + n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = random(arena, n, rnd, -8, 8), o = arena.allocate(4L * (n + OFF));
            for (CpuKernels.Unary op : CpuKernels.Unary.values()) {
                k.unary(op, x, OFF, o, OFF, n);
                for (int i = 0; i < n; i++) {
                    double v = get(x, i);
                    double want = switch (op) {
                        case SILU -> v / (1 + Math.exp(-v));
                        case GELU_TANH -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                        case GELU_ERF -> 0.5 * v * (1 + erf(v / Math.sqrt(2)));
                        case RELU -> Math.max(v, 0);
                        case EXP -> Math.exp(v);
                    };
                    double tol = 4e-6 * Math.abs(want) + 1e-6;
                    assertEquals(want, get(o, i), tol, op + " x=" + v);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} n={2}")
    @MethodSource("sizes")
    void unaryEdges(String name, CpuKernels k, int n) {
        if (n < 16) return;
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 88.5f, 89f, -90f, -100f, -0f, 0f};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = random(arena, n, new Random(7), -1, 1), o = arena.allocate(4L * (n + OFF));
            for (int i = 0; i < special.length; i++) x.setAtIndex(F, OFF + i, special[i]);
            k.unary(CpuKernels.Unary.EXP, x, OFF, o, OFF, n);
            for (int i = 0; i < n; i++) {
                float v = (float) get(x, i), want = (float) Math.exp(v), got = (float) get(o, i);
                if (Float.isNaN(want) || Float.isInfinite(want) || want == 0f) assertEquals(want, got, 0f, "exp " + v);
                else assertEquals(want, got, 3 * Math.ulp(want), "exp " + v);
            }
            k.unary(CpuKernels.Unary.RELU, x, OFF, o, OFF, n);
            for (int i = 0; i < n; i++) assertEquals(Math.max((float) get(x, i), 0f), (float) get(o, i), 0f);
        }
    }

    @ParameterizedTest(name = "{0} d={2}")
    @MethodSource("sizes")
    void norms(String name, CpuKernels k, int d) {
        Random rnd = new Random(200 + d);
        int rows = 5;
        try (Arena arena = Arena.ofConfined()) {
            // rows with an offset mean, so the centring matters
            MemorySegment x = random(arena, rows * d, rnd, 2, 6), o = arena.allocate(4L * (rows * d + OFF));
            MemorySegment g = arena.allocate(4L * Math.max(d, 1)), b = arena.allocate(4L * Math.max(d, 1));
            for (int p = 0; p < d; p++) {
                g.setAtIndex(F, p, (float) (0.5 + rnd.nextDouble()));
                b.setAtIndex(F, p, (float) (rnd.nextDouble() - 0.5));
            }
            // layer norm with gamma and beta, with neither, with beta alone and with gamma alone; RMS norm with and
            // without gamma
            for (int variant = 0; variant < 6; variant++) {
                boolean layer = variant < 4, affine = variant % 2 == 0;
                MemorySegment gg = variant == 2 ? null : affine || variant == 3 ? g : null;
                MemorySegment bb = layer && (variant == 0 || variant == 2) ? b : null;
                double eps = 1e-5;
                k.normRows(layer, x, OFF, o, OFF, rows, d, gg, bb, eps);
                for (int r = 0; r < rows; r++) {
                    double mean = 0, sq = 0, err = 0, rms = 0;
                    if (layer) {
                        for (int p = 0; p < d; p++) mean += get(x, r * d + p);
                        mean /= d;
                    }
                    for (int p = 0; p < d; p++) sq += Math.pow(get(x, r * d + p) - mean, 2);
                    double inv = 1 / Math.sqrt(sq / d + eps);
                    double[] want = new double[d];
                    for (int p = 0; p < d; p++) {
                        double y = (get(x, r * d + p) - mean) * inv;
                        if (gg != null) y *= gg.getAtIndex(F, p);
                        if (bb != null) y += bb.getAtIndex(F, p);
                        want[p] = y;
                        rms += y * y;
                    }
                    rms = Math.sqrt(rms / Math.max(d, 1));
                    for (int p = 0; p < d; p++) err = Math.max(err, Math.abs(get(o, r * d + p) - want[p]) - 0x1p-23 * Math.abs(want[p]));
                    // the conformance tolerance: 1e-6·√d relative to the output's rms
                    assertTrue(err <= 1e-6 * Math.sqrt(d) * rms, "layer=" + layer + " gamma=" + (gg != null) + " beta=" + (bb != null) + " row " + r + " err " + err + " rms " + rms);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} n={2}")
    @MethodSource("sizes")
    void softmax(String name, CpuKernels k, int n) {
        Random rnd = new Random(300 + n);
        int rows = 4;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = random(arena, rows * n, rnd, -10, 10), o = arena.allocate(4L * (rows * n + OFF));
            if (n > 2) x.setAtIndex(F, OFF + 1, Float.NEGATIVE_INFINITY); // a masked element
            for (int pass = 0; pass < 2; pass++) {
                MemorySegment out = pass == 0 ? o : x; // second pass in place
                double[] in = new double[rows * n];
                for (int i = 0; i < rows * n; i++) in[i] = get(x, i);
                k.softmaxRows(x, OFF, out, OFF, rows, n);
                for (int r = 0; r < rows; r++) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int p = 0; p < n; p++) max = Math.max(max, in[r * n + p]);
                    for (int p = 0; p < n; p++) sum += Math.exp(in[r * n + p] - max);
                    for (int p = 0; p < n; p++) {
                        double want = Math.exp(in[r * n + p] - max) / sum;
                        assertEquals(want, get(out, r * n + p), 4e-6 * want + 1e-9, "row " + r + " p " + p);
                    }
                }
            }
        }
    }

    /**
     * Attention's row steps, {@code max} and {@code expSum}, against fp64: every length up to 70 (pairs of vectors,
     * one whole vector, masked tails) at offsets 0 to 3, scores in [−120, 30] (so some exponents underflow) with a
     * masked (−∞) key; the max exactly, each exp within 4 float ulps of the rounded exponent's, the sum within
     * 1e-6, nothing outside the range touched. A NaN score makes the row's sum NaN; a row of −∞ and NaN has a NaN
     * max.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kuaxin.kernels.cpu.Ref#kernelArgs")
    void attentionRowMaxAndExpSum(String name, CpuKernels k) {
        Random rnd = new Random(7);
        for (int off = 0; off <= 3; off++) {
            for (int n = 0; n <= 70; n++) {
                float[] x = new float[off + n + 2];
                java.util.Arrays.fill(x, 1e30f); // sentinels: larger than any score, so a read past the range shows
                for (int i = 0; i < n; i++) x[off + i] = (float) (-120 + 150 * rnd.nextDouble());
                if (n > 3) x[off + n / 2] = Float.NEGATIVE_INFINITY;
                float want = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) want = Math.max(want, x[off + i]);
                String at = "off " + off + ", n " + n;
                assertEquals(want, k.max(x, off, n), 0f, at);
                if (n == 0) continue;
                float[] before = x.clone();
                float sum = k.expSum(x, off, n, want);
                double wantSum = 0;
                for (int i = 0; i < n; i++) {
                    double arg = (double) before[off + i] - want, e = Math.exp(arg);
                    wantSum += e;
                    // x − max is rounded to float first: half an ulp of it is a relative error of exp's result;
                    // below e^−87.3 the vector exp flushes to 0
                    double rel = 0.5 * Math.ulp((float) arg) + 4 * 0x1p-24;
                    double tol = (e == 0 ? 0 : e * rel) + 0x1p-125;
                    assertEquals(e, x[off + i], tol, at + ", element " + i);
                }
                assertEquals(wantSum, sum, 1e-6 * wantSum, at + ", sum");
                for (int i = 0; i < off; i++) assertEquals(before[i], x[i], 0f, at + ", before the range");
                for (int i = off + n; i < x.length; i++) assertEquals(before[i], x[i], 0f, at + ", after the range");
            }
        }
        float[] nan = new float[40];
        nan[33] = Float.NaN;
        assertTrue(Float.isNaN(k.expSum(nan, 0, 40, k.max(nan, 0, 40))), "a NaN score must reach the sum");
        // nothing above −∞ but a NaN: NaN, not the −∞ that marks a fully masked row
        for (int n : new int[] {1, 16, 40}) {
            java.util.Arrays.fill(nan, Float.NEGATIVE_INFINITY);
            nan[n - 1] = Float.NaN;
            assertTrue(Float.isNaN(k.max(nan, 0, n)), "NaN and −∞ only, n " + n);
        }
    }

    /** erf by its Taylor series (|x| small) or continued fraction of erfc; double accuracy is not needed here. */
    private static double erf(double x) {
        double z = Math.abs(x);
        if (z > 6) return Math.signum(x);
        double t = 2 * z * z, term = 1, sum = 1;
        for (int n = 1; n < 400 && term > 1e-17 * sum; n++) {
            term *= t / (2 * n + 1);
            sum += term;
        }
        double r = 2 * z / Math.sqrt(Math.PI) * Math.exp(-z * z) * sum;
        return x < 0 ? -r : r;
    }


    /**
     * {@code gemmWarm} reads exactly its range: the array ends where the range does (a read past it throws), every
     * start from 0 to 17 and every length up to 70 (whole vectors, pairs and tails), and nothing is written.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kuaxin.kernels.cpu.Ref#kernelArgs")
    void warmReadsOnlyItsRange(String name, CpuKernels k) {
        for (int from = 0; from <= 17; from++) {
            for (int n = 0; n <= 70; n++) {
                float[] a = new float[from + n];
                for (int i = 0; i < a.length; i++) a[i] = i;
                float[] before = a.clone();
                float v = k.gemmWarm(a, from, n);
                assertTrue(!Float.isNaN(v), "from " + from + ", n " + n);
                assertTrue(java.util.Arrays.equals(before, a), "gemmWarm wrote to its input");
            }
        }
    }
}
