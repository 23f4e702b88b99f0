package io.kuaxin.backend.cambricon;

import io.kuaxin.DType;
import io.kuaxin.Matmul;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.conformance.HostReference;
import io.kuaxin.conformance.LibraryOpsContract;
import io.kuaxin.op.Op;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library-ops contract on CNNL, and what only Cambricon does: no f64 output, a batched accumulate through
 * cnnlOpTensor, integer strided copies, and the ops CNNL lacks.
 */
class CambriconOpsTest extends LibraryOpsContract {
    CambriconOpsTest() {
        super("mlu", Emulator::open, Emulator.CONTROL,
                new Kernels("cnnlBatchMatMulEx", "cnnlMatMul_v2", "cnnlFlashAttentionForward", "cnnlFlashAttentionForward",
                        "mul by 1"),
                List.of(new OpFault("cnnlSoftmaxForward_v2", 3, true, Ops::softmax),
                        new OpFault("cnnlMatMul_v2", 6, true, x -> Ops.matmul(x, x, Matmul.options().transposeB()))));
    }

    @Test
    void noF64OutputAndABatchedAccumulateThroughOpTensor() {
        try (Scope s = device(0).scope()) {
            int m = 4, k = 6, n = 5;
            float[] a = HostReference.random(3, m * k), b = HostReference.random(4, k * n), c = HostReference.random(5, m * n);
            Tensor ta = s.copyOf(a, Shape.of(m, k)), tb = s.copyOf(b, Shape.of(k, n));
            assertThrows(UnsupportedOpException.class, () -> Ops.matmul(ta, tb, Matmul.options().outDtype(DType.F64)));
            // batched, not in place: product then beta·c through cnnlOpTensor
            float[] p = HostReference.matmul(a, b, 1, m, k, n, false, false), want = new float[m * n];
            Tensor a3 = s.copyOf(a, Shape.of(1, m, k)), b3 = s.copyOf(b, Shape.of(1, k, n)), c3 = s.copyOf(c, Shape.of(1, m, n));
            Tensor y3 = Ops.matmul(a3, b3, Matmul.options().accumulate(c3, 0.5f));
            for (int i = 0; i < m * n; i++) want[i] = p[i] + 0.5f * c[i];
            HostReference.close(want, y3.toFloatArray(), 1e-4, "batched accumulate");
        }
    }

    @Test
    void anIntegerStridedCopyIsExact() {
        try (Scope s = device(0).scope()) {
            Tensor ti = Ops.copy(s.copyOf(new int[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3)).transpose(0, 1));
            assertEquals(Arrays.toString(new long[] {1, 4, 2, 5, 3, 6}), Arrays.toString(ti.toLongArray()));
        }
    }

    @Test
    void theOpsCnnlLacksSayWhy() {
        var dev = device(0);
        assertTrue(dev.unsupportedReason(Op.DIV, DType.F32, DType.F32).contains("cnnlDiv"));
        assertTrue(dev.unsupportedReason(Op.GELU_TANH, DType.F32).contains("tanh"));
        assertTrue(dev.unsupportedReason(Op.CAST, DType.F32).contains("cnnlCastDataType_t"));
        assertTrue(dev.unsupportedReason(Op.ADD, DType.I32, DType.I32).contains("f32, f16, bf16"));
    }
}
