package io.kuaxin.backend.cpu;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The typed methods that reuse attribute records (norms keep the last one, cast, softmax and reductions take prebuilt
 * ones) compute what their arguments say, checked against fp64 references written here, when the arguments change
 * from call to call and when threads share the default context.
 */
class FrontDoorAttrsTest {
    @AutoClose
    static final Kuaxin kx = Kuaxin.open();
    static final Device cpu = kx.device("cpu");

    static final int ROWS = 3, D = 8;
    /** eps values far enough apart that using the wrong one is far outside the f32 tolerance. */
    static final double[] EPS = {1e-5, 0.5, 2.0};

    static float[] data(int n, int seed) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) Math.sin(0.7 * i + seed) * (1 + i % 3);
        return a;
    }

    static double[] layerNormRef(float[] x, float[] g, float[] b, double eps) { return layerNormRef(x, g, b, eps, D); }

    /** Rows of {@code d}; a null {@code g} or {@code b} is left out. */
    static double[] layerNormRef(float[] x, float[] g, float[] b, double eps, int d) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / d; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < d; j++) mean += x[r * d + j];
            mean /= d;
            for (int j = 0; j < d; j++) var += (x[r * d + j] - mean) * (x[r * d + j] - mean);
            var /= d;
            for (int j = 0; j < d; j++) {
                double v = (x[r * d + j] - mean) / Math.sqrt(var + eps);
                y[r * d + j] = v * (g == null ? 1 : g[j]) + (b == null ? 0 : b[j]);
            }
        }
        return y;
    }

    static double[] rmsNormRef(float[] x, float[] g, double eps) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / D; r++) {
            double ms = 0;
            for (int j = 0; j < D; j++) ms += (double) x[r * D + j] * x[r * D + j];
            ms /= D;
            for (int j = 0; j < D; j++) y[r * D + j] = x[r * D + j] / Math.sqrt(ms + eps) * (g == null ? 1 : g[j]);
        }
        return y;
    }

    static void close(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 + 1e-5 * Math.abs(want[i]), what + " at " + i);
        }
    }

    @Test
    void normsFollowEpsAndInputsAsTheyAlternate() {
        float[] x = data(ROWS * D, 1), g = data(D, 2), b = data(D, 3);
        try (Scope s = cpu.scope()) {
            Tensor tx = s.copyOf(x, Shape.of(ROWS, D)), tg = s.copyOf(g, Shape.of(D)), tb = s.copyOf(b, Shape.of(D));
            for (int round = 0; round < 3; round++) {
                for (double eps : new double[] {EPS[0], EPS[1], EPS[0], EPS[2], EPS[2], EPS[0]}) {
                    close(layerNormRef(x, g, b, eps), Ops.layerNorm(tx, tg, tb, eps).toFloatArray(), "layerNorm " + eps);
                    close(layerNormRef(x, g, null, eps), Ops.layerNorm(tx, tg, null, eps).toFloatArray(),
                            "layerNorm without beta " + eps);
                    close(rmsNormRef(x, g, eps), Ops.rmsNorm(tx, tg, eps).toFloatArray(), "rmsNorm " + eps);
                    close(layerNormRef(x, g, b, eps), Ops.layerNorm(tx, tg, tb, eps).toFloatArray(),
                            "layerNorm after rmsNorm " + eps);
                }
            }
        }
    }

    /**
     * Every combination of gamma and beta, at widths below, at and past a vector (the kernels' tails and vector
     * loops): a beta without gamma is added, not dropped.
     */
    @Test
    void eachAffinePartIsAppliedAlone() {
        for (int d : new int[] {8, 16, 40}) {
            float[] x = data(ROWS * d, 7), g = data(d, 8), b = data(d, 9);
            try (Scope s = cpu.scope()) {
                Tensor tx = s.copyOf(x, Shape.of(ROWS, d)), tg = s.copyOf(g, Shape.of(d)), tb = s.copyOf(b, Shape.of(d));
                for (int mask = 0; mask < 4; mask++) {
                    boolean withG = (mask & 1) != 0, withB = (mask & 2) != 0;
                    double[] want = layerNormRef(x, withG ? g : null, withB ? b : null, EPS[1], d);
                    close(want, Ops.layerNorm(tx, withG ? tg : null, withB ? tb : null, EPS[1]).toFloatArray(),
                            "layerNorm d=" + d + (withG ? " gamma" : "") + (withB ? " beta" : ""));
                }
            }
        }
    }

    @Test
    void threadsWithDifferentEpsEachGetTheirOwn() throws Exception {
        float[] x = data(ROWS * D, 4), g = data(D, 5), b = data(D, 6);
        int threads = 2, rounds = 400;
        // tensors outside any scope, so the threads' outputs belong to no shared scope
        try (Tensor tx = cpu.copyOf(x, Shape.of(ROWS, D)); Tensor tg = cpu.copyOf(g, Shape.of(D));
             Tensor tb = cpu.copyOf(b, Shape.of(D))) {
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    double eps = EPS[i + 1];
                    boolean withBeta = i == 0; // the threads also differ in the optional inputs
                    double[] wantLn = layerNormRef(x, g, withBeta ? b : null, eps), wantRms = rmsNormRef(x, g, eps);
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int r = 0; r < rounds; r++) {
                            try (Tensor y = Ops.layerNorm(tx, tg, withBeta ? tb : null, eps)) {
                                close(wantLn, y.toFloatArray(), "layerNorm eps " + eps + " round " + r);
                            }
                            try (Tensor y = Ops.rmsNorm(tx, tg, eps)) {
                                close(wantRms, y.toFloatArray(), "rmsNorm eps " + eps + " round " + r);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void castToEachDtypeRoundsAsThatDtype() {
        float[] x = {0.1f, -2.75f, 65504f, 1e-8f, 3.14159265f, -0.0f};
        try (Scope s = cpu.scope()) {
            Tensor tx = s.copyOf(x, Shape.of(x.length));
            for (int round = 0; round < 2; round++) {
                Tensor h = Ops.cast(tx, DType.F16), d = Ops.cast(tx, DType.F64), f = Ops.cast(tx, DType.F32);
                assertEquals(DType.F16, h.dtype());
                assertEquals(DType.F64, d.dtype());
                assertEquals(DType.F32, f.dtype());
                double[] dh = h.toDoubleArray(), dd = d.toDoubleArray(), df = f.toDoubleArray();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Float.float16ToFloat(Float.floatToFloat16(x[i])), dh[i], 0, "f16 " + x[i]);
                    assertEquals((double) x[i], dd[i], 0, "f64 " + x[i]);
                    assertEquals((double) x[i], df[i], 0, "f32 " + x[i]);
                }
                Tensor into = s.empty(DType.F64, Shape.of(x.length));
                assertSame(into, Ops.cast(tx, into));
                for (int i = 0; i < x.length; i++) assertEquals((double) x[i], into.toDoubleArray()[i], 0);
            }
        }
    }

    /** fp64 reference of a reduction or softmax of {@code x} {@code [2, 3, 4]} along {@code axis}. */
    static double[] alongAxis(float[] x, int[] dims, int axis, String op) {
        int n = dims[axis], inner = 1, outer = 1;
        for (int i = axis + 1; i < dims.length; i++) inner *= dims[i];
        for (int i = 0; i < axis; i++) outer *= dims[i];
        boolean rows = op.equals("softmax");
        double[] y = new double[rows ? x.length : outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                double sum = 0, max = Double.NEGATIVE_INFINITY;
                int arg = 0;
                for (int k = 0; k < n; k++) {
                    double v = x[(o * n + k) * inner + in];
                    sum += v;
                    if (v > max) { max = v; arg = k; }
                }
                if (rows) {
                    double z = 0;
                    for (int k = 0; k < n; k++) z += Math.exp(x[(o * n + k) * inner + in] - max);
                    for (int k = 0; k < n; k++) {
                        y[(o * n + k) * inner + in] = Math.exp(x[(o * n + k) * inner + in] - max) / z;
                    }
                } else {
                    y[o * inner + in] = switch (op) {
                        case "sum" -> sum;
                        case "mean" -> sum / n;
                        case "max" -> max;
                        default -> arg;
                    };
                }
            }
        }
        return y;
    }

    @Test
    void softmaxAndReductionsFollowTheAxisAsItChanges() {
        int[] dims = {2, 3, 4};
        float[] x = data(24, 7);
        try (Scope s = cpu.scope()) {
            Tensor tx = s.copyOf(x, Shape.of(2, 3, 4));
            for (int axis : new int[] {0, 2, 1, -1, -3, 1, 0}) {
                int a = axis < 0 ? axis + 3 : axis;
                close(alongAxis(x, dims, a, "softmax"), Ops.softmax(tx, axis).toFloatArray(), "softmax " + axis);
                for (boolean keep : new boolean[] {false, true, false}) {
                    Tensor sum = Ops.sum(tx, axis, keep), mean = Ops.mean(tx, axis, keep), max = Ops.max(tx, axis, keep),
                            arg = Ops.argmax(tx, axis, keep);
                    long[] shape = {2, 3, 4};
                    shape[a] = 1;
                    Shape want = keep ? Shape.of(shape) : Shape.of(drop(shape, a));
                    for (Tensor t : new Tensor[] {sum, mean, max, arg}) assertEquals(want, t.shape(), "axis " + axis);
                    close(alongAxis(x, dims, a, "sum"), sum.toFloatArray(), "sum " + axis + " keep " + keep);
                    close(alongAxis(x, dims, a, "mean"), mean.toFloatArray(), "mean " + axis + " keep " + keep);
                    close(alongAxis(x, dims, a, "max"), max.toFloatArray(), "max " + axis + " keep " + keep);
                    close(alongAxis(x, dims, a, "argmax"), arg.toFloatArray(), "argmax " + axis + " keep " + keep);
                }
            }
        }
    }

    static long[] drop(long[] shape, int axis) {
        long[] r = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) r[j++] = shape[i];
        return r;
    }
}
