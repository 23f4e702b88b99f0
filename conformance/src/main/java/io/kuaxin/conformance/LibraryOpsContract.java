package io.kuaxin.conformance;

import io.kuaxin.Attention;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Matmul;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.VendorException;
import io.kuaxin.emulators.EmulatorControl;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.Op;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The core ops of a backend that runs them through a vendor operator library (aclnn, CNNL), against the host
 * reference: batched and transposed matmul with every epilogue, attention prefill and decode with GQA, causal masks
 * and KV lengths, row ops, broadcast elementwise and strided copy. Provenance must name the library kernel (so a
 * silent fallback fails), steady-state ops must create no library handles, and an injected library fault must be
 * typed with the next op succeeding (these two need an emulator; {@code kuaxin-native} on the test class path). A
 * backend module runs it with one subclass whose constructor names its kernels and faults; what only that vendor
 * does stays in further tests of the subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LibraryOpsContract {
    /**
     * A library call armed to fail once, and the op that reaches it.
     *
     * @param vendorMessage whether the library reports a message for this failure (then it must not be blank)
     */
    public record OpFault(String call, int code, boolean vendorMessage, UnaryOperator<Tensor> op) {}

    /**
     * The kernels provenance must name: a substring of it, except {@code matmul}, which is the whole of it.
     *
     * @param batchedMatmul a batched matmul
     * @param matmul        a 2-D matmul
     * @param prefill       attention with several query rows
     * @param decode        attention with one query row
     * @param stridedCopy   a strided copy
     */
    public record Kernels(String batchedMatmul, String matmul, String prefill, String decode, String stridedCopy) {}

    private final String backend;
    private final Supplier<Kuaxin> opener;
    private final EmulatorControl emu;
    private final Kernels kernels;
    private final List<OpFault> faults;
    private Kuaxin kx;

    /**
     * @param backend the backend's name, which prefixes its device ids
     * @param opener  opens a runtime with only the backend under test
     * @param emu     the control API of the backend's emulator (bound to the library file the backend loads), or
     *                null on a real device: the handle-leak and library-fault tests are then skipped
     * @param kernels the kernels provenance must name
     * @param faults  library faults to inject, each with the op that reaches the failing call
     */
    protected LibraryOpsContract(String backend, Supplier<Kuaxin> opener, EmulatorControl emu, Kernels kernels,
                                 List<OpFault> faults) {
        this.backend = backend;
        this.opener = opener;
        this.emu = emu;
        this.kernels = kernels;
        this.faults = List.copyOf(faults);
    }

    /** The runtime the tests share. */
    protected final Kuaxin runtime() { return kx; }

    /** Device {@code ordinal} of the backend. */
    protected final Device device(int ordinal) { return kx.device(backend + ":" + ordinal); }

    @BeforeAll
    void openRuntime() { kx = opener.get(); }

    @AfterAll
    void closeRuntime() { kx.close(); }

    @TestFactory
    Stream<DynamicTest> matmulWithTransposesAndBatch() {
        return Stream.of(DType.F32, DType.F16, DType.BF16).map(t -> dynamicTest(t.toString(), () -> matmul(t)));
    }

    private void matmul(DType t) {
        try (Scope s = device(0).scope()) {
            int batch = 3, m = 5, k = 7, n = 4;
            float[] a = HostReference.round(HostReference.random(1, batch * m * k), t);
            float[] b = HostReference.round(HostReference.random(2, batch * k * n), t);
            Tensor ta = s.copyOf(a, t, Shape.of(batch, m, k)), tb = s.copyOf(b, t, Shape.of(batch, k, n));
            Tensor y = Ops.matmul(ta, tb);
            HostReference.close(HostReference.matmul(a, b, batch, m, k, n, false, false), y.toFloatArray(),
                    HostReference.tolerance(t), "bmm " + t);
            assertTrue(y.provenance().kernel().contains(kernels.batchedMatmul()), y.provenance().kernel());
            // 2-D with both transposes: a stored [K, M], b stored [N, K]
            Tensor a2 = s.copyOf(a, t, Shape.of(k, m * batch)), b2 = s.copyOf(b, t, Shape.of(n * batch, k));
            Tensor y2 = Ops.matmul(a2, b2, Matmul.options().transposeA().transposeB());
            HostReference.close(HostReference.matmul(a, b, 1, m * batch, k, n * batch, true, true), y2.toFloatArray(),
                    HostReference.tolerance(t), "mm^T " + t);
            assertEquals(kernels.matmul(), y2.provenance().kernel());
        }
    }

    @Test
    void matmulAlphaBetaBiasEpilogueAndInPlace() {
        try (Scope s = device(0).scope()) {
            int m = 4, k = 6, n = 5;
            float[] a = HostReference.random(3, m * k), b = HostReference.random(4, k * n);
            float[] c = HostReference.random(5, m * n), bias = HostReference.random(6, n);
            Tensor ta = s.copyOf(a, Shape.of(m, k)), tb = s.copyOf(b, Shape.of(k, n));
            Tensor tc = s.copyOf(c, Shape.of(m, n)), tbias = s.copyOf(bias, Shape.of(n));
            float[] p = HostReference.matmul(a, b, 1, m, k, n, false, false);
            for (Epilogue e : Epilogue.values()) {
                Tensor y = Ops.matmul(ta, tb, Matmul.options().alpha(0.5f).accumulate(tc, 2f).bias(tbias).epilogue(e));
                float[] want = new float[m * n];
                for (int i = 0; i < m * n; i++) {
                    double z = 0.5 * p[i] + 2 * c[i] + bias[i % n];
                    want[i] = (float) switch (e) {
                        case NONE -> z;
                        case RELU -> Math.max(z, 0);
                        case SILU -> HostReference.silu(z);
                        case GELU_TANH -> HostReference.geluTanh(z);
                        case GELU_ERF -> 0.5 * z * (1 + erf(z / Math.sqrt(2)));
                    };
                }
                HostReference.close(want, y.toFloatArray(), 1e-4, "epilogue " + e);
            }
            Ops.matmul(ta, tb, Matmul.options().accumulate(tc, 1f), tc);      // in place: out is c itself
            float[] want = new float[m * n];
            for (int i = 0; i < m * n; i++) want[i] = p[i] + c[i];
            HostReference.close(want, tc.toFloatArray(), 1e-4, "in place");
        }
    }

    private static double erf(double x) { // Abramowitz-Stegun 7.1.26 is too coarse; integrate instead
        double sum = 0, h = x / 2000;
        for (int i = 0; i < 2000; i++) {
            double t = (i + 0.5) * h;
            sum += Math.exp(-t * t);
        }
        return 2 / Math.sqrt(Math.PI) * sum * h;
    }

    @TestFactory
    Stream<DynamicTest> attentionPrefillAndDecodeWithGqaCausalAndLengths() {
        return Stream.of(DType.F16, DType.BF16).map(t -> dynamicTest(t.toString(), () -> attention(t)));
    }

    private void attention(DType t) {
        try (Scope s = device(0).scope()) {
            int b = 2, hq = 4, hkv = 2, d = 8;
            for (int lq : new int[] {5, 1}) {
                int lkv = 7;
                float[] q = HostReference.round(HostReference.random(7, b * hq * lq * d), t);
                float[] k = HostReference.round(HostReference.random(8, b * hkv * lkv * d), t);
                float[] v = HostReference.round(HostReference.random(9, b * hkv * lkv * d), t);
                Tensor tq = s.copyOf(q, t, Shape.of(b, hq, lq, d));
                Tensor tk = s.copyOf(k, t, Shape.of(b, hkv, lkv, d)), tv = s.copyOf(v, t, Shape.of(b, hkv, lkv, d));
                float scale = (float) (1 / Math.sqrt(d));
                for (boolean causal : new boolean[] {false, true}) {
                    Tensor o = Ops.attention(tq, tk, tv, Attention.defaults().withCausal(causal));
                    HostReference.close(HostReference.attention(q, k, v, b, hq, hkv, lq, lkv, d, scale, causal, null),
                            o.toFloatArray(), HostReference.tolerance(t), "attention lq=" + lq + " causal=" + causal);
                    assertTrue(o.provenance().kernel().contains(lq == 1 ? kernels.decode() : kernels.prefill()), o.provenance().kernel());
                }
                int[] lens = {3, 9};
                Tensor tl = s.copyOf(lens, Shape.of(b));
                Tensor o = Ops.attention(tq, tk, tv, Attention.causal().kvLengths(tl));
                HostReference.close(HostReference.attention(q, k, v, b, hq, hkv, lq, lkv, d, scale, true, lens),
                        o.toFloatArray(), HostReference.tolerance(t), "attention lq=" + lq + " with lengths");
            }
        }
    }

    @Test
    void unsupportedCasesSayWhyAndAgreeWithTheFrontDoor() {
        Device dev = device(0);
        assertNull(dev.unsupportedReason(Op.MATMUL, DType.BF16, DType.BF16));
        assertTrue(dev.unsupportedReason(Op.ATTENTION, DType.F32, DType.F32, DType.F32).contains("f16 or bf16"));
        assertTrue(dev.unsupportedReason(Op.ATTENTION, DType.F16, DType.F16, DType.F16, DType.F32).contains("mask"));
        assertNull(dev.unsupportedReason(Op.ATTENTION, DType.F16, DType.F16, DType.F16, DType.I32));
        assertTrue(dev.unsupportedReason(Op.MATMUL, DType.I8, DType.I8).contains("int8"));
        assertTrue(dev.unsupportedReason(Op.ADD, DType.I32, DType.I32).contains("f32, f16"));
        assertFalse(dev.supportsOp(Op.ROPE, DType.F32));
        try (Scope s = dev.scope()) {
            Tensor x = s.copyOf(new float[8], Shape.of(1, 1, 2, 4));
            assertThrows(UnsupportedOpException.class, () -> Ops.attention(x, x, x));
        }
    }

    @Test
    void rowOpsElementwiseAndStridedCopy() {
        try (Scope s = device(0).scope()) {
            int rows = 3, d = 6;
            float[] x = HostReference.random(10, rows * d), g = HostReference.random(11, d);
            float[] be = HostReference.random(12, d);
            Tensor tx = s.copyOf(x, Shape.of(rows, d));
            float[] sm = new float[rows * d], ln = new float[rows * d], rms = new float[rows * d];
            for (int r = 0; r < rows; r++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0, mean = 0, var = 0, sq = 0;
                for (int j = 0; j < d; j++) max = Math.max(max, x[r * d + j]);
                for (int j = 0; j < d; j++) sum += Math.exp(x[r * d + j] - max);
                for (int j = 0; j < d; j++) mean += x[r * d + j] / d;
                for (int j = 0; j < d; j++) var += Math.pow(x[r * d + j] - mean, 2) / d;
                for (int j = 0; j < d; j++) sq += Math.pow(x[r * d + j], 2) / d;
                for (int j = 0; j < d; j++) {
                    sm[r * d + j] = (float) (Math.exp(x[r * d + j] - max) / sum);
                    ln[r * d + j] = (float) ((x[r * d + j] - mean) / Math.sqrt(var + 1e-5) * g[j] + be[j]);
                    rms[r * d + j] = (float) (x[r * d + j] / Math.sqrt(sq + 1e-6));
                }
            }
            HostReference.close(sm, Ops.softmax(tx).toFloatArray(), 1e-5, "softmax");
            HostReference.close(ln, Ops.layerNorm(tx, s.copyOf(g, Shape.of(d)), s.copyOf(be, Shape.of(d)), 1e-5)
                    .toFloatArray(), 1e-4, "layer norm");
            HostReference.close(rms, Ops.rmsNorm(tx, null, 1e-6).toFloatArray(), 1e-4, "rms norm without gamma");
            float[] bias = HostReference.random(13, d), want = new float[rows * d];
            for (int i = 0; i < want.length; i++) want[i] = x[i] + bias[i % d];
            HostReference.close(want, Ops.add(tx, s.copyOf(bias, Shape.of(d))).toFloatArray(), 1e-6, "broadcast add");
            for (int i = 0; i < want.length; i++) want[i] = (float) HostReference.silu(x[i]);
            HostReference.close(want, Ops.silu(tx).toFloatArray(), 1e-5, "silu");
            Tensor tr = Ops.copy(tx.transpose(0, 1));
            for (int r = 0; r < rows; r++) for (int j = 0; j < d; j++) want[j * rows + r] = x[r * d + j];
            HostReference.close(want, tr.toFloatArray(), 0, "strided copy");
            assertTrue(tr.provenance().kernel().contains(kernels.stridedCopy()), tr.provenance().kernel());
        }
    }

    @Test
    void noLibraryHandleLeaksAndSteadyStateAddsNone() {
        assumeTrue(emu != null, "no emulator: library handles cannot be counted");
        long before = emu.liveHandles();
        try (Kuaxin k = opener.get(); Scope s = k.device(backend + ":1").scope()) {
            Tensor a = s.copyOf(HostReference.random(1, 64), Shape.of(8, 8));
            Ops.matmul(a, a).toFloatArray();
            long warm = emu.liveHandles(); // cached executors/descriptors of the first matmul
            for (int i = 0; i < 10; i++) Ops.matmul(a, a).close();
            Ops.softmax(a).close();
            Ops.rmsNorm(a, null, 1e-6).close();
            Tensor q = s.copyOf(HostReference.random(2, 64), DType.F16, Shape.of(1, 2, 4, 8));
            Ops.attention(q, q, q, Attention.causal()).toFloatArray();
            s.device().synchronize();
            assertEquals(warm, emu.liveHandles(), "steady state adds no handles");
        }
        assertEquals(before, emu.liveHandles(), "closing the runtime releases every handle");
    }

    @Test
    void aFailingLibraryCallIsTypedAndTheNextOpSucceeds() {
        assumeTrue(emu != null && !faults.isEmpty(), "no emulator or no library faults to inject");
        try (Scope s = device(0).scope()) {
            Tensor a = s.copyOf(HostReference.random(1, 12), Shape.of(3, 4));
            List<float[]> clean = new ArrayList<>();
            for (OpFault f : faults) clean.add(f.op().apply(a).toFloatArray());
            try {
                for (OpFault f : faults) {
                    emu.injectFault(f.call(), 1, f.code());
                    VendorException e = assertThrows(VendorException.class, () -> f.op().apply(a).toFloatArray());
                    assertEquals(f.call(), e.call());
                    assertEquals(f.code(), e.code());
                    if (f.vendorMessage()) assertFalse(e.vendorMessage().isBlank(), f.call());
                }
            } finally {
                emu.clearFaults();
            }
            for (int i = 0; i < faults.size(); i++) {
                assertArrayEquals(clean.get(i), faults.get(i).op().apply(a).toFloatArray(), faults.get(i).call());
            }
        }
    }
}
