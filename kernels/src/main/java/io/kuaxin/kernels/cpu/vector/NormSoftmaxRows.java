package io.kuaxin.kernels.cpu.vector;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static io.kuaxin.kernels.cpu.CpuKernels.MR;
import static io.kuaxin.kernels.cpu.CpuKernels.NR;
import static io.kuaxin.kernels.cpu.vector.VectorMath.*;

/** Row-wise layer norm / RMS norm and softmax over dense fp32 rows, on the Vector API (sums in two passes). */
final class NormSoftmaxRows {

    private NormSoftmaxRows() {}

    static void normRows(boolean center, MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d,
                         MemorySegment gamma, MemorySegment beta, double eps) {
        for (int r = 0; r < rows; r++) {
            long xo = xOff + (long) r * d, oo = outOff + (long) r * d;
            float mean = center ? rowSum(x, xo, d) / d : 0f;
            float inv = (float) (1 / Math.sqrt((double) rowSquares(x, xo, d, mean) / d + eps));
            normApply(x, xo, out, oo, d, mean, inv, gamma, beta);
        }
    }

    /** Σ x, four fp32 vector chains. */
    private static float rowSum(MemorySegment x, long off, int n) {
        long xo = off * 4;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            long o = xo + 4L * i;
            s0 = s0.add(ld(x, o));
            s1 = s1.add(ld(x, o + 4L * L));
            s2 = s2.add(ld(x, o + 8L * L));
            s3 = s3.add(ld(x, o + 12L * L));
        }
        for (; i + L <= n; i += L) s0 = s0.add(ld(x, xo + 4L * i));
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += x.getAtIndex(F32, off + i);
        return s;
    }

    /** Σ (x − mean)², four fp32 vector chains. */
    private static float rowSquares(MemorySegment x, long off, int n, float mean) {
        long xo = off * 4;
        FloatVector m = FloatVector.broadcast(S, mean);
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            long o = xo + 4L * i;
            FloatVector v0 = ld(x, o).sub(m), v1 = ld(x, o + 4L * L).sub(m);
            s0 = v0.fma(v0, s0);
            s1 = v1.fma(v1, s1);
            FloatVector v2 = ld(x, o + 8L * L).sub(m), v3 = ld(x, o + 12L * L).sub(m);
            s2 = v2.fma(v2, s2);
            s3 = v3.fma(v3, s3);
        }
        for (; i + L <= n; i += L) {
            FloatVector v = ld(x, xo + 4L * i).sub(m);
            s0 = v.fma(v, s0);
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float v = x.getAtIndex(F32, off + i) - mean;
            s = Math.fma(v, v, s);
        }
        return s;
    }

    /**
     * {@code out = (x − mean)·inv (·gamma) (+ beta)}. One method for every form: a rare one (RMS norm without beta,
     * once per forward for an embedding's L2 norm) would otherwise stay out of C2 and run the Vector API's boxing
     * fallback; here it runs in the code the frequent layer norms keep compiled.
     */
    private static void normApply(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, float mean,
                                  float inv, MemorySegment gamma, MemorySegment beta) {
        long xo = xOff * 4, oo = outOff * 4;
        FloatVector m = FloatVector.broadcast(S, mean), s = FloatVector.broadcast(S, inv);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = ld(x, xo + 4L * i).sub(m).mul(s);
            if (gamma != null) v = v.mul(ld(gamma, 4L * i));
            if (beta != null) v = v.add(ld(beta, 4L * i));
            v.intoMemorySegment(out, oo + 4L * i, NATIVE);
        }
        for (; i < n; i++) {
            float y = (x.getAtIndex(F32, xOff + i) - mean) * inv;
            if (gamma != null) y *= gamma.getAtIndex(F32, i);
            if (beta != null) y += beta.getAtIndex(F32, i);
            out.setAtIndex(F32, outOff + i, y);
        }
    }

    static void softmaxRows(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            long xo = xOff + (long) r * n, oo = outOff + (long) r * n;
            float max = rowMax(x, xo, n);
            double sum = rowExpSum(x, xo, out, oo, n, max);
            scaleRow(out, oo, n, (float) (1 / sum));
        }
    }

    private static float rowMax(MemorySegment x, long off, int n) {
        long xo = off * 4;
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            m0 = m0.max(ld(x, xo + 4L * i));
            m1 = m1.max(ld(x, xo + 4L * (i + L)));
        }
        for (; i + L <= n; i += L) m0 = m0.max(ld(x, xo + 4L * i));
        float r = m0.max(m1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) r = Math.max(r, x.getAtIndex(F32, off + i));
        return r;
    }

    /** {@code out = exp(x − max)}; returns the sum (expSum's arithmetic, from a segment into another). */
    private static double rowExpSum(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, float max) {
        long xo = xOff * 4, oo = outOff * 4;
        double s = 0;  // fp32 lane sums over at most 8 vectors, then into double: bounded rounding for any n
        int i = 0;
        while (i + L <= n) {
            FloatVector sum = FloatVector.zero(S);
            for (int end = Math.min(n, i + 8 * L); i + L <= end; i += L) {
                FloatVector e = expInline(ld(x, xo + 4L * i).sub(max));
                e.intoMemorySegment(out, oo + 4L * i, NATIVE);
                sum = sum.add(e);
            }
            s += sum.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float e = (float) Math.exp(x.getAtIndex(F32, xOff + i) - max);
            out.setAtIndex(F32, outOff + i, e);
            s += e;
        }
        return s;
    }

    private static void scaleRow(MemorySegment x, long off, int n, float f) {
        long xo = off * 4;
        int i = 0;
        for (; i + L <= n; i += L) ld(x, xo + 4L * i).mul(f).intoMemorySegment(x, xo + 4L * i, NATIVE);
        for (; i < n; i++) x.setAtIndex(F32, off + i, x.getAtIndex(F32, off + i) * f);
    }
}
