package io.kuaxin.backend.cambricon;

import io.kuaxin.conformance.HostReference;
import io.kuaxin.DType;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.Attention;
import io.kuaxin.Matmul;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.Op;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CambriconOpsTest {
    static Kuaxin kx;

    @BeforeAll
    static void open() { kx = CambriconRuntimeTest.open(); }

    @AfterAll
    static void close() { kx.close(); }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void matmulWithTransposesAndBatch(DType t) {
        try (Scope s = kx.device("mlu:0").scope()) {
            int batch = 3, m = 5, k = 7, n = 4;
            float[] a = HostReference.round(HostReference.random(1, batch * m * k), t), b = HostReference.round(HostReference.random(2, batch * k * n), t);
            Tensor ta = s.copyOf(a, t, Shape.of(batch, m, k)), tb = s.copyOf(b, t, Shape.of(batch, k, n));
            Tensor y = Ops.matmul(ta, tb);
            HostReference.close(HostReference.matmul(a, b, batch, m, k, n, false, false), y.toFloatArray(), HostReference.tolerance(t), "bmm " + t);
            assertTrue(y.provenance().kernel().contains("cnnlBatchMatMulEx"), y.provenance().kernel());
            // 2-D with both transposes: a stored [K, M], b stored [N, K]
            Tensor a2 = s.copyOf(a, t, Shape.of(k, m * batch)), b2 = s.copyOf(b, t, Shape.of(n * batch, k));
            Tensor y2 = Ops.matmul(a2, b2, Matmul.options().transposeA().transposeB());
            HostReference.close(HostReference.matmul(a, b, 1, m * batch, k, n * batch, true, true), y2.toFloatArray(), HostReference.tolerance(t),
                    "mm^T " + t);
            assertEquals("cnnlMatMul_v2", y2.provenance().kernel());
        }
    }

    @Test
    void matmulAlphaBetaBiasEpilogueAndOutDtype() {
        try (Scope s = kx.device("mlu:0").scope()) {
            int m = 4, k = 6, n = 5;
            float[] a = HostReference.random(3, m * k), b = HostReference.random(4, k * n), c = HostReference.random(5, m * n), bias = HostReference.random(6, n);
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
            // in place: out is c itself; and an f64 output through a final cast
            Ops.matmul(ta, tb, Matmul.options().accumulate(tc, 1f), tc);
            float[] want = new float[m * n];
            for (int i = 0; i < m * n; i++) want[i] = p[i] + c[i];
            HostReference.close(want, tc.toFloatArray(), 1e-4, "in place");
            assertThrows(UnsupportedOpException.class, () -> Ops.matmul(ta, tb, Matmul.options().outDtype(DType.F64)));
            // batched, not in place: product then beta·c through cnnlOpTensor
            Tensor a3 = s.copyOf(a, Shape.of(1, m, k)), b3 = s.copyOf(b, Shape.of(1, k, n)), c3 = s.copyOf(c, Shape.of(1, m, n));
            Tensor y3 = Ops.matmul(a3, b3, Matmul.options().accumulate(c3, 0.5f));
            for (int i = 0; i < m * n; i++) want[i] = p[i] + 0.5f * c[i];
            HostReference.close(want, y3.toFloatArray(), 1e-4, "batched accumulate");
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

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "BF16"})
    void attentionPrefillAndDecodeWithGqaCausalAndLengths(DType t) {
        try (Scope s = kx.device("mlu:0").scope()) {
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
                    HostReference.close(HostReference.attention(q, k, v, b, hq, hkv, lq, lkv, d, scale, causal, null), o.toFloatArray(),
                            HostReference.tolerance(t), "attention lq=" + lq + " causal=" + causal);
                    assertTrue(o.provenance().kernel().contains("cnnlFlashAttentionForward"), o.provenance().kernel());
                }
                int[] lens = {3, 9};
                Tensor tl = s.copyOf(lens, Shape.of(b));
                Tensor o = Ops.attention(tq, tk, tv, Attention.causal().kvLengths(tl));
                HostReference.close(HostReference.attention(q, k, v, b, hq, hkv, lq, lkv, d, scale, true, lens), o.toFloatArray(),
                        HostReference.tolerance(t), "attention lq=" + lq + " with lengths");
            }
        }
    }

    @Test
    void unsupportedCasesSayWhyAndAgreeWithTheFrontDoor() {
        var dev = kx.device("mlu:0");
        assertNull(dev.unsupportedReason(Op.MATMUL, DType.BF16, DType.BF16));
        assertTrue(dev.unsupportedReason(Op.DIV, DType.F32, DType.F32).contains("cnnlDiv"));
        assertTrue(dev.unsupportedReason(Op.GELU_TANH, DType.F32).contains("tanh"));
        assertTrue(dev.unsupportedReason(Op.CAST, DType.F32).contains("cnnlCastDataType_t"));
        assertTrue(dev.unsupportedReason(Op.ATTENTION, DType.F32, DType.F32, DType.F32).contains("f16 or bf16"));
        assertTrue(dev.unsupportedReason(Op.ATTENTION, DType.F16, DType.F16, DType.F16, DType.F32).contains("mask"));
        assertNull(dev.unsupportedReason(Op.ATTENTION, DType.F16, DType.F16, DType.F16, DType.I32));
        assertTrue(dev.unsupportedReason(Op.MATMUL, DType.I8, DType.I8).contains("int8"));
        assertTrue(dev.unsupportedReason(Op.ADD, DType.I32, DType.I32).contains("f32, f16, bf16"));
        assertFalse(dev.supportsOp(Op.ROPE, DType.F32));
        try (Scope s = dev.scope()) {
            Tensor x = s.copyOf(new float[8], Shape.of(1, 1, 2, 4));
            assertThrows(UnsupportedOpException.class, () -> Ops.attention(x, x, x));
        }
    }

    @Test
    void rowOpsElementwiseCastAndCopy() {
        try (Scope s = kx.device("mlu:0").scope()) {
            int rows = 3, d = 6;
            float[] x = HostReference.random(10, rows * d), g = HostReference.random(11, d), be = HostReference.random(12, d);
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
            HostReference.close(ln, Ops.layerNorm(tx, s.copyOf(g, Shape.of(d)), s.copyOf(be, Shape.of(d)), 1e-5).toFloatArray(),
                    1e-4, "layer norm");
            HostReference.close(rms, Ops.rmsNorm(tx, null, 1e-6).toFloatArray(), 1e-4, "rms norm without gamma");
            float[] bias = HostReference.random(13, d), want = new float[rows * d];
            for (int i = 0; i < want.length; i++) want[i] = x[i] + bias[i % d];
            HostReference.close(want, Ops.add(tx, s.copyOf(bias, Shape.of(d))).toFloatArray(), 1e-6, "broadcast add");
            for (int i = 0; i < want.length; i++) want[i] = (float) HostReference.silu(x[i]);
            HostReference.close(want, Ops.silu(tx).toFloatArray(), 1e-5, "silu");
            Tensor tr = Ops.copy(tx.transpose(0, 1));
            for (int r = 0; r < rows; r++) for (int j = 0; j < d; j++) want[j * rows + r] = x[r * d + j];
            HostReference.close(want, tr.toFloatArray(), 0, "strided copy");
            assertTrue(tr.provenance().kernel().contains("mul by 1"), tr.provenance().kernel());
            Tensor ti = Ops.copy(s.copyOf(new int[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3)).transpose(0, 1));
            assertEquals(java.util.Arrays.toString(new long[] {1, 4, 2, 5, 3, 6}), java.util.Arrays.toString(ti.toLongArray()));
        }
    }

    @Test
    void noDescriptorOrExecutorLeaksAndMatmulExecutorsAreReused() {
        long before = Emulator.CONTROL.liveHandles();
        try (Kuaxin k = CambriconRuntimeTest.open(); Scope s = k.device("mlu:1").scope()) {
            Tensor a = s.copyOf(HostReference.random(1, 64), Shape.of(8, 8));
            Ops.matmul(a, a).toFloatArray();
            long warm = Emulator.CONTROL.liveHandles(); // the cached executor and its three descriptors
            for (int i = 0; i < 10; i++) Ops.matmul(a, a).close();
            Ops.softmax(a).close();
            Ops.rmsNorm(a, null, 1e-6).close();
            Tensor q = s.copyOf(HostReference.random(2, 64), DType.F16, Shape.of(1, 2, 4, 8));
            Ops.attention(q, q, q, Attention.causal()).toFloatArray();
            s.device().synchronize();
            assertEquals(warm, Emulator.CONTROL.liveHandles(), "steady state adds no handles");
        }
        assertEquals(before, Emulator.CONTROL.liveHandles(), "closing the runtime releases every handle");
    }

    @Test
    void aFailingOpIsTypedAndTheNextOneSucceeds() {
        try (Scope s = kx.device("mlu:0").scope()) {
            Tensor a = s.copyOf(HostReference.random(1, 12), Shape.of(3, 4));
            Emulator.CONTROL.injectFault("cnnlSoftmaxForward_v2", 1, 3);
            var e = assertThrows(io.kuaxin.VendorException.class, () -> Ops.softmax(a));
            assertEquals("cnnlSoftmaxForward_v2", e.call());
            assertEquals(3, e.code());
            assertFalse(e.vendorMessage().isEmpty());
            Emulator.CONTROL.injectFault("cnnlMatMul_v2", 1, 6);
            e = assertThrows(io.kuaxin.VendorException.class, () -> Ops.matmul(a, a, Matmul.options().transposeB()));
            assertEquals("cnnlMatMul_v2", e.call());
            float[] x = a.toFloatArray(), want = new float[12];
            for (int i = 0; i < 12; i++) want[i] = Math.max(0, x[i]);
            HostReference.close(want, Ops.relu(a).toFloatArray(), 1e-6, "relu after a fault");
        } finally {
            Emulator.CONTROL.clearFaults();
        }
    }

}
