package io.kuaxin.kernels.cpu.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** What the Vector API kernels share: the species, the fp32 layout, a segment load, and the exp and SiLU polynomials. */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private VectorMath() {}

    static FloatVector ld(MemorySegment m, long byteOff) { return FloatVector.fromMemorySegment(S, m, byteOff, NATIVE); }

    static FloatVector silu(FloatVector x) {
        return x.div(expInline(x.neg()).add(1f));
    }

    /**
     * exp for fp32 lanes (Cephes expf polynomial, ≤ 2 ulp): round x·log2(e) to n with the 1.5·2²³ trick, reduce,
     * evaluate, scale by 2ⁿ through the exponent bits. Far cheaper than the SVML call behind
     * {@code VectorOperators.EXP}; inputs below -87.3 (including -∞) give exactly 0. Used where it is inlined
     * (small callers); expSum repeats it inline.
     */
    static FloatVector expInline(FloatVector x) {
        VectorMask<Float> under = x.lt(-87.3f);
        FloatVector xc = x.max(-87.3f).min(88.3f);
        FloatVector t = xc.fma(1.44269504f, 12582912f);          // 1.5·2²³ + n in the low mantissa bits
        FloatVector n = t.sub(12582912f);
        FloatVector r = n.fma(FloatVector.broadcast(S, -0.693359375f), xc).sub(n.mul(-2.12194440e-4f)); // x - n·ln2
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
        p = p.mul(r.mul(r)).add(r).add(1f);
        FloatVector scale = t.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale).blend(0f, under);
    }
}
