package io.kuaxin.kernels.cpu.vector;

import io.kuaxin.kernels.cpu.CpuKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static io.kuaxin.kernels.cpu.CpuKernels.MR;
import static io.kuaxin.kernels.cpu.CpuKernels.NR;
import static io.kuaxin.kernels.cpu.vector.VectorMath.*;

/**
 * GEMM register tiles on the Vector API: the R×32 tile that {@code CpuGemm} drives over packed panels (R = 8 rows on
 * 512-bit vectors, else 4) and the 4×32 row-major tile attention uses for Q·Kᵀ and P·V.
 * <p>Register budget: the 4-row tiles keep 12 vectors live (8 accumulators + 2 B rows + 1 broadcast). On 512-bit
 * vectors (32 registers) the GEMM tile has 8 rows instead: 16 accumulators + 2 + 1 = 19 live, which C2 keeps in
 * registers on JDK 25 (measured alone on Zen 5: 201 vs 181 GFLOP/s for 4 rows; {@code TileShapes}); with 16
 * registers (AVX2) that would spill, so 256-bit vectors keep 4 rows.
 * <p>C1: every method here must also compile at tier 3 (C1 with profiling). A method C1 gives up on ("out of virtual
 * registers") can stay on its tier-2 code for good, when it was compiled there first while C2 was busy: tier 2 keeps
 * no profile, so C2 is never asked. That ran 8×8×8 GEMMs 47× slower ({@code -XX:Tier3DelayOn=0} forces the order).
 * Hence the split methods here and in {@link PackPanelsB}; {@code TierThreeCompileTest} compiles the hot kernels at tier 3 and fails on any
 * such bail-out.
 */
final class GemmTiles {
    /** The 32-wide tile is covered in passes of two vectors per row: 1 pass at 512 bits, 2 at 256. */
    static final int PASSES = NR / (2 * L);
    /** GEMM tile rows: 8 when one 512-bit pass covers the 32 columns (enough registers), else {@link CpuKernels#MR}. */
    static final int ROWS = PASSES == 1 && L == 16 ? 8 : MR;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private GemmTiles() {}

    static void gemmTile(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta,
                         MemorySegment c, long cOff, long ldc) {
        if (ROWS == 8) {
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

    static void gemmTileToArray(int kc, float[] a, int aOff, float[] b, int bOff, float[] out) {
        if (ROWS == 8) {
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

    /** {@code CpuKernels.gemmWarm}: two vectors per step, two accumulators, a scalar tail. */
    static float warm(float[] a, int from, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        int i = from, end = from + n;
        for (; i + 2 * L <= end; i += 2 * L) {
            s0 = s0.add(FloatVector.fromArray(S, a, i));
            s1 = s1.add(FloatVector.fromArray(S, a, i + L));
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < end; i++) s += a[i];
        return s;
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
        if (beta == 0f) {
            gemmTile8Store(kc, a, aOff, b, bOff, alpha, c, cOff, ldc);
            return;
        }
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

    /**
     * The 8×32 tile with beta = 0: alpha·sums go straight into C, without the round trip through the per-thread
     * array (C is not read, so the 16 stores are the only extra work after the K loop).
     */
    private static void gemmTile8Store(int kc, float[] a, int aOff, float[] b, int bOff, float alpha,
                                       MemorySegment c, long cOff, long ldc) {
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
        long ld = ldc * 4, v1 = (long) L * 4, o = cOff * 4;
        c00.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c01.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += ld;
        c10.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c11.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += ld;
        c20.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c21.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += ld;
        c30.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c31.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += ld;
        c40.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c41.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += ld;
        c50.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c51.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += ld;
        c60.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c61.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += ld;
        c70.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c71.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
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

    /**
     * The 8×32 tile reading A in place (fp32 rows of {@code a} from element {@code aOff}, row stride {@code lda}) instead
     * of from a packed panel: for small M and narrow N packing A cost as much as the tile (each A element feeds
     * only N/16 vector FMAs), so it is skipped. Beta = 0 stores alpha·sums straight into C; otherwise the sums go
     * through the per-thread array as in {@link #gemmTile8}.
     */
    static void gemmTile8RowsA(int kc, MemorySegment a, long aOff, long lda, float[] b, int bOff, float alpha, float beta,
                               MemorySegment c, long cOff, long ldc) {
        if (beta == 0f) {
            gemmTile8RowsAStore(kc, a, aOff, lda, b, bOff, alpha, c, cOff, ldc);
            return;
        }
        float[] t = TILE8.get();
        gemmTile8RowsAToArray(kc, a, aOff, lda, 8, b, bOff, t);
        long v1 = (long) L * 4;
        for (int r = 0; r < 8; r++) {
            long o = (cOff + r * ldc) * 4;
            FloatVector s0 = FloatVector.fromArray(S, t, r * NR).mul(alpha);
            FloatVector s1 = FloatVector.fromArray(S, t, r * NR + L).mul(alpha);
            s0 = FloatVector.fromMemorySegment(S, c, o, NATIVE).mul(beta).add(s0);
            s1 = FloatVector.fromMemorySegment(S, c, o + v1, NATIVE).mul(beta).add(s1);
            s0.intoMemorySegment(c, o, NATIVE);
            s1.intoMemorySegment(c, o + v1, NATIVE);
        }
    }

    private static void gemmTile8RowsAStore(int kc, MemorySegment a, long aOff, long lda, float[] b, int bOff,
                                            float alpha, MemorySegment c, long cOff, long ldc) {
        long ld = lda * 4, a0 = aOff * 4, a1 = a0 + ld, a2 = a1 + ld, a3 = a2 + ld, a4 = a3 + ld, a5 = a4 + ld;
        long a6 = a5 + ld, a7 = a6 + ld;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00;
        FloatVector c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0, bi = bOff; p < kc; p++, bi += NR) {
            long q = (long) p * 4;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a.get(F32, a0 + q));
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a.get(F32, a1 + q));
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a.get(F32, a2 + q));
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a.get(F32, a3 + q));
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a.get(F32, a4 + q));
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a.get(F32, a5 + q));
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a.get(F32, a6 + q));
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a.get(F32, a7 + q));
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        long lc = ldc * 4, v1 = (long) L * 4, o = cOff * 4;
        c00.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c01.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c10.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c11.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c20.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c21.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c30.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c31.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c40.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c41.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c50.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c51.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c60.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c61.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c70.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c71.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
    }

    /** {@link #gemmTile8RowsA}'s raw sums into {@code out}, rows {@code [0, rows)} valid (1 to 8). */
    static void gemmTile8RowsAToArray(int kc, MemorySegment a, long aOff, long lda, int rows, float[] b, int bOff,
                                      float[] out) {
        // Rows past the edge repeat the last real row: A is never read beyond it, their sums are ignored.
        long ld = lda * 4, a0 = aOff * 4, last = a0 + (rows - 1) * ld;
        long a1 = Math.min(a0 + ld, last), a2 = Math.min(a1 + ld, last), a3 = Math.min(a2 + ld, last);
        long a4 = Math.min(a3 + ld, last), a5 = Math.min(a4 + ld, last), a6 = Math.min(a5 + ld, last);
        long a7 = Math.min(a6 + ld, last);
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00;
        FloatVector c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0, bi = bOff; p < kc; p++, bi += NR) {
            long q = (long) p * 4;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a.get(F32, a0 + q));
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a.get(F32, a1 + q));
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a.get(F32, a2 + q));
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a.get(F32, a3 + q));
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a.get(F32, a4 + q));
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a.get(F32, a5 + q));
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a.get(F32, a6 + q));
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a.get(F32, a7 + q));
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(out, 0 * NR);
        c01.intoArray(out, 0 * NR + L);
        c10.intoArray(out, 1 * NR);
        c11.intoArray(out, 1 * NR + L);
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

    /**
     * The 8×32 tile with both operands read in place: A as in {@link #gemmTile8RowsA}, B as 32 columns of fp32 rows
     * ({@code b} from element {@code bOff}, row stride {@code ldb}), so a small product packs neither. {@code rows}
     * (1 to 8) rows of C are written: alpha·sums + beta·C (C not read when beta = 0).
     */
    static void gemmTile8RowsAB(int kc, MemorySegment a, long aOff, long lda, int rows, MemorySegment b, long bOff,
                                long ldb, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        if (rows == 8 && beta == 0f) {
            gemmTile8RowsABStore(kc, a, aOff, lda, b, bOff, ldb, alpha, c, cOff, ldc);
            return;
        }
        float[] t = TILE8.get();
        gemmTile8RowsABToArray(kc, a, aOff, lda, rows, b, bOff, ldb, t);
        long v1 = (long) L * 4;
        for (int r = 0; r < rows; r++) {
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

    private static void gemmTile8RowsABStore(int kc, MemorySegment a, long aOff, long lda, MemorySegment b, long bOff,
                                             long ldb, float alpha, MemorySegment c, long cOff, long ldc) {
        long ld = lda * 4, a0 = aOff * 4, a1 = a0 + ld, a2 = a1 + ld, a3 = a2 + ld, a4 = a3 + ld, a5 = a4 + ld;
        long a6 = a5 + ld, a7 = a6 + ld;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00;
        FloatVector c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        long lb = ldb * 4, v1 = (long) L * 4;
        for (long p = 0, q = 0, bi = bOff * 4; p < kc; p++, q += 4, bi += lb) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bi, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bi + v1, NATIVE);
            FloatVector x = FloatVector.broadcast(S, a.get(F32, a0 + q));
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a.get(F32, a1 + q));
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a.get(F32, a2 + q));
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a.get(F32, a3 + q));
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a.get(F32, a4 + q));
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a.get(F32, a5 + q));
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a.get(F32, a6 + q));
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a.get(F32, a7 + q));
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        long lc = ldc * 4, o = cOff * 4;
        c00.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c01.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c10.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c11.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c20.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c21.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c30.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c31.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c40.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c41.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c50.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c51.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c60.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c61.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
        o += lc;
        c70.mul(alpha).intoMemorySegment(c, o, NATIVE);
        c71.mul(alpha).intoMemorySegment(c, o + v1, NATIVE);
    }

    private static void gemmTile8RowsABToArray(int kc, MemorySegment a, long aOff, long lda, int rows, MemorySegment b,
                                               long bOff, long ldb, float[] out) {
        // Rows past the edge repeat the last real row: A is never read beyond it, their sums are ignored.
        long ld = lda * 4, a0 = aOff * 4, last = a0 + (rows - 1) * ld;
        long a1 = Math.min(a0 + ld, last), a2 = Math.min(a1 + ld, last), a3 = Math.min(a2 + ld, last);
        long a4 = Math.min(a3 + ld, last), a5 = Math.min(a4 + ld, last), a6 = Math.min(a5 + ld, last);
        long a7 = Math.min(a6 + ld, last);
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00;
        FloatVector c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        long lb = ldb * 4, v1 = (long) L * 4;
        for (long p = 0, q = 0, bi = bOff * 4; p < kc; p++, q += 4, bi += lb) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bi, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bi + v1, NATIVE);
            FloatVector x = FloatVector.broadcast(S, a.get(F32, a0 + q));
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a.get(F32, a1 + q));
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a.get(F32, a2 + q));
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a.get(F32, a3 + q));
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a.get(F32, a4 + q));
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a.get(F32, a5 + q));
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a.get(F32, a6 + q));
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a.get(F32, a7 + q));
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(out, 0 * NR);
        c01.intoArray(out, 0 * NR + L);
        c10.intoArray(out, 1 * NR);
        c11.intoArray(out, 1 * NR + L);
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

    /**
     * An edge tile of at most one vector of columns (512-bit vectors only): {@code rows} (1 to 8) rows of A read in
     * place times the first {@code cols} (1 to 16) columns of the panel at {@code bOff}, landed in C with masked
     * stores. Half the FMAs of the 32-wide tile, and no scalar merge: attention's Q·Kᵀ at 16 tokens (N = 16) is
     * made of nothing but such tiles.
     */
    static void gemmTile8NarrowRowsA(int kc, MemorySegment a, long aOff, long lda, int rows, float[] b, int bOff,
                                     int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        // Rows past the edge repeat the last real row: A is never read beyond it, their sums are not stored.
        long ld = lda * 4, a0 = aOff * 4, last = a0 + (rows - 1) * ld;
        long a1 = Math.min(a0 + ld, last), a2 = Math.min(a1 + ld, last), a3 = Math.min(a2 + ld, last);
        long a4 = Math.min(a3 + ld, last), a5 = Math.min(a4 + ld, last), a6 = Math.min(a5 + ld, last);
        long a7 = Math.min(a6 + ld, last);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0, bi = bOff; p < kc; p++, bi += NR) {
            long q = (long) p * 4;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a.get(F32, a0 + q)).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a.get(F32, a1 + q)).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a.get(F32, a2 + q)).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a.get(F32, a3 + q)).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a.get(F32, a4 + q)).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a.get(F32, a5 + q)).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a.get(F32, a6 + q)).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a.get(F32, a7 + q)).fma(b0, c7);
        }
        if (beta == 0f && cols == L) {
            // Whole rows, C not read: alpha·sums go straight into it, unmasked. Written out, not through a store
            // helper taking the sums: C2 declines to inline such a helper in a method this size and then passes
            // every vector boxed (an allocation per row; measured 6× slower).
            long lc = ldc * 4, o = cOff * 4;
            c0.mul(alpha).intoMemorySegment(c, o, NATIVE);
            if (rows > 1) c1.mul(alpha).intoMemorySegment(c, o + lc, NATIVE);
            if (rows > 2) c2.mul(alpha).intoMemorySegment(c, o + 2 * lc, NATIVE);
            if (rows > 3) c3.mul(alpha).intoMemorySegment(c, o + 3 * lc, NATIVE);
            if (rows > 4) c4.mul(alpha).intoMemorySegment(c, o + 4 * lc, NATIVE);
            if (rows > 5) c5.mul(alpha).intoMemorySegment(c, o + 5 * lc, NATIVE);
            if (rows > 6) c6.mul(alpha).intoMemorySegment(c, o + 6 * lc, NATIVE);
            if (rows > 7) c7.mul(alpha).intoMemorySegment(c, o + 7 * lc, NATIVE);
            return;
        }
        // Fewer columns, or C read: through the per-thread array and merge's masked stores. Landing these straight
        // in C as well made the method too large for C1 (see the class comment on C1), which can leave it running
        // its unoptimised tier-2 code for good.
        float[] t = TILE8.get();
        c0.intoArray(t, 0);
        c1.intoArray(t, NR);
        c2.intoArray(t, 2 * NR);
        c3.intoArray(t, 3 * NR);
        c4.intoArray(t, 4 * NR);
        c5.intoArray(t, 5 * NR);
        c6.intoArray(t, 6 * NR);
        c7.intoArray(t, 7 * NR);
        merge(t, rows, cols, alpha, beta, c, cOff, ldc);
    }

    /**
     * An edge tile's landing, {@code rows × cols} of C from the raw sums in {@code t} (row-major, NR per row), with
     * masked vector loads and stores instead of element by element.
     */
    static void merge(float[] t, int rows, int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> m = S.indexInRange(j, cols);
            for (int r = 0; r < rows; r++) {
                long o = (cOff + r * ldc + j) * 4;
                FloatVector v = FloatVector.fromArray(S, t, r * NR + j).mul(alpha);
                if (beta != 0f) v = FloatVector.fromMemorySegment(S, c, o, NATIVE, m).mul(beta).add(v);
                v.intoMemorySegment(c, o, NATIVE, m);
            }
        }
    }

    static void tileRowMajor(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
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
}
