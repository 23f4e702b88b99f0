package io.kuaxin.backend.ascend;

import io.kuaxin.DType;
import io.kuaxin.Matmul;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.conformance.HostReference;
import io.kuaxin.conformance.LibraryOpsContract;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library-ops contract on aclnn, and what only Ascend does: f64 output and exact casts through aclnnCast. */
class AscendOpsTest extends LibraryOpsContract {
    AscendOpsTest() {
        super("ascend", Emulator::open, Emulator.CONTROL,
                new Kernels("aclnnBatchMatMul", "aclnnMatmul", "PromptFlashAttentionV3", "IncreFlashAttentionV4", "aclnnCast"),
                List.of(new OpFault("aclnnSoftmaxGetWorkspaceSize", 161002, false, Ops::softmax),
                        new OpFault("aclnnExp", 361001, false, Ops::exp)));
    }

    @Test
    void f64OutputAndF16CastGoThroughAclnnCast() {
        try (Scope s = device(0).scope()) {
            int m = 4, k = 6, n = 5;
            float[] a = HostReference.random(3, m * k), b = HostReference.random(4, k * n);
            Tensor ta = s.copyOf(a, Shape.of(m, k)), tb = s.copyOf(b, Shape.of(k, n));
            Tensor y64 = Ops.matmul(ta, tb, Matmul.options().outDtype(DType.F64));
            assertEquals(DType.F64, y64.dtype());
            HostReference.close(HostReference.matmul(a, b, 1, m, k, n, false, false), y64.toFloatArray(), 1e-4,
                    "f64 out");
            assertTrue(y64.provenance().kernel().endsWith("aclnnCast"), y64.provenance().kernel());
            float[] x = HostReference.random(10, 18);
            Tensor h = Ops.cast(s.copyOf(x, Shape.of(3, 6)), DType.F16);
            HostReference.close(HostReference.round(x, DType.F16), h.toFloatArray(), 0, "cast f16");
        }
    }
}
