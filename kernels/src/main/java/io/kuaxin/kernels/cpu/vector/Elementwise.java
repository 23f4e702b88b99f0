package io.kuaxin.kernels.cpu.vector;

import io.kuaxin.kernels.cpu.Activation;
import io.kuaxin.kernels.cpu.CpuKernels;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static io.kuaxin.kernels.cpu.CpuKernels.MR;
import static io.kuaxin.kernels.cpu.CpuKernels.NR;
import static io.kuaxin.kernels.cpu.vector.VectorMath.*;

/**
 * Dense fp32 elementwise kernels on the Vector API: binary arithmetic, the activations and the GEMM epilogue
 * (bias, then activation, in place on a row of C).
 * <p>The small kernels run unmasked full vectors and finish with a scalar tail: a VectorMask per iteration was not
 * always intrinsified here and then allocated. One small method per op so that each loop body (and
 * {@link VectorMath#expInline}) is inlined: a vector passed to a call C2 does not inline is boxed.
 */
final class Elementwise {

    private Elementwise() {}

    static void epilogue(MemorySegment c, long cOff, int n, MemorySegment bias, long biasOff, Activation act) {
        // One small loop per step, not one loop with a switch of activations: a large loop body calling the big
        // activation helpers is not fully inlined by C2, and then every FloatVector is boxed (MBs per matmul).
        if (bias != null) unaryBiasAdd(c, cOff, n, bias, biasOff);
        switch (act) {
            case NONE -> { }
            case RELU -> unaryRelu(c, cOff, c, cOff, n);
            case GELU_TANH -> unaryGeluTanh(c, cOff, c, cOff, n);
            case GELU_ERF -> unaryGeluErf(c, cOff, c, cOff, n);
            case SILU -> unarySilu(c, cOff, c, cOff, n);
        }
    }

    private static void unaryBiasAdd(MemorySegment c, long cOff, int n, MemorySegment bias, long biasOff) {
        long co = cOff * 4, bo = biasOff * 4;
        int j = 0;
        for (; j + L <= n; j += L) ld(c, co + 4L * j).add(ld(bias, bo + 4L * j)).intoMemorySegment(c, co + 4L * j, NATIVE);
        for (; j < n; j++) c.setAtIndex(F32, cOff + j, c.getAtIndex(F32, cOff + j) + bias.getAtIndex(F32, biasOff + j));
    }

    static void binary(CpuKernels.Binary op, MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        switch (op) {
            case ADD -> add(a, aOff, b, bOff, out, outOff, n);
            case SUB -> sub(a, aOff, b, bOff, out, outOff, n);
            case MUL -> mul(a, aOff, b, bOff, out, outOff, n);
            case DIV -> div(a, aOff, b, bOff, out, outOff, n);
        }
    }

    private static void add(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        long ao = aOff * 4, bo = bOff * 4, oo = outOff * 4;
        int i = 0;
        for (; i + L <= n; i += L) ld(a, ao + 4L * i).add(ld(b, bo + 4L * i)).intoMemorySegment(out, oo + 4L * i, NATIVE);
        for (; i < n; i++) out.setAtIndex(F32, outOff + i, a.getAtIndex(F32, aOff + i) + b.getAtIndex(F32, bOff + i));
    }

    private static void sub(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        long ao = aOff * 4, bo = bOff * 4, oo = outOff * 4;
        int i = 0;
        for (; i + L <= n; i += L) ld(a, ao + 4L * i).sub(ld(b, bo + 4L * i)).intoMemorySegment(out, oo + 4L * i, NATIVE);
        for (; i < n; i++) out.setAtIndex(F32, outOff + i, a.getAtIndex(F32, aOff + i) - b.getAtIndex(F32, bOff + i));
    }

    private static void mul(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        long ao = aOff * 4, bo = bOff * 4, oo = outOff * 4;
        int i = 0;
        for (; i + L <= n; i += L) ld(a, ao + 4L * i).mul(ld(b, bo + 4L * i)).intoMemorySegment(out, oo + 4L * i, NATIVE);
        for (; i < n; i++) out.setAtIndex(F32, outOff + i, a.getAtIndex(F32, aOff + i) * b.getAtIndex(F32, bOff + i));
    }

    private static void div(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        long ao = aOff * 4, bo = bOff * 4, oo = outOff * 4;
        int i = 0;
        for (; i + L <= n; i += L) ld(a, ao + 4L * i).div(ld(b, bo + 4L * i)).intoMemorySegment(out, oo + 4L * i, NATIVE);
        for (; i < n; i++) out.setAtIndex(F32, outOff + i, a.getAtIndex(F32, aOff + i) / b.getAtIndex(F32, bOff + i));
    }

    static void unary(CpuKernels.Unary op, MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        switch (op) {
            case SILU -> unarySilu(x, xOff, out, outOff, n);
            case GELU_TANH -> unaryGeluTanh(x, xOff, out, outOff, n);
            case GELU_ERF -> unaryGeluErf(x, xOff, out, outOff, n);
            case RELU -> unaryRelu(x, xOff, out, outOff, n);
            case EXP -> unaryExp(x, xOff, out, outOff, n);
        }
    }

    private static void unarySilu(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xo = xOff * 4, oo = outOff * 4;
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = ld(x, xo + 4L * i);
            if (v.lt(-80f).anyTrue()) {
                // x·e^x near and below expInline's clamp (tiny and subnormal results; −∞ gives NaN as x/(1 + e^−x)):
                // these vectors take the scalar path
                for (int j = i; j < i + L; j++) out.setAtIndex(F32, outOff + j, Activation.SILU.apply(x.getAtIndex(F32, xOff + j)));
                continue;
            }
            silu(v).intoMemorySegment(out, oo + 4L * i, NATIVE);
        }
        for (; i < n; i++) out.setAtIndex(F32, outOff + i, Activation.SILU.apply(x.getAtIndex(F32, xOff + i)));
    }

    /** 0.5·x·(1 + tanh(u)) = x·sigmoid(2u), u = √(2/π)·(x + 0.044715·x³): one exp, no tanh call. */
    private static void unaryGeluTanh(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xo = xOff * 4, oo = outOff * 4;
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = ld(x, xo + 4L * i);
            FloatVector u2 = v.mul(v).fma(0.044715f, 1f).mul(v).mul(-1.5957691216f); // -2u
            if (u2.compare(VectorOperators.GT, 80f).anyTrue()) {
                // x < −9: e^(−2u) near or past expInline's clamp; the scalar path keeps the tiny tail exact
                for (int j = i; j < i + L; j++) out.setAtIndex(F32, outOff + j, Activation.GELU_TANH.apply(x.getAtIndex(F32, xOff + j)));
                continue;
            }
            v.div(expInline(u2).add(1f)).intoMemorySegment(out, oo + 4L * i, NATIVE);
        }
        for (; i < n; i++) out.setAtIndex(F32, outOff + i, Activation.GELU_TANH.apply(x.getAtIndex(F32, xOff + i)));
    }

    /**
     * 0.5·x·(1 + erf(x/√2)), erf by Numerical Recipes' erfc fit (fractional error < 1.2e-7) as the scalar path, with
     * {@link VectorMath#expInline}'s polynomial written out in the loop: as separate calls C2 did not inline them here
     * and boxed every vector.
     * <p>The negative tail 0.5·x·erfc(|x|/√2) is small, so its relative precision rests on the exponent −z²: z and
     * z² are carried as two floats (an FMA gives each product's rounding error) and the range reduction subtracts
     * n·ln2 from the high part first, where it cancels exactly. That keeps x in [−10, −2] on the vector path (in a
     * MiniLM forward most 16-lane vectors hold such a lane); only lanes below −10, whose results approach fp32's
     * normal range, take the scalar path.
     */
    private static void unaryGeluErf(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xo = xOff * 4, oo = outOff * 4;
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = ld(x, xo + 4L * i);
            if (v.lt(-10f).anyTrue()) {
                for (int j = i; j < i + L; j++) out.setAtIndex(F32, outOff + j, Activation.GELU_ERF.apply(x.getAtIndex(F32, xOff + j)));
                continue;
            }
            FloatVector ax = v.abs();
            FloatVector zh = ax.mul(RSQRT2_HI);                                      // z = |x|/√2 = zh + zl
            FloatVector zl = ax.fma(FloatVector.broadcast(S, RSQRT2_HI), zh.neg()).add(ax.mul(RSQRT2_LO));
            FloatVector sh = zh.mul(zh);                                             // z² = sh + sl
            FloatVector sl = zh.fma(zh, sh.neg()).add(zh.mul(zl).mul(2f));
            FloatVector t = FloatVector.broadcast(S, 1f).div(zh.fma(0.5f, 1f));
            FloatVector p = t.fma(0.17087277f, -0.82215223f);
            p = p.fma(t, FloatVector.broadcast(S, 1.48851587f));
            p = p.fma(t, FloatVector.broadcast(S, -1.13520398f));
            p = p.fma(t, FloatVector.broadcast(S, 0.27886807f));
            p = p.fma(t, FloatVector.broadcast(S, -0.18628806f));
            p = p.fma(t, FloatVector.broadcast(S, 0.09678418f));
            p = p.fma(t, FloatVector.broadcast(S, 0.37409196f));
            p = p.fma(t, FloatVector.broadcast(S, 1.00002368f));
            p = p.fma(t, FloatVector.broadcast(S, -1.26551223f));
            // exp(p − z²): below −87 only for large positive x, where erfc is 0 at fp32 precision (1 + erf = 2)
            FloatVector e = p.sub(sh);
            VectorMask<Float> under = e.lt(-87f);
            FloatVector shc = sh.min(86f);
            FloatVector k = p.sub(shc).fma(1.44269504f, 12582912f);                 // 1.5·2²³ + n
            FloatVector nn = k.sub(12582912f);
            // r = (−sh − n·ln2_hi) + p − sl − n·ln2_lo; n·ln2_hi is exact and cancels against sh exactly
            FloatVector r = nn.fma(FloatVector.broadcast(S, -0.693359375f), shc.neg()).add(p)
                    .sub(sl.blend(0f, under)).sub(nn.mul(-2.12194440e-4f));
            FloatVector q = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
            q = q.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            q = q.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            q = q.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            q = q.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            q = q.mul(r.mul(r)).add(r).add(1f);
            FloatVector scale = k.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats();
            FloatVector erfc = t.mul(q.mul(scale).blend(0f, under));             // erfc(|x|/√2)
            // 1 + erf(x/√2): erfc itself for x < 0 (no cancellation), 2 − erfc otherwise
            FloatVector onePlusErf = erfc.neg().add(2f).blend(erfc, v.lt(0f));
            onePlusErf.mul(v).mul(0.5f).intoMemorySegment(out, oo + 4L * i, NATIVE);
        }
        for (; i < n; i++) out.setAtIndex(F32, outOff + i, Activation.GELU_ERF.apply(x.getAtIndex(F32, xOff + i)));
    }

    /** 1/√2 as a sum of two floats: {@code RSQRT2_HI} rounded, {@code RSQRT2_LO} the rest. */
    private static final float RSQRT2_HI = 0.70710677f;
    private static final float RSQRT2_LO = (float) (0.7071067811865476 - 0.70710677f);

    private static void unaryRelu(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xo = xOff * 4, oo = outOff * 4;
        int i = 0;
        for (; i + L <= n; i += L) ld(x, xo + 4L * i).max(0f).intoMemorySegment(out, oo + 4L * i, NATIVE);
        for (; i < n; i++) out.setAtIndex(F32, outOff + i, Math.max(x.getAtIndex(F32, xOff + i), 0f));
    }

    /** Lanes outside expInline's range [-87.3, 88.3] (subnormal results, overflow, ±∞) take Math.exp per vector. */
    private static void unaryExp(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xo = xOff * 4, oo = outOff * 4;
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = ld(x, xo + 4L * i);
            if (v.lt(-87.3f).or(v.compare(VectorOperators.GT, 88.3f)).anyTrue()) {
                for (int j = i; j < i + L; j++) out.setAtIndex(F32, outOff + j, (float) Math.exp(x.getAtIndex(F32, xOff + j)));
            } else {
                expInline(v).intoMemorySegment(out, oo + 4L * i, NATIVE);
            }
        }
        for (; i < n; i++) out.setAtIndex(F32, outOff + i, (float) Math.exp(x.getAtIndex(F32, xOff + i)));
    }
}
