package io.kuaxin.kernels.cpu.vector;

import io.kuaxin.kernels.cpu.Activation;
import io.kuaxin.kernels.cpu.CpuKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Loaded reflectively by {@code CpuKernels.instance()}; the constructor throws (and the scalar
 * kernels are used) when the preferred vector is narrower than 256 bits.
 * <p>Register budget: the 4-row tiles keep 12 vectors live (8 accumulators + 2 B rows + 1 broadcast). On 512-bit
 * vectors (32 registers) the GEMM tile has 8 rows instead: 16 accumulators + 2 + 1 = 19 live, which C2 keeps in
 * registers on JDK 25 (measured alone on Zen 5: 201 vs 181 GFLOP/s for 4 rows; {@code TileShapes}); with 16
 * registers (AVX2) that would spill, so 256-bit vectors keep 4 rows.
 */
public final class VectorCpuKernels implements CpuKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** The 32-wide tile is covered in passes of two vectors per row: 1 pass at 512 bits, 2 at 256. */
    private static final int PASSES = NR / (2 * L);
    /** GEMM tile rows: 8 when one 512-bit pass covers the 32 columns (enough registers), else {@link #MR}. */
    private static final int GEMM_ROWS = PASSES == 1 && L == 16 ? 8 : MR;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(IS.length() * 8));
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    public VectorCpuKernels() {
        if (S.vectorBitSize() < 256) {
            throw new UnsupportedOperationException("preferred vector is " + S.vectorBitSize() + " bits (< 256)");
        }
        if (NR % (2 * L) != 0) throw new UnsupportedOperationException("unsupported vector length " + L);
    }

    @Override
    public String name() { return "vector (" + S.vectorBitSize() + "-bit, " + L + " floats)"; }

    @Override
    public int gemmRows() { return GEMM_ROWS; }

    // ----------------------------------------------------------------------------------------------- GEMM tiles

    @Override
    public void gemmTile(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta,
                         MemorySegment c, long cOff, long ldc) {
        if (GEMM_ROWS == 8) {
            gemmTile8(kc, a, aOff, b, bOff, alpha, beta, c, cOff, ldc);
            return;
        }
        for (int pass = 0; pass < PASSES; pass++) {
            int col = pass * 2 * L;
            FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
            FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            for (int p = 0, ai = aOff, bi = bOff + col; p < kc; p++, ai += MR, bi += NR) {
                FloatVector b0 = FloatVector.fromArray(S, b, bi);
                FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
                FloatVector x = FloatVector.broadcast(S, a[ai]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[ai + 1]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[ai + 2]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[ai + 3]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
            // Stores written out, not through a helper: a helper that C2 declines to inline (this method is near
            // its inlining budget) receives its vector argument boxed, i.e. allocates per tile.
            long o0 = (cOff + col) * 4, ld = ldc * 4, o1 = o0 + ld, o2 = o1 + ld, o3 = o2 + ld, v1 = (long) L * 4;
            if (beta == 0f) {
                c00.mul(alpha).intoMemorySegment(c, o0, NATIVE);
                c01.mul(alpha).intoMemorySegment(c, o0 + v1, NATIVE);
                c10.mul(alpha).intoMemorySegment(c, o1, NATIVE);
                c11.mul(alpha).intoMemorySegment(c, o1 + v1, NATIVE);
                c20.mul(alpha).intoMemorySegment(c, o2, NATIVE);
                c21.mul(alpha).intoMemorySegment(c, o2 + v1, NATIVE);
                c30.mul(alpha).intoMemorySegment(c, o3, NATIVE);
                c31.mul(alpha).intoMemorySegment(c, o3 + v1, NATIVE);
            } else {
                c00.mul(alpha).add(FloatVector.fromMemorySegment(S, c, o0, NATIVE).mul(beta)).intoMemorySegment(c, o0, NATIVE);
                c01.mul(alpha).add(FloatVector.fromMemorySegment(S, c, o0 + v1, NATIVE).mul(beta)).intoMemorySegment(c, o0 + v1, NATIVE);
                c10.mul(alpha).add(FloatVector.fromMemorySegment(S, c, o1, NATIVE).mul(beta)).intoMemorySegment(c, o1, NATIVE);
                c11.mul(alpha).add(FloatVector.fromMemorySegment(S, c, o1 + v1, NATIVE).mul(beta)).intoMemorySegment(c, o1 + v1, NATIVE);
                c20.mul(alpha).add(FloatVector.fromMemorySegment(S, c, o2, NATIVE).mul(beta)).intoMemorySegment(c, o2, NATIVE);
                c21.mul(alpha).add(FloatVector.fromMemorySegment(S, c, o2 + v1, NATIVE).mul(beta)).intoMemorySegment(c, o2 + v1, NATIVE);
                c30.mul(alpha).add(FloatVector.fromMemorySegment(S, c, o3, NATIVE).mul(beta)).intoMemorySegment(c, o3, NATIVE);
                c31.mul(alpha).add(FloatVector.fromMemorySegment(S, c, o3 + v1, NATIVE).mul(beta)).intoMemorySegment(c, o3 + v1, NATIVE);
            }
        }
    }

    @Override
    public void gemmTileToArray(int kc, float[] a, int aOff, float[] b, int bOff, float[] out) {
        if (GEMM_ROWS == 8) {
            gemmTile8ToArray(kc, a, aOff, b, bOff, out);
            return;
        }
        for (int pass = 0; pass < PASSES; pass++) {
            int col = pass * 2 * L;
            FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
            FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            for (int p = 0, ai = aOff, bi = bOff + col; p < kc; p++, ai += MR, bi += NR) {
                FloatVector b0 = FloatVector.fromArray(S, b, bi);
                FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
                FloatVector x = FloatVector.broadcast(S, a[ai]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[ai + 1]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[ai + 2]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[ai + 3]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
            c00.intoArray(out, col);
            c01.intoArray(out, col + L);
            c10.intoArray(out, NR + col);
            c11.intoArray(out, NR + col + L);
            c20.intoArray(out, 2 * NR + col);
            c21.intoArray(out, 2 * NR + col + L);
            c30.intoArray(out, 3 * NR + col);
            c31.intoArray(out, 3 * NR + col + L);
        }
    }

    /** Per-thread landing area of the 8×32 tile's sums (row-major, 8·NR floats). */
    private static final ThreadLocal<float[]> TILE8 = ThreadLocal.withInitial(() -> new float[8 * NR]);

    /**
     * The 8×32 GEMM tile (512-bit vectors only): sums land in a per-thread array, then a small loop applies alpha
     * and beta to C. Kept as two small methods on purpose: one method holding the 16 accumulators and all 16
     * stores was too large for C1 ("out of virtual registers") and, when C2 was late, ran interpreted (≈ 80× slower).
     */
    private static void gemmTile8(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta,
                                  MemorySegment c, long cOff, long ldc) {
        float[] t = TILE8.get();
        gemmTile8ToArray(kc, a, aOff, b, bOff, t);
        long ld = ldc * 4, v1 = (long) L * 4;
        for (int r = 0; r < 8; r++) {
            long o = (cOff + r * ldc) * 4;
            FloatVector s0 = FloatVector.fromArray(S, t, r * NR).mul(alpha);
            FloatVector s1 = FloatVector.fromArray(S, t, r * NR + L).mul(alpha);
            if (beta != 0f) {
                s0 = FloatVector.fromMemorySegment(S, c, o, NATIVE).mul(beta).add(s0);
                s1 = FloatVector.fromMemorySegment(S, c, o + v1, NATIVE).mul(beta).add(s1);
            }
            s0.intoMemorySegment(c, o, NATIVE);
            s1.intoMemorySegment(c, o + v1, NATIVE);
        }
    }

    /** The 8×32 tile's raw sums into {@code out[0..8·NR)}, row-major. */
    private static void gemmTile8ToArray(int kc, float[] a, int aOff, float[] b, int bOff, float[] out) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00;
        FloatVector c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += 8, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(out, 0);
        c01.intoArray(out, L);
        c10.intoArray(out, NR);
        c11.intoArray(out, NR + L);
        c20.intoArray(out, 2 * NR);
        c21.intoArray(out, 2 * NR + L);
        c30.intoArray(out, 3 * NR);
        c31.intoArray(out, 3 * NR + L);
        c40.intoArray(out, 4 * NR);
        c41.intoArray(out, 4 * NR + L);
        c50.intoArray(out, 5 * NR);
        c51.intoArray(out, 5 * NR + L);
        c60.intoArray(out, 6 * NR);
        c61.intoArray(out, 6 * NR + L);
        c70.intoArray(out, 7 * NR);
        c71.intoArray(out, 7 * NR + L);
    }

    @Override
    public void tileRowMajor(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
                             float[] out, int outOff, int ldo, boolean accumulate) {
        int a1 = aOff + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int pass = 0; pass < PASSES; pass++) {
            int col = pass * 2 * L;
            int o0 = outOff + col, o1 = o0 + ldo, o2 = o1 + ldo, o3 = o2 + ldo;
            FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
            if (accumulate) {
                c00 = FloatVector.fromArray(S, out, o0);
                c01 = FloatVector.fromArray(S, out, o0 + L);
                c10 = FloatVector.fromArray(S, out, o1);
                c11 = FloatVector.fromArray(S, out, o1 + L);
                c20 = FloatVector.fromArray(S, out, o2);
                c21 = FloatVector.fromArray(S, out, o2 + L);
                c30 = FloatVector.fromArray(S, out, o3);
                c31 = FloatVector.fromArray(S, out, o3 + L);
            } else {
                c00 = FloatVector.zero(S);
                c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
            }
            for (int p = 0, bi = bOff + col; p < kc; p++, bi += NR) {
                FloatVector b0 = FloatVector.fromArray(S, b, bi);
                FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
                FloatVector x = FloatVector.broadcast(S, a[aOff + p]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[a1 + p]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[a2 + p]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[a3 + p]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
            c00.intoArray(out, o0);
            c01.intoArray(out, o0 + L);
            c10.intoArray(out, o1);
            c11.intoArray(out, o1 + L);
            c20.intoArray(out, o2);
            c21.intoArray(out, o2 + L);
            c30.intoArray(out, o3);
            c31.intoArray(out, o3 + L);
        }
    }

    // ------------------------------------------------------------------------------------------------ epilogue
    // The small kernels below run unmasked full vectors and finish with a scalar tail: a VectorMask per iteration
    // was not always intrinsified here and then allocated. exp is written out where used (see expSum) because
    // C2 does not inline an already-compiled large helper, and a vector passed to a non-inlined call is boxed.

    @Override
    public void epilogue(MemorySegment c, long cOff, int n, MemorySegment bias, long biasOff, Activation act) {
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

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private static FloatVector silu(FloatVector x) {
        return x.div(expInline(x.neg()).add(1f));
    }

    /**
     * exp for fp32 lanes (Cephes expf polynomial, ≤ 2 ulp): round x·log2(e) to n with the 1.5·2²³ trick, reduce,
     * evaluate, scale by 2ⁿ through the exponent bits. Far cheaper than the SVML call behind
     * {@code VectorOperators.EXP}; inputs below -87.3 (including -∞) give exactly 0. Used where it is inlined
     * (small callers); expSum repeats it inline.
     */
    private static FloatVector expInline(FloatVector x) {
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

    // ---------------------------------------------------------------------------------------------------- int8

    @Override
    public void s8Gemv(byte[] a, int aOff, int k, byte[] b, int ldb, int n, int[] out) {
        int il = IS.length();
        int j = 0;
        // 4 int accumulators per 4·il columns; B rows widened byte→int on load.
        for (; j + 4 * il <= n; j += 4 * il) {
            IntVector s0 = IntVector.zero(IS), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0, bo = j; p < k; p++, bo += ldb) {
                int av = a[aOff + p];
                s0 = s0.add(widen(b, bo).mul(av));
                s1 = s1.add(widen(b, bo + il).mul(av));
                s2 = s2.add(widen(b, bo + 2 * il).mul(av));
                s3 = s3.add(widen(b, bo + 3 * il).mul(av));
            }
            s0.intoArray(out, j);
            s1.intoArray(out, j + il);
            s2.intoArray(out, j + 2 * il);
            s3.intoArray(out, j + 3 * il);
        }
        for (; j < n; j++) {
            int s = 0;
            for (int p = 0; p < k; p++) s += a[aOff + p] * b[p * ldb + j];
            out[j] = s;
        }
    }

    private static IntVector widen(byte[] b, int off) {
        return (IntVector) ByteVector.fromArray(BS, b, off).convertShape(VectorOperators.B2I, IS, 0);
    }

    // ----------------------------------------------------------------------------------------- softmax helpers

    @Override
    public float max(float[] x, int off, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + L <= n; i += L) m = m.max(FloatVector.fromArray(S, x, off + i));
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) r = Math.max(r, x[off + i]);
        return r;
    }

    @Override
    public float expSum(float[] x, int off, int n, float max) {
        FloatVector sum = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i).sub(max);
            // exp, inline (see expInline for the method)
            VectorMask<Float> under = v.lt(-87.3f);
            FloatVector xc = v.max(-87.3f).min(88.3f);
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
            e.intoArray(x, off + i);
            sum = sum.add(e);
        }
        float s = sum.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            s += e;
        }
        return s;
    }

    @Override
    public void scaleAdd(float[] x, int off, int n, float scale, float[] add, int addOff) {
        int i = 0;
        if (add == null) {
            for (; i + L <= n; i += L) FloatVector.fromArray(S, x, off + i).mul(scale).intoArray(x, off + i);
            for (; i < n; i++) x[off + i] *= scale;
        } else {
            for (; i + L <= n; i += L) {
                FloatVector.fromArray(S, x, off + i).fma(FloatVector.broadcast(S, scale), FloatVector.fromArray(S, add, addOff + i))
                        .intoArray(x, off + i);
            }
            for (; i < n; i++) x[off + i] = x[off + i] * scale + add[addOff + i];
        }
    }

    @Override
    public void scale(float[] x, int off, int n, float f) {
        int i = 0;
        for (; i + L <= n; i += L) FloatVector.fromArray(S, x, off + i).mul(f).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] *= f;
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
            s1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), s1);
        }
        for (; i + L <= n; i += L) s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s = Math.fma(a[aOff + i], b[bOff + i], s);
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i + L <= n; i += L) {
            av.fma(FloatVector.fromArray(S, x, xOff + i), FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }

    @Override
    public void dotRows(float[] q, int qOff, MemorySegment k, long kOff, long kStride, int rows, int d, float[] s, int sOff) {
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

    @Override
    public void axpyRows(float[] w, int wOff, MemorySegment v, long vOff, long vStride, int rows, int d, float[] o, int oOff) {
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

    // ------------------------------------------------------------------------------- dense fp32 fast paths
    // One small method per op so that each loop body (and expInline) is inlined; full vectors, then a scalar tail.

    private static FloatVector ld(MemorySegment m, long byteOff) { return FloatVector.fromMemorySegment(S, m, byteOff, NATIVE); }

    @Override
    public void binary(Binary op, MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
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

    @Override
    public void unary(Unary op, MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
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
     * {@link #expInline}'s polynomial written out in the loop: as separate calls C2 did not inline them here and
     * boxed every vector.
     */
    private static void unaryGeluErf(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xo = xOff * 4, oo = outOff * 4;
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = ld(x, xo + 4L * i);
            if (v.lt(-2f).anyTrue()) {
                // the tail 0.5·x·erfc(|x|/√2): in fp32, z² loses ~z²·2^-23 relative, so these lanes take the
                // scalar path (argument and exponent in double)
                for (int j = i; j < i + L; j++) out.setAtIndex(F32, outOff + j, Activation.GELU_ERF.apply(x.getAtIndex(F32, xOff + j)));
                continue;
            }
            FloatVector z = v.mul(0.70710678f).abs();
            FloatVector t = FloatVector.broadcast(S, 1f).div(z.fma(0.5f, 1f));
            FloatVector p = t.fma(0.17087277f, -0.82215223f);
            p = p.fma(t, FloatVector.broadcast(S, 1.48851587f));
            p = p.fma(t, FloatVector.broadcast(S, -1.13520398f));
            p = p.fma(t, FloatVector.broadcast(S, 0.27886807f));
            p = p.fma(t, FloatVector.broadcast(S, -0.18628806f));
            p = p.fma(t, FloatVector.broadcast(S, 0.09678418f));
            p = p.fma(t, FloatVector.broadcast(S, 0.37409196f));
            p = p.fma(t, FloatVector.broadcast(S, 1.00002368f));
            p = p.fma(t, FloatVector.broadcast(S, -1.26551223f));
            // exp(p - z²), as expInline: exponent <= 0 here, so only the lower clamp matters
            FloatVector e = p.sub(z.mul(z));
            VectorMask<Float> under = e.lt(-87.3f);
            FloatVector ec = e.max(-87.3f);
            FloatVector k = ec.fma(1.44269504f, 12582912f);
            FloatVector nn = k.sub(12582912f);
            FloatVector r = nn.fma(FloatVector.broadcast(S, -0.693359375f), ec).sub(nn.mul(-2.12194440e-4f));
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

    @Override
    public void normRows(boolean center, MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d,
                         MemorySegment gamma, MemorySegment beta, double eps) {
        for (int r = 0; r < rows; r++) {
            long xo = xOff + (long) r * d, oo = outOff + (long) r * d;
            float mean = center ? rowSum(x, xo, d) / d : 0f;
            float inv = (float) (1 / Math.sqrt((double) rowSquares(x, xo, d, mean) / d + eps));
            if (gamma != null && beta != null) normAffine(x, xo, out, oo, d, mean, inv, gamma, beta);
            else normScale(x, xo, out, oo, d, mean, inv, gamma);
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

    /** {@code out = (x − mean)·inv·gamma + beta}. */
    private static void normAffine(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, float mean, float inv,
                                   MemorySegment gamma, MemorySegment beta) {
        long xo = xOff * 4, oo = outOff * 4;
        FloatVector m = FloatVector.broadcast(S, mean), s = FloatVector.broadcast(S, inv);
        int i = 0;
        for (; i + L <= n; i += L) {
            ld(x, xo + 4L * i).sub(m).mul(s).mul(ld(gamma, 4L * i)).add(ld(beta, 4L * i)).intoMemorySegment(out, oo + 4L * i, NATIVE);
        }
        for (; i < n; i++) {
            float y = (x.getAtIndex(F32, xOff + i) - mean) * inv * gamma.getAtIndex(F32, i) + beta.getAtIndex(F32, i);
            out.setAtIndex(F32, outOff + i, y);
        }
    }

    /** {@code out = (x − mean)·inv (·gamma)}; no beta. */
    private static void normScale(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, float mean, float inv,
                                  MemorySegment gamma) {
        long xo = xOff * 4, oo = outOff * 4;
        FloatVector m = FloatVector.broadcast(S, mean), s = FloatVector.broadcast(S, inv);
        int i = 0;
        if (gamma != null) {
            for (; i + L <= n; i += L) ld(x, xo + 4L * i).sub(m).mul(s).mul(ld(gamma, 4L * i)).intoMemorySegment(out, oo + 4L * i, NATIVE);
            for (; i < n; i++) out.setAtIndex(F32, outOff + i, (x.getAtIndex(F32, xOff + i) - mean) * inv * gamma.getAtIndex(F32, i));
        } else {
            for (; i + L <= n; i += L) ld(x, xo + 4L * i).sub(m).mul(s).intoMemorySegment(out, oo + 4L * i, NATIVE);
            for (; i < n; i++) out.setAtIndex(F32, outOff + i, (x.getAtIndex(F32, xOff + i) - mean) * inv);
        }
    }

    @Override
    public void softmaxRows(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int n) {
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
