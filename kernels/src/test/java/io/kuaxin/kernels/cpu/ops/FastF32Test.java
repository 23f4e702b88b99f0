package io.kuaxin.kernels.cpu.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kuaxin.DType;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.spi.TensorRef;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The op-level fast paths at sizes that split over the pool (chunk seams), against fp64 computed here. */
class FastF32Test {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private static TensorRef dense(Arena a, Random r, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        MemorySegment m = a.allocate(4 * Math.max(n, 1), 4);
        for (long i = 0; i < n; i++) m.setAtIndex(F, i, (float) (0.5 + 2 * r.nextDouble()));
        return new TensorRef(m.address(), DType.F32, shape, Rows.dense(shape));
    }

    private static MemorySegment seg(TensorRef t) { return t.segment(); }

    @Test
    void largeBinaryAndUnarySplitOverThePool() {
        Random r = new Random(1);
        try (Arena a = Arena.ofConfined()) {
            int n = 300_001;
            TensorRef x = dense(a, r, n), y = dense(a, r, n), o = dense(a, r, n);
            ElementwiseKernels.binary(Op.DIV, x, y, o);
            for (int i = 0; i < n; i++) {
                assertEquals((float) ((double) seg(x).getAtIndex(F, i) / seg(y).getAtIndex(F, i)), seg(o).getAtIndex(F, i), 0f);
            }
            ElementwiseKernels.unary(Op.EXP, x, o);
            for (int i = 0; i < n; i++) {
                double want = Math.exp(seg(x).getAtIndex(F, i));
                assertEquals(want, seg(o).getAtIndex(F, i), 3e-7 * want);
            }
        }
    }

    @Test
    void largeNormAndSoftmaxSplitOverThePool() {
        Random r = new Random(2);
        try (Arena a = Arena.ofConfined()) {
            int rows = 2000, d = 384;
            TensorRef x = dense(a, r, rows, d), o = dense(a, r, rows, d), g = dense(a, r, d);
            RowKernels.norm(false, x, g, null, o, new NormAttrs(1e-6, true, false));
            for (int row = 0; row < rows; row++) {
                double sq = 0;
                for (int p = 0; p < d; p++) sq += Math.pow(seg(x).getAtIndex(F, (long) row * d + p), 2);
                double inv = 1 / Math.sqrt(sq / d + 1e-6);
                for (int p = 0; p < d; p++) {
                    double want = seg(x).getAtIndex(F, (long) row * d + p) * inv * seg(g).getAtIndex(F, p);
                    assertEquals(want, seg(o).getAtIndex(F, (long) row * d + p), 1e-5 * Math.abs(want) + 1e-6);
                }
            }
            RowKernels.softmax(x, o, 1);
            for (int row = 0; row < rows; row++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int p = 0; p < d; p++) max = Math.max(max, seg(x).getAtIndex(F, (long) row * d + p));
                for (int p = 0; p < d; p++) sum += Math.exp(seg(x).getAtIndex(F, (long) row * d + p) - max);
                for (int p = 0; p < d; p++) {
                    double want = Math.exp(seg(x).getAtIndex(F, (long) row * d + p) - max) / sum;
                    assertEquals(want, seg(o).getAtIndex(F, (long) row * d + p), 4e-6 * want);
                }
            }
        }
    }
}
