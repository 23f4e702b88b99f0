package io.kuaxin.backend.cpu;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Matmul;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.kernels.oracle.Functions;
import io.kuaxin.op.Epilogue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** {@code Ops.prepack} on the CPU: packed matmuls against fp64, the read-only guard, and no stale panels. */
class PrepackTest {
    private static Kuaxin kx;
    private static Device cpu;

    @BeforeAll
    static void open() {
        kx = Kuaxin.open();
        cpu = kx.device("cpu");
    }

    @AfterAll
    static void close() { kx.close(); }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return v;
    }

    /** What the tensor holds after rounding to its dtype. */
    private static double[] held(Tensor t) { return t.toDoubleArray(); }

    /**
     * x [batch, m, k] · w [k, n] + bias, GELU-erf, with w prepacked: the packed kernel ran and the result agrees with
     * fp64 over the values the tensors hold; batch 1 and a batch folded into one GEMM, fp32 and bf16.
     */
    @ParameterizedTest
    @CsvSource({"1,1,384,1152,F32", "1,16,384,384,F32", "3,40,70,130,F32", "2,17,64,96,BF16"})
    void packedMatmulAgreesWithFp64(int batch, int m, int k, int n, DType dt) {
        try (Scope s = cpu.scope()) {
            Tensor x = s.copyOf(random(batch * m * k, 1), dt, Shape.of(batch, m, k));
            Tensor w = Ops.prepack(s.copyOf(random(k * n, 2), dt, Shape.of(k, n)));
            Tensor bias = s.copyOf(random(n, 3), dt, Shape.of(n));
            Tensor y = Ops.matmul(x, w, Matmul.options().bias(bias).epilogue(Epilogue.GELU_ERF).outDtype(DType.F32));
            assertTrue(y.provenance().kernel().endsWith(".prepacked"), y.provenance().kernel());
            double[] xs = held(x), ws = held(w), bs = held(bias);
            float[] got = y.toFloatArray();
            for (int b = 0; b < batch; b++) for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                double acc = bs[j];
                for (int p = 0; p < k; p++) acc += xs[(b * m + i) * k + p] * ws[p * n + j];
                double want = Functions.geluErf(acc);
                assertEquals(want, got[(b * m + i) * n + j], 2e-5 * Math.sqrt(k) * (1 + Math.abs(want)),
                        "[" + b + "][" + i + "][" + j + "]");
            }
        }
    }

    /** The same product through the packed front door and Kuaxin's GEMM packing per call: identical bits. */
    @Test
    void packedEqualsUnpacked() {
        int m = 128, k = 384, n = 1536;
        float[] xv = random(m * k, 4), wv = random(k * n, 5);
        float[] want = new float[m * n];
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            MemorySegment a = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_FLOAT, xv);
            MemorySegment b = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_FLOAT, wv);
            MemorySegment c = arena.allocate(4L * m * n, 64);
            io.kuaxin.kernels.cpu.CpuGemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
            MemorySegment.copy(c, java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, want, 0, m * n);
        }
        try (Scope s = cpu.scope()) {
            Tensor x = s.copyOf(xv, Shape.of(m, k));
            Tensor w = Ops.prepack(s.copyOf(wv, Shape.of(k, n)));
            assertArrayEquals(want, Ops.matmul(x, w).toFloatArray());
        }
    }

    @Test
    void aPrepackedWeightIsReadOnlyButReadable() {
        try (Scope s = cpu.scope()) {
            float[] wv = random(6, 6);
            Tensor w = Ops.prepack(s.copyOf(wv, Shape.of(2, 3)));
            assertTrue(w.isReadOnly());
            Tensor other = s.copyOf(random(6, 7), Shape.of(2, 3));
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Ops.add(other, other, w));
            assertTrue(e.getMessage().contains("prepacked"), e.getMessage());
            assertThrows(InvalidArgumentException.class, () -> Ops.copy(other.slice(1, 0, 1), w.slice(1, 0, 1)));
            assertThrows(InvalidArgumentException.class,
                    () -> cpu.defaultStream().copyFromHost(MemorySegment.ofArray(new float[6]), w));
            float[] sum = Ops.add(w, w).toFloatArray(); // every op still reads it
            for (int i = 0; i < 6; i++) assertEquals(2 * wv[i], sum[i]);
            // transposed use reads the dense weight: [2,3]^T as b of x[1,2]
            Tensor x = s.copyOf(new float[] {1, 2, 3}, Shape.of(1, 3));
            float[] t = Ops.matmul(x, w, Matmul.options().transposeB()).toFloatArray();
            for (int i = 0; i < 2; i++) assertEquals(wv[i * 3] + 2 * wv[i * 3 + 1] + 3 * wv[i * 3 + 2], t[i], 1e-6);
            assertSame(w, Ops.prepack(w)); // again: nothing more
        }
    }

    @Test
    void prepackRefusesWhatItCannotBe() {
        try (Scope s = cpu.scope()) {
            assertThrows(InvalidArgumentException.class, () -> Ops.prepack(s.copyOf(new float[8], Shape.of(2, 2, 2))));
            assertThrows(InvalidArgumentException.class, () -> Ops.prepack(s.copyOf(new long[4], Shape.of(2, 2))));
            assertThrows(InvalidArgumentException.class, () -> Ops.prepack(null));
            Tensor closed = s.copyOf(new float[4], Shape.of(2, 2));
            closed.close();
            assertThrows(RuntimeException.class, () -> Ops.prepack(closed));
        }
    }

    /**
     * Many packed weights at once, closed in a shuffled order: after each close every weight still open is found
     * with its own panels (prepacked kernel, fp64-exact within rounding), so the lookup table stays sorted and
     * removes exactly the closed entry.
     */
    @Test
    void manyWeightsEachFindTheirOwnPanels() {
        int count = 13;
        java.util.List<Tensor> weights = new java.util.ArrayList<>();
        java.util.List<float[]> values = new java.util.ArrayList<>();
        try (Scope s = cpu.scope()) {
            for (int i = 0; i < count; i++) {
                float[] wv = random((8 + i) * (16 + 2 * i), 40 + i);
                values.add(wv);
                weights.add(Ops.prepack(s.copyOf(wv, Shape.of(8 + i, 16 + 2 * i))));
            }
            java.util.List<Integer> order = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) order.add(i);
            java.util.Collections.shuffle(order, new java.util.Random(7));
            boolean[] closed = new boolean[count];
            for (int step = 0; step <= count; step++) {
                for (int i = 0; i < count; i++) {
                    if (closed[i]) continue;
                    int k = 8 + i, n = 16 + 2 * i;
                    Tensor x = s.copyOf(random(3 * k, 60 + i), Shape.of(3, k));
                    Tensor y = Ops.matmul(x, weights.get(i));
                    assertTrue(y.provenance().kernel().endsWith(".prepacked"), "weight " + i + " at step " + step);
                    double[] xs = held(x);
                    float[] got = y.toFloatArray(), wv = values.get(i);
                    for (int r = 0; r < 3; r++) for (int j = 0; j < n; j++) {
                        double acc = 0;
                        for (int p = 0; p < k; p++) acc += xs[r * k + p] * wv[p * n + j];
                        assertEquals(acc, got[r * n + j], 1e-5, "weight " + i + " [" + r + "][" + j + "] at step " + step);
                    }
                    x.close();
                    y.close();
                }
                if (step < count) {
                    int c = order.get(step);
                    weights.get(c).close();
                    closed[c] = true;
                }
            }
        }
    }

    /** Freed weights' panels go with them: new data at a reused address is multiplied as it is. */
    @Test
    void noStalePanelsAfterTheWeightIsFreed() {
        for (int round = 0; round < 4; round++) {
            try (Scope s = cpu.scope()) {
                float[] wv = random(64 * 48, 10 + round);
                Tensor w = round % 2 == 0 ? Ops.prepack(s.copyOf(wv, Shape.of(64, 48))) : s.copyOf(wv, Shape.of(64, 48));
                Tensor x = s.copyOf(random(5 * 64, 20 + round), Shape.of(5, 64));
                float[] got = Ops.matmul(x, w).toFloatArray();
                double[] xs = held(x);
                for (int i = 0; i < 5; i++) for (int j = 0; j < 48; j++) {
                    double acc = 0;
                    for (int p = 0; p < 64; p++) acc += xs[i * 64 + p] * wv[p * 48 + j];
                    assertEquals(acc, got[i * 48 + j], 1e-4, "round " + round);
                }
            }
        }
    }
}
