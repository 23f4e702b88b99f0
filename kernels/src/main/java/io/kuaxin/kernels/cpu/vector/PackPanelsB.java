package io.kuaxin.kernels.cpu.vector;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.kuaxin.kernels.cpu.CpuKernels.NR;
import static io.kuaxin.kernels.cpu.vector.VectorMath.*;

/**
 * Packing panels of fp32 B for the GEMM tiles on the Vector API ({@code CpuKernels.gemmPackPanel} and
 * {@code gemmPackPanelT}): {@code [k][NR]} runs, zero past the last column. Untransposed B is a copy per panel row;
 * transposed B (attention's Kᵀ, {@code transB} products) goes through L×L transposes, in registers on 512-bit
 * vectors. The transposes' lane-select tables serve {@link PackRowsA} too.
 * <p>Like {@link GemmTiles}, every method here must compile at C1 tier 3 (see its class comment).
 */
final class PackPanelsB {
    private PackPanelsB() {}

    /** Lane indices of the transposes' two-vector selects; round h pairs rows r and r + h (r without bit h). */
    private static final float[][] T_LO = new float[L][], T_HI = new float[L][];

    static {
        for (int h = 1; h < L; h <<= 1) {
            T_LO[h] = new float[L];
            T_HI[h] = new float[L];
            for (int l = 0; l < L; l++) {
                boolean up = (l & h) != 0;
                T_LO[h][l] = up ? L + l - h : l;
                T_HI[h][l] = up ? L + l : l + h;
            }
        }
    }

    /** {@link #T_LO} and {@link #T_HI} as vectors, for {@link #transpose16Whole} and {@link PackRowsA} (512-bit only). */
    private static final FloatVector LO8 = L == 16 ? FloatVector.fromArray(S, T_LO[8], 0) : null;
    private static final FloatVector HI8 = L == 16 ? FloatVector.fromArray(S, T_HI[8], 0) : null;
    static final FloatVector LO4 = L == 16 ? FloatVector.fromArray(S, T_LO[4], 0) : null;
    static final FloatVector HI4 = L == 16 ? FloatVector.fromArray(S, T_HI[4], 0) : null;
    static final FloatVector LO2 = L == 16 ? FloatVector.fromArray(S, T_LO[2], 0) : null;
    static final FloatVector HI2 = L == 16 ? FloatVector.fromArray(S, T_HI[2], 0) : null;
    static final FloatVector LO1 = L == 16 ? FloatVector.fromArray(S, T_LO[1], 0) : null;
    static final FloatVector HI1 = L == 16 ? FloatVector.fromArray(S, T_HI[1], 0) : null;

    /**
     * A panel of Bᵀ (see {@code CpuKernels.gemmPackPanelT}) in L×L blocks: L rows of B (vector loads, masked at the
     * K edge, zero past {@code cols}) are transposed by log2(L) rounds that each swap one bit of the row index with
     * the same bit of the lane index (two lane selects per row pair), then stored as panel rows. On 512-bit vectors
     * the block stays in registers ({@link #transpose16}); a strided scalar gather cost about as much per head as
     * Q·Kᵀ's tiles at 16 tokens.
     */
    static void packPanelT(float[] dst, int dOff, MemorySegment b, long bOff, long ldb, int k, int cols) {
        FloatVector zero = FloatVector.zero(S);
        for (int j0 = 0; j0 < NR; j0 += L) {
            if (j0 >= cols) {
                for (int kk = 0; kk < k; kk++) zero.intoArray(dst, dOff + kk * NR + j0);
                continue;
            }
            for (int k0 = 0; k0 < k; k0 += L) {
                int kn = Math.min(L, k - k0), d = dOff + k0 * NR + j0;
                long src = (bOff + j0 * ldb + k0) * 4;
                if (L == 16) transpose16(dst, d, b, src, ldb * 4, kn, cols - j0);
                else transposeBlock(dst, d, b, src, ldb * 4, kn, cols - j0);
            }
        }
    }

    /**
     * {@code CpuKernels.gemmPackPanel}: each of the panel's K rows is NR/L vector copies, masked past {@code cols}
     * (the zero padding comes with the masked load). Element by element through {@code Elements.load}, plus a scalar
     * zero fill, this was a third of an 8×8×8 GEMM and a tenth of an 80×80×80 one (JFR).
     */
    static void packPanel(float[] dst, int dOff, MemorySegment b, long bOff, long ldb, int k, int cols) {
        long ld = ldb * 4;
        for (int j = 0; j < NR; j += L) {
            long src = (bOff + j) * 4;
            int d = dOff + j;
            if (j + L <= cols) {
                for (int kk = 0; kk < k; kk++, src += ld, d += NR) {
                    FloatVector.fromMemorySegment(S, b, src, NATIVE).intoArray(dst, d);
                }
            } else if (j < cols) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                for (int kk = 0; kk < k; kk++, src += ld, d += NR) {
                    FloatVector.fromMemorySegment(S, b, src, NATIVE, m).intoArray(dst, d);
                }
            } else {
                FloatVector zero = FloatVector.zero(S);
                for (int kk = 0; kk < k; kk++, d += NR) zero.intoArray(dst, d);
            }
        }
    }

    /** One L×L block through the per-thread array: the form for any L (256-bit vectors). */
    private static void transposeBlock(float[] dst, int d, MemorySegment b, long src, long ld, int kn, int rows) {
        float[] t = BLOCK.get();
        VectorMask<Float> m = S.indexInRange(0, kn);
        for (int j = 0; j < L; j++) {
            FloatVector row = j >= rows ? FloatVector.zero(S) : FloatVector.fromMemorySegment(S, b, src + j * ld, NATIVE, m);
            row.intoArray(t, j * L);
        }
        for (int h = L / 2; h >= 1; h >>= 1) {
            FloatVector lo = FloatVector.fromArray(S, T_LO[h], 0), hi = FloatVector.fromArray(S, T_HI[h], 0);
            for (int r = 0; r < L; r = (r + 1 + h) & ~h) { // r over the rows without bit h
                FloatVector x = FloatVector.fromArray(S, t, r * L), y = FloatVector.fromArray(S, t, (r + h) * L);
                lo.selectFrom(x, y).intoArray(t, r * L);
                hi.selectFrom(x, y).intoArray(t, (r + h) * L);
            }
        }
        for (int kk = 0; kk < kn; kk++) FloatVector.fromArray(S, t, kk * L).intoArray(dst, d + kk * NR);
    }

    /**
     * {@link #transposeBlock} for L = 16, in registers ({@link #transpose16Whole}); a block with a K tail (kn &lt; 16)
     * is first copied, masked and zero-padded, to a per-thread block. One method with masked and unmasked loads for
     * both was too large for C1 (see the class comment on C1). Rows from {@code rows} on are zero; only the first
     * {@code kn} transposed rows are stored.
     */
    private static void transpose16(float[] d, int o, MemorySegment b, long src, long ld, int kn, int rows) {
        if (kn == L) {
            transpose16Whole(d, o, b, src, ld, L, Math.min(rows, L));
            return;
        }
        // A K tail (kn < 16): its rows, masked and zero-padded, into a per-thread 16×16 block first.
        MemorySegment t = BLOCK16.get();
        VectorMask<Float> m = S.indexInRange(0, kn);
        FloatVector z = FloatVector.zero(S);
        for (int r = 0; r < L; r++) {
            FloatVector x = r < rows ? FloatVector.fromMemorySegment(S, b, src + r * ld, NATIVE, m) : z;
            x.intoMemorySegment(t, r * L * 4L, NATIVE);
        }
        transpose16Whole(d, o, t, 0, L * 4L, kn, L);
    }

    /** Per-thread L×L block for {@link #transposeBlock}. */
    private static final ThreadLocal<float[]> BLOCK = ThreadLocal.withInitial(() -> new float[L * L]);

    /** Per-thread zero-padded copy of a K-tail 16×16 block: a heap segment, so {@link #transpose16Whole} reads it. */
    private static final ThreadLocal<MemorySegment> BLOCK16 =
            ThreadLocal.withInitial(() -> MemorySegment.ofArray(new float[16 * 16]));

    /**
     * A 16×16 block in registers, {@code rows} (1 to 16) rows of it real: written out because C2 does not inline a
     * helper taking or returning the 16 vectors (it then boxes each one) and keeps an array round trip per round
     * otherwise (microbenchmark, one 16×32 panel: 93 vs 171 ns).
     */
    private static void transpose16Whole(float[] d, int o, MemorySegment b, long src, long ld, int kn, int rows) {
        long last = src + (rows - 1) * ld; // rows past the edge read the last real one again, then become zero
        FloatVector x0 = FloatVector.fromMemorySegment(S, b, src, NATIVE);
        FloatVector x1 = FloatVector.fromMemorySegment(S, b, Math.min(src + 1 * ld, last), NATIVE);
        FloatVector x2 = FloatVector.fromMemorySegment(S, b, Math.min(src + 2 * ld, last), NATIVE);
        FloatVector x3 = FloatVector.fromMemorySegment(S, b, Math.min(src + 3 * ld, last), NATIVE);
        FloatVector x4 = FloatVector.fromMemorySegment(S, b, Math.min(src + 4 * ld, last), NATIVE);
        FloatVector x5 = FloatVector.fromMemorySegment(S, b, Math.min(src + 5 * ld, last), NATIVE);
        FloatVector x6 = FloatVector.fromMemorySegment(S, b, Math.min(src + 6 * ld, last), NATIVE);
        FloatVector x7 = FloatVector.fromMemorySegment(S, b, Math.min(src + 7 * ld, last), NATIVE);
        FloatVector x8 = FloatVector.fromMemorySegment(S, b, Math.min(src + 8 * ld, last), NATIVE);
        FloatVector x9 = FloatVector.fromMemorySegment(S, b, Math.min(src + 9 * ld, last), NATIVE);
        FloatVector x10 = FloatVector.fromMemorySegment(S, b, Math.min(src + 10 * ld, last), NATIVE);
        FloatVector x11 = FloatVector.fromMemorySegment(S, b, Math.min(src + 11 * ld, last), NATIVE);
        FloatVector x12 = FloatVector.fromMemorySegment(S, b, Math.min(src + 12 * ld, last), NATIVE);
        FloatVector x13 = FloatVector.fromMemorySegment(S, b, Math.min(src + 13 * ld, last), NATIVE);
        FloatVector x14 = FloatVector.fromMemorySegment(S, b, Math.min(src + 14 * ld, last), NATIVE);
        FloatVector x15 = FloatVector.fromMemorySegment(S, b, Math.min(src + 15 * ld, last), NATIVE);
        if (rows < L) { // the panel is zero beyond the last column of B
            FloatVector z = FloatVector.zero(S);
            if (rows <= 1) x1 = z;
            if (rows <= 2) x2 = z;
            if (rows <= 3) x3 = z;
            if (rows <= 4) x4 = z;
            if (rows <= 5) x5 = z;
            if (rows <= 6) x6 = z;
            if (rows <= 7) x7 = z;
            if (rows <= 8) x8 = z;
            if (rows <= 9) x9 = z;
            if (rows <= 10) x10 = z;
            if (rows <= 11) x11 = z;
            if (rows <= 12) x12 = z;
            if (rows <= 13) x13 = z;
            if (rows <= 14) x14 = z;
            if (rows <= 15) x15 = z;
        }
        FloatVector y0, y1, y2, y3, y4, y5, y6, y7, y8, y9, y10, y11, y12, y13, y14, y15;
        y0 = LO8.selectFrom(x0, x8);
        y8 = HI8.selectFrom(x0, x8);
        y1 = LO8.selectFrom(x1, x9);
        y9 = HI8.selectFrom(x1, x9);
        y2 = LO8.selectFrom(x2, x10);
        y10 = HI8.selectFrom(x2, x10);
        y3 = LO8.selectFrom(x3, x11);
        y11 = HI8.selectFrom(x3, x11);
        y4 = LO8.selectFrom(x4, x12);
        y12 = HI8.selectFrom(x4, x12);
        y5 = LO8.selectFrom(x5, x13);
        y13 = HI8.selectFrom(x5, x13);
        y6 = LO8.selectFrom(x6, x14);
        y14 = HI8.selectFrom(x6, x14);
        y7 = LO8.selectFrom(x7, x15);
        y15 = HI8.selectFrom(x7, x15);
        x0 = LO4.selectFrom(y0, y4);
        x4 = HI4.selectFrom(y0, y4);
        x1 = LO4.selectFrom(y1, y5);
        x5 = HI4.selectFrom(y1, y5);
        x2 = LO4.selectFrom(y2, y6);
        x6 = HI4.selectFrom(y2, y6);
        x3 = LO4.selectFrom(y3, y7);
        x7 = HI4.selectFrom(y3, y7);
        x8 = LO4.selectFrom(y8, y12);
        x12 = HI4.selectFrom(y8, y12);
        x9 = LO4.selectFrom(y9, y13);
        x13 = HI4.selectFrom(y9, y13);
        x10 = LO4.selectFrom(y10, y14);
        x14 = HI4.selectFrom(y10, y14);
        x11 = LO4.selectFrom(y11, y15);
        x15 = HI4.selectFrom(y11, y15);
        y0 = LO2.selectFrom(x0, x2);
        y2 = HI2.selectFrom(x0, x2);
        y1 = LO2.selectFrom(x1, x3);
        y3 = HI2.selectFrom(x1, x3);
        y4 = LO2.selectFrom(x4, x6);
        y6 = HI2.selectFrom(x4, x6);
        y5 = LO2.selectFrom(x5, x7);
        y7 = HI2.selectFrom(x5, x7);
        y8 = LO2.selectFrom(x8, x10);
        y10 = HI2.selectFrom(x8, x10);
        y9 = LO2.selectFrom(x9, x11);
        y11 = HI2.selectFrom(x9, x11);
        y12 = LO2.selectFrom(x12, x14);
        y14 = HI2.selectFrom(x12, x14);
        y13 = LO2.selectFrom(x13, x15);
        y15 = HI2.selectFrom(x13, x15);
        x0 = LO1.selectFrom(y0, y1);
        x1 = HI1.selectFrom(y0, y1);
        x2 = LO1.selectFrom(y2, y3);
        x3 = HI1.selectFrom(y2, y3);
        x4 = LO1.selectFrom(y4, y5);
        x5 = HI1.selectFrom(y4, y5);
        x6 = LO1.selectFrom(y6, y7);
        x7 = HI1.selectFrom(y6, y7);
        x8 = LO1.selectFrom(y8, y9);
        x9 = HI1.selectFrom(y8, y9);
        x10 = LO1.selectFrom(y10, y11);
        x11 = HI1.selectFrom(y10, y11);
        x12 = LO1.selectFrom(y12, y13);
        x13 = HI1.selectFrom(y12, y13);
        x14 = LO1.selectFrom(y14, y15);
        x15 = HI1.selectFrom(y14, y15);
        x0.intoArray(d, o + 0 * NR);
        if (kn > 1) x1.intoArray(d, o + 1 * NR);
        if (kn > 2) x2.intoArray(d, o + 2 * NR);
        if (kn > 3) x3.intoArray(d, o + 3 * NR);
        if (kn > 4) x4.intoArray(d, o + 4 * NR);
        if (kn > 5) x5.intoArray(d, o + 5 * NR);
        if (kn > 6) x6.intoArray(d, o + 6 * NR);
        if (kn > 7) x7.intoArray(d, o + 7 * NR);
        if (kn > 8) x8.intoArray(d, o + 8 * NR);
        if (kn > 9) x9.intoArray(d, o + 9 * NR);
        if (kn > 10) x10.intoArray(d, o + 10 * NR);
        if (kn > 11) x11.intoArray(d, o + 11 * NR);
        if (kn > 12) x12.intoArray(d, o + 12 * NR);
        if (kn > 13) x13.intoArray(d, o + 13 * NR);
        if (kn > 14) x14.intoArray(d, o + 14 * NR);
        if (kn > 15) x15.intoArray(d, o + 15 * NR);
    }
}
