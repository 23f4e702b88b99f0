package io.kuaxin.kernels.cpu.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.kuaxin.kernels.cpu.CpuKernels.NR;
import static io.kuaxin.kernels.cpu.vector.VectorMath.*;

/**
 * One row of A times consecutive packed panels of B: the GEMM's panels read as a matrix-vector product (M = 1, the
 * decode step of a model). An R-row tile would spend R rows of FMAs on it; here four panels share each broadcast of
 * A instead, so eight independent FMA chains hide the FMA latency and the loop is bounded by loading B. 512-bit
 * vectors (one pass of two vectors covers a panel's 32 columns).
 * <p>Each element's sum runs over k in order from zero, then {@code alpha·sum (+ beta·C)}, as in the R-row edge
 * tiles: a row gets the same bits here as there.
 */
final class GemvPanels {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private GemvPanels() {}

    static boolean supported() { return NR == 2 * L; }

    /**
     * {@code C[0][j] = alpha·Σ_k A[0][k]·B[k][j] + beta·C[0][j]} for j in [0, cols): A is {@code kc} fp32 elements
     * from element {@code aOff}; panel {@code p} of B starts at {@code bOff + p·panelStride} ({@code [kc][NR]},
     * zero-padded past cols); C is fp32 from element {@code cOff}. {@code beta == 0} never reads C.
     */
    static void rowPanels(int kc, MemorySegment a, long aOff, float[] b, int bOff, int panelStride, int cols,
                          float alpha, float beta, MemorySegment c, long cOff) {
        int panels = (cols + NR - 1) / NR, p = 0;
        for (; p + 4 <= panels; p += 4) {
            four(kc, a, aOff, b, bOff + p * panelStride, panelStride, cols - p * NR, alpha, beta, c, cOff + (long) p * NR);
        }
        for (; p < panels; p++) {
            one(kc, a, aOff, b, bOff + p * panelStride, cols - p * NR, alpha, beta, c, cOff + (long) p * NR);
        }
    }

    private static void four(int kc, MemorySegment a, long aOff, float[] b, int b0, int stride, int cols,
                             float alpha, float beta, MemorySegment c, long cOff) {
        int b1 = b0 + stride, b2 = b1 + stride, b3 = b2 + stride;
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00;
        FloatVector s31 = s00;
        long a0 = aOff * 4;
        for (int k = 0, o = 0; k < kc; k++, o += NR) {
            FloatVector x = FloatVector.broadcast(S, a.get(F32, a0 + 4L * k));
            s00 = x.fma(FloatVector.fromArray(S, b, b0 + o), s00);
            s01 = x.fma(FloatVector.fromArray(S, b, b0 + o + L), s01);
            s10 = x.fma(FloatVector.fromArray(S, b, b1 + o), s10);
            s11 = x.fma(FloatVector.fromArray(S, b, b1 + o + L), s11);
            s20 = x.fma(FloatVector.fromArray(S, b, b2 + o), s20);
            s21 = x.fma(FloatVector.fromArray(S, b, b2 + o + L), s21);
            s30 = x.fma(FloatVector.fromArray(S, b, b3 + o), s30);
            s31 = x.fma(FloatVector.fromArray(S, b, b3 + o + L), s31);
        }
        store(s00, 0, cols, alpha, beta, c, cOff);
        store(s01, L, cols, alpha, beta, c, cOff);
        store(s10, NR, cols, alpha, beta, c, cOff);
        store(s11, NR + L, cols, alpha, beta, c, cOff);
        store(s20, 2 * NR, cols, alpha, beta, c, cOff);
        store(s21, 2 * NR + L, cols, alpha, beta, c, cOff);
        store(s30, 3 * NR, cols, alpha, beta, c, cOff);
        store(s31, 3 * NR + L, cols, alpha, beta, c, cOff);
    }

    private static void one(int kc, MemorySegment a, long aOff, float[] b, int b0, int cols,
                            float alpha, float beta, MemorySegment c, long cOff) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        long a0 = aOff * 4;
        for (int k = 0, o = b0; k < kc; k++, o += NR) {
            FloatVector x = FloatVector.broadcast(S, a.get(F32, a0 + 4L * k));
            s0 = x.fma(FloatVector.fromArray(S, b, o), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, o + L), s1);
        }
        store(s0, 0, cols, alpha, beta, c, cOff);
        store(s1, L, cols, alpha, beta, c, cOff);
    }

    /** Columns [j, j + L) of the row: {@code alpha·sum}, plus {@code beta·C} when beta ≠ 0; nothing past cols. */
    private static void store(FloatVector sum, int j, int cols, float alpha, float beta, MemorySegment c, long cOff) {
        if (j >= cols) return;
        long o = (cOff + j) * 4;
        FloatVector v = sum.mul(alpha);
        if (j + L <= cols) {
            if (beta != 0f) v = FloatVector.fromMemorySegment(S, c, o, NATIVE).mul(beta).add(v);
            v.intoMemorySegment(c, o, NATIVE);
        } else {
            VectorMask<Float> m = S.indexInRange(j, cols);
            if (beta != 0f) v = FloatVector.fromMemorySegment(S, c, o, NATIVE, m).mul(beta).add(v);
            v.intoMemorySegment(c, o, NATIVE, m);
        }
    }
}
