package io.kuaxin.kernels.cpu.vector;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static io.kuaxin.kernels.cpu.CpuKernels.MR;
import static io.kuaxin.kernels.cpu.CpuKernels.NR;
import static io.kuaxin.kernels.cpu.vector.VectorMath.*;

/**
 * Row kernels of attention on the Vector API: the softmax steps over a score row (max, exp-sum, scale), dot and
 * axpy, and the decode-time rows ({@code dotRows}, {@code axpyRows}) that stream K or V past a query held in
 * registers. exp is written out inline in {@code expSum}: C2 does not inline an already-compiled large helper.
 */
final class AttentionRows {

    private AttentionRows() {}

    /**
     * Maximum of the row by compare-and-blend, not {@code FloatVector.max}: Java's max orders −0 below +0 and returns
     * NaN for a NaN lane, which C2 pays for with fix-up instructions on every step (a row of 128 scores: 22 → 13 ns
     * on Zen 5, with two chains). A NaN score is skipped here; it still reaches the output through its own exp. A row
     * with nothing above −∞ but a NaN returns NaN.
     */
    static float max(float[] x, int off, int n) {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) { // two chains: compare and blend are serial within one
            FloatVector v0 = FloatVector.fromArray(S, x, off + i), v1 = FloatVector.fromArray(S, x, off + i + L);
            m0 = m0.blend(v0, m0.lt(v0));
            m1 = m1.blend(v1, m1.lt(v1));
        }
        if (i + L <= n) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            m0 = m0.blend(v, m0.lt(v));
            i += L;
        }
        if (i < n) {
            VectorMask<Float> in = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, off + i, in);
            m1 = m1.blend(v, m1.lt(v).and(in));
        }
        float m = m0.blend(m1, m0.lt(m1)).reduceLanes(VectorOperators.MAX);
        // nothing above −∞: a NaN row must not pass for a fully masked one (attention would write 0 for it)
        if (m == Float.NEGATIVE_INFINITY) for (int j = 0; j < n; j++) if (Float.isNaN(x[off + j])) return Float.NaN;
        return m;
    }

    /**
     * {@code x[i] = exp(x[i] − max)} over [off, off + n), returning the sum; {@code max} must be at least every
     * element (the exponent is then ≤ 0, so only the underflow side is clamped). Whole vectors load and store
     * unmasked and only the tail is masked, so a row shorter than a vector (an 8–16-token sentence) still takes no
     * scalar exp. The clamp is a compare and blend, not {@code FloatVector.max}, for the reason {@link #max} gives.
     */
    static float expSum(float[] x, int off, int n, float max) {
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            boolean whole = i + L <= n;
            VectorMask<Float> in = whole ? null : S.indexInRange(i, n);
            FloatVector v = whole ? FloatVector.fromArray(S, x, off + i) : FloatVector.fromArray(S, x, off + i, in);
            v = v.sub(max);
            // exp, inline (see expInline for the method)
            VectorMask<Float> under = v.lt(-87.3f);
            FloatVector xc = v.blend(-87.3f, under);
            FloatVector t = xc.fma(1.44269504f, 12582912f);
            FloatVector nn = t.sub(12582912f);
            FloatVector r = nn.fma(FloatVector.broadcast(S, -0.693359375f), xc).sub(nn.mul(-2.12194440e-4f));
            FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
            p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            p = p.mul(r.mul(r)).add(r).add(1f);
            FloatVector e = p.mul(t.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .blend(0f, under);
            if (whole) {
                e.intoArray(x, off + i);
                sum = sum.add(e);
            } else {
                e.intoArray(x, off + i, in);
                sum = sum.add(e, in);
            }
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    static void scaleAdd(float[] x, int off, int n, float scale, float[] add, int addOff) {
        int i = 0;
        if (add == null) {
            scale(x, off, n, scale);
            return;
        }
        FloatVector f = FloatVector.broadcast(S, scale);
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(S, x, off + i).fma(f, FloatVector.fromArray(S, add, addOff + i)).intoArray(x, off + i);
        }
        if (i < n) {
            VectorMask<Float> in = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, off + i, in).fma(f, FloatVector.fromArray(S, add, addOff + i, in))
                    .intoArray(x, off + i, in);
        }
    }

    static void scale(float[] x, int off, int n, float f) {
        int i = 0;
        for (; i + L <= n; i += L) FloatVector.fromArray(S, x, off + i).mul(f).intoArray(x, off + i);
        if (i < n) {
            VectorMask<Float> in = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, off + i, in).mul(f).intoArray(x, off + i, in);
        }
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
            s1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), s1);
        }
        for (; i + L <= n; i += L) s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
        if (i < n) { // masked-off lanes load 0 and add nothing
            VectorMask<Float> in = S.indexInRange(i, n);
            s1 = FloatVector.fromArray(S, a, aOff + i, in).fma(FloatVector.fromArray(S, b, bOff + i, in), s1);
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD);
    }

    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i + L <= n; i += L) {
            av.fma(FloatVector.fromArray(S, x, xOff + i), FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> in = S.indexInRange(i, n);
            av.fma(FloatVector.fromArray(S, x, xOff + i, in), FloatVector.fromArray(S, y, yOff + i, in)).intoArray(y, yOff + i, in);
        }
    }

    static void dotRows(float[] q, int qOff, MemorySegment k, long kOff, long kStride, int rows, int d, float[] s, int sOff) {
        for (int j = 0; j < rows; j++) {
            long row = (kOff + j * kStride) * 4;
            FloatVector s0 = FloatVector.zero(S), s1 = s0;
            int p = 0;
            for (; p + 2 * L <= d; p += 2 * L) { // two chains: the FMA latency, not the loads, bounds one chain
                s0 = FloatVector.fromArray(S, q, qOff + p).fma(FloatVector.fromMemorySegment(S, k, row + 4L * p, NATIVE), s0);
                s1 = FloatVector.fromArray(S, q, qOff + p + L).fma(FloatVector.fromMemorySegment(S, k, row + 4L * (p + L), NATIVE), s1);
            }
            for (; p + L <= d; p += L) s0 = FloatVector.fromArray(S, q, qOff + p).fma(FloatVector.fromMemorySegment(S, k, row + 4L * p, NATIVE), s0);
            float acc = s0.add(s1).reduceLanes(VectorOperators.ADD);
            for (; p < d; p++) acc = Math.fma(q[qOff + p], k.get(F32, row + 4L * p), acc);
            s[sOff + j] = acc;
        }
    }

    static void axpyRows(float[] w, int wOff, MemorySegment v, long vOff, long vStride, int rows, int d, float[] o, int oOff) {
        int p = 0;
        // Up to 4 output vectors stay in registers while all rows stream past.
        for (; p + 4 * L <= d; p += 4 * L) {
            FloatVector o0 = FloatVector.fromArray(S, o, oOff + p), o1 = FloatVector.fromArray(S, o, oOff + p + L);
            FloatVector o2 = FloatVector.fromArray(S, o, oOff + p + 2 * L), o3 = FloatVector.fromArray(S, o, oOff + p + 3 * L);
            for (int j = 0; j < rows; j++) {
                long row = (vOff + j * vStride + p) * 4;
                FloatVector wj = FloatVector.broadcast(S, w[wOff + j]);
                o0 = wj.fma(FloatVector.fromMemorySegment(S, v, row, NATIVE), o0);
                o1 = wj.fma(FloatVector.fromMemorySegment(S, v, row + 4L * L, NATIVE), o1);
                o2 = wj.fma(FloatVector.fromMemorySegment(S, v, row + 8L * L, NATIVE), o2);
                o3 = wj.fma(FloatVector.fromMemorySegment(S, v, row + 12L * L, NATIVE), o3);
            }
            o0.intoArray(o, oOff + p);
            o1.intoArray(o, oOff + p + L);
            o2.intoArray(o, oOff + p + 2 * L);
            o3.intoArray(o, oOff + p + 3 * L);
        }
        for (; p + L <= d; p += L) {
            FloatVector o0 = FloatVector.fromArray(S, o, oOff + p);
            for (int j = 0; j < rows; j++) {
                o0 = FloatVector.broadcast(S, w[wOff + j]).fma(FloatVector.fromMemorySegment(S, v, (vOff + j * vStride + p) * 4, NATIVE), o0);
            }
            o0.intoArray(o, oOff + p);
        }
        for (; p < d; p++) {
            float acc = o[oOff + p];
            for (int j = 0; j < rows; j++) acc = Math.fma(w[wOff + j], v.getAtIndex(F32, vOff + j * vStride + p), acc);
            o[oOff + p] = acc;
        }
    }
}
