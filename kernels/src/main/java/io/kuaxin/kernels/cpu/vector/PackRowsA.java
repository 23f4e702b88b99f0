package io.kuaxin.kernels.cpu.vector;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

import static io.kuaxin.kernels.cpu.vector.PackPanelsB.HI1;
import static io.kuaxin.kernels.cpu.vector.PackPanelsB.HI2;
import static io.kuaxin.kernels.cpu.vector.PackPanelsB.HI4;
import static io.kuaxin.kernels.cpu.vector.PackPanelsB.LO1;
import static io.kuaxin.kernels.cpu.vector.PackPanelsB.LO2;
import static io.kuaxin.kernels.cpu.vector.PackPanelsB.LO4;
import static io.kuaxin.kernels.cpu.vector.VectorMath.*;

/**
 * Packing 8 rows of fp32 A for the 8-row GEMM tile ({@code CpuKernels.gemmPackRowsA}, 512-bit vectors only): each
 * 8×16 block (8 rows, 16 consecutive k) becomes 8 vectors of {k, k+1} × 8 rows in registers. Element by element, the
 * strided stores of this layout were 7% of a 32×128 MiniLM forward on one thread (JFR), as much as its attention
 * products.
 * <p>How: the block is a 16×8 transpose. Each row vector first has its lanes reordered so that lane bits 0–2 hold
 * k's bits 1–3 and lane bit 3 holds k's bit 0; then three rounds of two-vector lane selects (those of
 * {@code PackPanelsB.transpose16Whole}) swap the row index's bits with lane bits 0–2, leaving vector j = k/2 with lane
 * (k mod 2)·8 + r.
 */
final class PackRowsA {
    private PackRowsA() {}

    /** Lane l takes k = 2·(l mod 8) + l/8. */
    private static final VectorShuffle<Float> SPREAD =
            L == 16 ? VectorShuffle.fromOp(S, l -> ((l & 7) << 1) | (l >> 3)) : null;

    /** {@code dst[dOff + kk·8 + r] = a[aOff + r·lda + kk]} for r in [0, 8), kk in [0, kc). */
    static void pack8(float[] dst, int dOff, MemorySegment a, long aOff, long lda, int kc) {
        long ld = lda * 4;
        int kk = 0;
        for (; kk + 16 <= kc; kk += 16) {
            long o = (aOff + kk) * 4;
            FloatVector x0 = ld(a, o).rearrange(SPREAD), x1 = ld(a, o + ld).rearrange(SPREAD);
            FloatVector x2 = ld(a, o + 2 * ld).rearrange(SPREAD), x3 = ld(a, o + 3 * ld).rearrange(SPREAD);
            FloatVector x4 = ld(a, o + 4 * ld).rearrange(SPREAD), x5 = ld(a, o + 5 * ld).rearrange(SPREAD);
            FloatVector x6 = ld(a, o + 6 * ld).rearrange(SPREAD), x7 = ld(a, o + 7 * ld).rearrange(SPREAD);
            FloatVector y0 = LO4.selectFrom(x0, x4), y4 = HI4.selectFrom(x0, x4);
            FloatVector y1 = LO4.selectFrom(x1, x5), y5 = HI4.selectFrom(x1, x5);
            FloatVector y2 = LO4.selectFrom(x2, x6), y6 = HI4.selectFrom(x2, x6);
            FloatVector y3 = LO4.selectFrom(x3, x7), y7 = HI4.selectFrom(x3, x7);
            x0 = LO2.selectFrom(y0, y2);
            x2 = HI2.selectFrom(y0, y2);
            x1 = LO2.selectFrom(y1, y3);
            x3 = HI2.selectFrom(y1, y3);
            x4 = LO2.selectFrom(y4, y6);
            x6 = HI2.selectFrom(y4, y6);
            x5 = LO2.selectFrom(y5, y7);
            x7 = HI2.selectFrom(y5, y7);
            int d = dOff + kk * 8;
            LO1.selectFrom(x0, x1).intoArray(dst, d);
            HI1.selectFrom(x0, x1).intoArray(dst, d + 16);
            LO1.selectFrom(x2, x3).intoArray(dst, d + 32);
            HI1.selectFrom(x2, x3).intoArray(dst, d + 48);
            LO1.selectFrom(x4, x5).intoArray(dst, d + 64);
            HI1.selectFrom(x4, x5).intoArray(dst, d + 80);
            LO1.selectFrom(x6, x7).intoArray(dst, d + 96);
            HI1.selectFrom(x6, x7).intoArray(dst, d + 112);
        }
        for (int r = 0; r < 8; r++) {   // the K tail, under 16
            long src = aOff + r * lda;
            for (int t = kk; t < kc; t++) dst[dOff + t * 8 + r] = a.getAtIndex(F32, src + t);
        }
    }
}
