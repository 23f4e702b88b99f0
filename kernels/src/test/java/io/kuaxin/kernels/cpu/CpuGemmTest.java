package io.kuaxin.kernels.cpu;

import io.kuaxin.DType;
import io.kuaxin.kernels.oracle.Functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both kernel implementations against an fp64 reference computed here. */
class CpuGemmTest {
    record Case(int m, int n, int k, boolean ta, boolean tb, DType at, DType bt, int pad, float alpha, float beta,
                boolean bias, Activation act) {
        @Override
        public String toString() {
            return m + "x" + n + "x" + k + (ta ? " At" : "") + (tb ? " Bt" : "") + " " + at + "/" + bt + " pad" + pad
                    + " a" + alpha + " b" + beta + (bias ? " bias" : "") + " " + act;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cs = new ArrayList<>();
        int[] sizes = {0, 1, 2, 3, 5, 17, 31, 33, 129};
        for (int m : sizes) for (int n : new int[] {1, 7, 33, 129}) for (int k : new int[] {0, 1, 13, 31, 257}) {
            cs.add(new Case(m, n, k, false, false, DType.F32, DType.F32, 0, 1f, 0f, false, Activation.NONE));
        }
        for (boolean ta : new boolean[] {false, true}) for (boolean tb : new boolean[] {false, true}) {
            cs.add(new Case(37, 45, 61, ta, tb, DType.F32, DType.F32, 3, 0.5f, 0f, false, Activation.NONE));
            cs.add(new Case(67, 70, 300, ta, tb, DType.F32, DType.F32, 5, 1f, -0.75f, true, Activation.NONE));
            cs.add(new Case(19, 33, 40, ta, tb, DType.BF16, DType.F16, 1, 1f, 1f, false, Activation.NONE));
        }
        for (Activation a : Activation.values()) {
            cs.add(new Case(23, 65, 29, false, false, DType.F32, DType.F32, 0, 1.5f, 0.5f, true, a));
            cs.add(new Case(5, 9, 0, false, true, DType.F32, DType.F32, 0, 1f, 2f, true, a));
        }
        for (DType t : new DType[] {DType.F16, DType.BF16}) {
            cs.add(new Case(64, 96, 128, false, false, t, t, 0, 1f, 0f, false, Activation.NONE));
            cs.add(new Case(41, 37, 53, true, true, t, t, 2, 1f, 0f, true, Activation.GELU_TANH));
        }
        // large K (several KC slices), multi-block M and N (several MC×NC items, both threads)
        cs.add(new Case(3, 33, 2053, false, false, DType.F32, DType.F32, 0, 1f, 0f, false, Activation.NONE));
        cs.add(new Case(17, 40, 2048, true, false, DType.F32, DType.F32, 1, 1f, 0.25f, false, Activation.NONE));
        cs.add(new Case(131, 600, 300, false, true, DType.F32, DType.F32, 0, 1f, 0f, true, Activation.RELU));
        cs.add(new Case(200, 129, 517, false, false, DType.BF16, DType.BF16, 0, 1f, 0f, false, Activation.NONE));
        // tall: the large 256-row blocks, with a partial last block and a K tail
        cs.add(new Case(1031, 70, 300, false, false, DType.F32, DType.F32, 0, 1f, 0.5f, true, Activation.SILU));
        cs.add(new Case(1100, 45, 37, true, true, DType.F32, DType.F32, 1, 0.5f, 0f, false, Activation.NONE));
        List<Arguments> out = new ArrayList<>();
        for (CpuKernels kern : Ref.kernels()) for (Case c : cs) out.add(Arguments.of(kern.name(), kern, c));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void matchesFp64(String name, CpuKernels kern, Case c) {
        check(kern, c);
    }

    /**
     * Every M from 1 to 130 (the in-place-A path up to 128 rows unless N is wide, edge row tiles of every height,
     * packed A beyond), each with a drawn N (full and partial 32-column panels), K (one slice or several), alpha,
     * beta, transposes, leading-dimension padding and offsets; and zero-size products. Both implementations against
     * fp64.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kuaxin.kernels.cpu.Ref#kernelArgs")
    void everyRowCountMatchesFp64(String name, CpuKernels kern) {
        Random r = new Random(42);
        int[] ns = {1, 3, 16, 31, 32, 33, 64, 65, 97, 256, 300}; // from 256: A packed above 7 rows (PACK_A_MIN_N)
        int[] ks = {1, 2, 7, 32, 33, 128, 300, 1600}; // 1600: several K slices, beta then 1
        float[] alphas = {1f, 0.5f, -2f};
        float[] betas = {0f, 0f, 1f, -0.75f};
        for (int m = 1; m <= 130; m++) {
            boolean ta = r.nextInt(4) == 0, tb = r.nextInt(3) == 0;
            DType bt = r.nextInt(5) == 0 ? DType.BF16 : DType.F32;
            Activation act = r.nextInt(4) == 0 ? Activation.GELU_ERF : Activation.NONE;
            check(kern, new Case(m, ns[r.nextInt(ns.length)], ks[r.nextInt(ks.length)], ta, tb, DType.F32, bt,
                    r.nextInt(3), alphas[r.nextInt(alphas.length)], betas[r.nextInt(betas.length)], r.nextBoolean(), act));
        }
        for (int[] z : new int[][] {{0, 5, 3}, {4, 0, 3}, {4, 5, 0}, {0, 0, 0}}) {
            check(kern, new Case(z[0], z[1], z[2], false, false, DType.F32, DType.F32, 1, 1f, 0.5f, true, Activation.RELU));
        }
    }

    /**
     * The edge paths of small products: every N from 1 to 40 (the 16-column masked tile up to 16, the vector-landed
     * partial 32-column panel beyond, a full panel plus an edge past 32) with every M from 1 to 20 (edge row tiles),
     * K from 1 to 70 (transposed-B panels built in 16×16 blocks with a K tail), transposed and plain B, padded leading
     * dimensions and offsets, alpha ≠ 1 and beta ≠ 0; and M at the in-place-A threshold (127 to 129 rows).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kuaxin.kernels.cpu.Ref#kernelArgs")
    void smallEdgeShapesMatchFp64(String name, CpuKernels kern) {
        Random r = new Random(7);
        int[] ks = {1, 2, 5, 15, 16, 17, 31, 32, 33, 47, 64, 70};
        float[] alphas = {1f, 0.125f, -1.5f};
        float[] betas = {0f, 1f, -0.5f};
        for (int n = 1; n <= 40; n++) {
            for (int m = 1; m <= 20; m++) {
                check(kern, new Case(m, n, ks[r.nextInt(ks.length)], false, (m + n) % 2 == 0, DType.F32, DType.F32,
                        r.nextInt(3), alphas[r.nextInt(alphas.length)], betas[r.nextInt(betas.length)], false, Activation.NONE));
            }
        }
        for (int m = 127; m <= 129; m++) for (int n : new int[] {16, 17, 33}) {
            check(kern, new Case(m, n, 32, false, true, DType.F32, DType.F32, 1, 0.5f, 0.25f, false, Activation.NONE));
        }
    }

    /**
     * Packing fp32 A for the tile is its definition, {@code dst[kk·R + r] = A[r][kk]} with zero rows past {@code rows},
     * at every row count and K around the 16-wide blocks the vector packing transposes (K tails of 1 to 15), with a
     * padded leading dimension and an offset; every element of the panel is written (NaN-poisoned before).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kuaxin.kernels.cpu.Ref#kernelArgs")
    void packingRowsOfAIsItsDefinition(String name, CpuKernels kern) {
        int mr = kern.gemmRows();
        try (Arena arena = Arena.ofConfined()) {
            for (int kc : new int[] {1, 7, 15, 16, 17, 32, 33, 47, 256, 300}) {
                long lda = kc + 5, off = 3;
                MemorySegment a = arena.allocate((off + mr * lda) * 4);
                for (long i = 0; i < off + mr * lda; i++) a.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (i * 0.5 - 7));
                for (int rows = 1; rows <= mr; rows++) {
                    float[] dst = new float[2 + kc * mr + 2];
                    java.util.Arrays.fill(dst, Float.NaN);
                    kern.gemmPackRowsA(dst, 2, a, off, lda, rows, kc);
                    for (int kk = 0; kk < kc; kk++) for (int r = 0; r < mr; r++) {
                        float want = r < rows ? a.getAtIndex(ValueLayout.JAVA_FLOAT, off + r * lda + kk) : 0f;
                        assertEquals(want, dst[2 + kk * mr + r], "kc " + kc + " rows " + rows + " r " + r + " k " + kk);
                    }
                    assertEquals(Float.NaN, dst[0]);
                    assertEquals(Float.NaN, dst[dst.length - 1]);
                }
            }
        }
    }

    /**
     * Packing a panel of fp32 B, untransposed and transposed, is its definition, {@code dst[kk·NR + j] = op(B)[kk][j]}
     * with zero columns past {@code cols}: every column count to NR, K around the 16×16 blocks the transposing packer
     * works in (K tails of 1 to 15, whole blocks with fewer than 16 columns), padded leading dimensions and an offset;
     * every element of the panel is written (NaN-poisoned before).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kuaxin.kernels.cpu.Ref#kernelArgs")
    void packingPanelsOfBIsItsDefinition(String name, CpuKernels kern) {
        int nr = CpuKernels.NR;
        try (Arena arena = Arena.ofConfined()) {
            for (int k : new int[] {1, 5, 15, 16, 17, 32, 33, 40, 64}) {
                for (int cols = 1; cols <= nr; cols++) {
                    for (boolean trans : new boolean[] {false, true}) {
                        long ld = (trans ? k : cols) + 3, off = 5, rowsOfB = trans ? cols : k;
                        MemorySegment b = arena.allocate((off + rowsOfB * ld) * 4);
                        for (long i = 0; i < off + rowsOfB * ld; i++) b.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (i * 0.25 - 3));
                        float[] dst = new float[2 + k * nr + 2];
                        java.util.Arrays.fill(dst, Float.NaN);
                        if (trans) kern.gemmPackPanelT(dst, 2, b, off, ld, k, cols);
                        else kern.gemmPackPanel(dst, 2, b, off, ld, k, cols);
                        for (int kk = 0; kk < k; kk++) for (int j = 0; j < nr; j++) {
                            long at = trans ? off + j * ld + kk : off + kk * ld + j;
                            float want = j < cols ? b.getAtIndex(ValueLayout.JAVA_FLOAT, at) : 0f;
                            assertEquals(want, dst[2 + kk * nr + j], "trans " + trans + " k " + k + " cols " + cols + " kk " + kk + " j " + j);
                        }
                        assertEquals(Float.NaN, dst[0]);
                        assertEquals(Float.NaN, dst[dst.length - 1]);
                    }
                }
            }
        }
    }

    /**
     * Batched attention-like products (5 or 12 items, each with its own B) through the batch-parallel small path:
     * Q·Kᵀ (transposed B) and P·V, A plain or transposed, at S = 1..24 and 127..130, with strided items, alpha ≠ 1, beta ≠ 0, padded C.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kuaxin.kernels.cpu.Ref#kernelArgs")
    void batchedSmallProductsMatchFp64(String name, CpuKernels kern) {
        int d = 32;
        int[] sizes = java.util.stream.IntStream.concat(java.util.stream.IntStream.rangeClosed(1, 24),
                java.util.stream.IntStream.rangeClosed(127, 130)).toArray();
        for (int s : sizes) for (boolean tb : new boolean[] {true, false}) for (boolean ta : new boolean[] {false, true}) {
            int batch = s % 2 == 0 ? 12 : 5; // uneven runs of matrices per thread item too
            int m = s, n = tb ? s : d, k = tb ? d : s, ldb = tb ? k : n, ldc = n + 2;
            int lda = ta ? m : k;
            Random rnd = new Random(s * 4 + (tb ? 1 : 0) + (ta ? 2 : 0));
            long sa = (long) m * k + 1, sb = (long) (tb ? n : k) * ldb + 3, sc = (long) m * ldc + 5;
            Ref.Buf a = new Ref.Buf(DType.F32, (int) (batch * sa), rnd, false);
            Ref.Buf b = new Ref.Buf(DType.F32, (int) (batch * sb), rnd, false);
            Ref.Buf c = new Ref.Buf(DType.F32, (int) (batch * sc), rnd, false);
            double[] c0 = c.val.clone();
            CpuGemm.gemmBatched(kern, batch, ta, tb, m, n, k, 0.125f, a.seg, DType.F32, 0, lda, sa, b.seg, DType.F32, 0, ldb, sb,
                                -0.5f, c.seg, 0, ldc, sc, null, 0, Activation.NONE, null);
            for (int bi = 0; bi < batch; bi++) {
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) {
                        acc += a.val[(int) (bi * sa) + (ta ? p * lda + i : i * k + p)] * b.val[(int) (bi * sb) + (tb ? j * ldb + p : p * ldb + j)];
                    }
                    int at = (int) (bi * sc) + i * ldc + j;
                    double want = 0.125 * acc - 0.5 * c0[at];
                    assertEquals(want, c.getF32(at), 1e-5 * Math.sqrt(k) * (1 + Math.abs(want)),
                            "S=" + s + (ta ? " At" : "") + (tb ? " Bt" : "") + " batch " + bi + " C[" + i + "][" + j + "]");
                }
                for (int i = 0; i < m; i++) { // the padding after each row is untouched
                    int pad = (int) (bi * sc) + i * ldc + n;
                    assertEquals(c0[pad], c.getF32(pad), 0.0, "padding after row " + i + " of batch " + bi);
                }
            }
        }
    }

    private static void check(CpuKernels kern, Case c) {
        Random rnd = new Random(c.hashCode());
        int lda = (c.ta ? c.m : c.k) + c.pad, ldb = (c.tb ? c.k : c.n) + c.pad, ldc = c.n + c.pad;
        int aRows = c.ta ? c.k : c.m, bRows = c.tb ? c.n : c.k;
        int aOff = c.pad * 2, bOff = c.pad, cOff = c.pad * 3;
        Ref.Buf a = new Ref.Buf(c.at, aOff + aRows * lda, rnd, true);
        Ref.Buf b = new Ref.Buf(c.bt, bOff + bRows * ldb, rnd, false);
        Ref.Buf cc = new Ref.Buf(DType.F32, cOff + c.m * ldc, rnd, false);
        Ref.Buf bias = c.bias ? new Ref.Buf(DType.F32, c.n + 2, rnd, false) : null;
        if (c.beta == 0f) for (int i = 0; i < cc.val.length; i++) cc.set(i, Float.NaN); // beta = 0 must not read C
        double[] c0 = cc.val.clone();
        CpuGemm.gemm(kern, c.ta, c.tb, c.m, c.n, c.k, c.alpha, a.seg, c.at, aOff, lda, b.seg, c.bt, bOff, ldb,
                     c.beta, cc.seg, cOff, ldc, bias == null ? null : bias.seg, 2, c.act);
        double tol = 2e-6 * Math.sqrt(Math.max(c.k, 1)) * 4;
        for (int i = 0; i < c.m; i++) {
            for (int j = 0; j < c.n; j++) {
                double s = 0;
                for (int p = 0; p < c.k; p++) {
                    double av = a.val[aOff + (c.ta ? p * lda + i : i * lda + p)];
                    double bv = b.val[bOff + (c.tb ? j * ldb + p : p * ldb + j)];
                    s += av * bv;
                }
                double ref = c.alpha * s + (c.beta == 0f ? 0 : c.beta * c0[cOff + i * ldc + j]);
                if (bias != null) ref += bias.val[2 + j];
                ref = Ref.act(ref, c.act);
                float got = cc.getF32(cOff + (long) i * ldc + j);
                if (!(Math.abs(got - ref) <= tol * (1 + Math.abs(ref)))) {
                    fail(c + ": C[" + i + "][" + j + "] = " + got + ", fp64 reference " + ref + " (tol " + tol + ")");
                }
            }
        }
        // padding columns between rows are untouched
        if (c.pad > 0 && c.m > 0) assertEquals(c0[cOff + c.n], cc.val[cOff + c.n] = cc.getF32(cOff + c.n), 0.0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kuaxin.kernels.cpu.Ref#kernelArgs")
    void batchedWithBroadcastB(String name, CpuKernels kern) {
        for (int[] shape : new int[][] {{3, 5, 7, 9}, {4, 70, 90, 130}}) { // small (batch-parallel) and large (per-matrix parallel)
            int batch = shape[0], m = shape[1], n = shape[2], k = shape[3];
            Random rnd = new Random(batch * 31 + m);
            long sa = (long) m * k + 3, sc = (long) m * n + 1;
            Ref.Buf a = new Ref.Buf(DType.F32, (int) (batch * sa), rnd, false);
            Ref.Buf b = new Ref.Buf(DType.F16, k * n, rnd, false);
            Ref.Buf c = new Ref.Buf(DType.F32, (int) (batch * sc), rnd, false);
            CpuGemm.gemmBatched(kern, batch, false, false, m, n, k, 1f, a.seg, DType.F32, 0, k, sa, b.seg, DType.F16, 0, n, 0,
                                0f, c.seg, 0, n, sc, null, 0, Activation.NONE, null);
            for (int bi = 0; bi < batch; bi++) {
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += a.val[(int) (bi * sa) + i * k + p] * b.val[p * n + j];
                    float got = c.getF32(bi * sc + (long) i * n + j);
                    assertEquals(s, got, 1e-5 * Math.sqrt(k) * (1 + Math.abs(s)), "batch " + bi + " C[" + i + "][" + j + "]");
                }
            }
        }
    }

    /**
     * B packed once gives the per-call packed result bit for bit, and both agree with fp64: single products (edge
     * tiles, several KC slices, the tall blocks), a batch sharing B (batch-parallel and per-matrix), transposed B,
     * half-precision B and the bias + GELU epilogue; short products whose panels are warmed first in one run per
     * block (M = 16), panel by panel (M = 20, a block beyond WARM_BLOCK_MAX; M = 3, K in slices) or not at all;
     * remainders of one or two rows run row by row over the panels (M = 1, 2, 9, 10; partial panels, K in slices,
     * several column blocks).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "1,1152,384,1,false,F32", "16,384,384,1,false,F32", "128,1536,384,1,true,F32", "37,70,300,1,false,BF16",
            "5,33,9,3,false,F16", "70,90,130,4,true,F32", "1031,45,37,1,false,F32", "3,33,2053,1,true,F32",
            "20,1536,1536,1,false,F32", "2,161,1600,1,false,F32", "9,130,70,1,true,F32", "10,200,33,2,false,BF16",
            "1,4000,64,1,false,F32"})
    void prepackedBMatchesPerCallPacking(int m, int n, int k, int batch, boolean tb, DType bt) {
        Random rnd = new Random(m * 131 + n * 7 + k);
        long sa = (long) m * k + 3, sc = (long) m * n + 1;
        Ref.Buf a = new Ref.Buf(DType.F32, (int) (batch * sa), rnd, false);
        Ref.Buf b = new Ref.Buf(bt, k * n, rnd, false);
        Ref.Buf bias = new Ref.Buf(DType.F32, n, rnd, false);
        Ref.Buf c1 = new Ref.Buf(DType.F32, (int) (batch * sc), rnd, false);
        Ref.Buf c2 = new Ref.Buf(DType.F32, (int) (batch * sc), rnd, false);
        long ldb = tb ? k : n;
        PackedB packed = PackedB.pack(tb, k, n, b.seg, bt, 0, ldb);
        CpuGemm.gemmBatched(batch, false, tb, m, n, k, 1f, a.seg, DType.F32, 0, k, sa, b.seg, bt, 0, ldb, 0,
                0f, c1.seg, 0, n, sc, bias.seg, 0, Activation.GELU_ERF);
        CpuGemm.gemmPacked(batch, false, m, n, k, 1f, a.seg, DType.F32, 0, k, sa, packed,
                0f, c2.seg, 0, n, sc, bias.seg, 0, Activation.GELU_ERF);
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                long at = bi * sc + (long) i * n + j;
                double s = bias.val[j];
                for (int p = 0; p < k; p++) s += a.val[(int) (bi * sa) + i * k + p] * b.val[tb ? j * k + p : p * n + j];
                double want = Functions.geluErf(s);
                float got = c2.getF32(at);
                assertEquals(c1.getF32(at), got, 0.0, "batch " + bi + " C[" + i + "][" + j + "] vs per-call packing");
                assertEquals(want, got, 1e-5 * Math.sqrt(k) * (1 + Math.abs(want)), "batch " + bi + " C[" + i + "][" + j + "] vs fp64");
            }
        }
    }

    /**
     * {@code gemmRowPanels} gives each element the bits the one-row edge tile gives it, panel by panel, and agrees
     * with fp64: one to many panels (four at a time and single ones), partial last panels, K from 1 to 1000, a panel
     * stride beyond the panel, alpha ≠ 1, beta 0 (C not read: NaN there stays unread) and beta ≠ 0.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kuaxin.kernels.cpu.Ref#kernelArgs")
    void rowPanelsGiveTheEdgeTilesBits(String name, CpuKernels kern) {
        Random rnd = new Random(11);
        float[] scratch = new float[CpuKernels.MAX_GEMM_ROWS * CpuKernels.NR];
        for (int kc : new int[] {1, 7, 384, 1000}) for (int cols : new int[] {1, 16, 17, 32, 33, 100, 128, 129, 200}) {
            for (float beta : new float[] {0f, -0.75f}) {
                int panels = (cols + CpuKernels.NR - 1) / CpuKernels.NR, stride = kc * CpuKernels.NR + 48;
                float alpha = 1.5f;
                Ref.Buf a = new Ref.Buf(DType.F32, kc + 3, rnd, false);
                float[] b = new float[5 + panels * stride];
                for (int p = 0; p < panels; p++) for (int k = 0; k < kc; k++) for (int j = 0; j < CpuKernels.NR; j++) {
                    int col = p * CpuKernels.NR + j;
                    b[5 + p * stride + k * CpuKernels.NR + j] = col < cols ? (float) rnd.nextGaussian() : 0f; // zero-padded
                }
                Ref.Buf c1 = new Ref.Buf(DType.F32, cols + 9, rnd, false), c2 = new Ref.Buf(DType.F32, cols + 9, rnd, false);
                float[] init = new float[cols + 9];
                for (int j = 0; j < cols + 9; j++) {
                    float v = init[j] = beta == 0f ? Float.NaN : (float) rnd.nextGaussian();
                    c1.seg.setAtIndex(ValueLayout.JAVA_FLOAT, j, v);
                    c2.seg.setAtIndex(ValueLayout.JAVA_FLOAT, j, v);
                }
                kern.gemmRowPanels(kc, a.seg, 3, b, 5, stride, cols, alpha, beta, c1.seg, 4, scratch);
                for (int p = 0; p < panels; p++) {
                    kern.gemmTileRowsAEdge(kc, a.seg, 3, kc, 1, b, 5 + p * stride, Math.min(CpuKernels.NR, cols - p * CpuKernels.NR),
                            alpha, beta, c2.seg, 4 + (long) p * CpuKernels.NR, CpuKernels.NR, scratch);
                }
                String at = "kc " + kc + " cols " + cols + " beta " + beta;
                for (int j = 0; j < cols + 9; j++) {
                    float got = c1.seg.getAtIndex(ValueLayout.JAVA_FLOAT, j);
                    assertEquals(c2.seg.getAtIndex(ValueLayout.JAVA_FLOAT, j), got, 0.0, at + " C[" + j + "] vs the edge tile");
                    if (j < 4 || j >= 4 + cols) continue; // outside the row: untouched, as checked just above
                    int col = j - 4, p = col / CpuKernels.NR;
                    double sum = 0;
                    for (int k = 0; k < kc; k++) {
                        sum += (double) a.seg.getAtIndex(ValueLayout.JAVA_FLOAT, 3 + k)
                                * b[5 + p * stride + k * CpuKernels.NR + col % CpuKernels.NR];
                    }
                    double want = alpha * sum + (beta == 0f ? 0 : beta * (double) init[j]);
                    assertEquals(want, got, 1e-5 * Math.sqrt(kc) * (1 + Math.abs(want)), at + " C[" + j + "] vs fp64");
                }
            }
        }
    }

    /**
     * A packed A block is reused across the column blocks of one call only: a second call on the same segment with
     * new contents (and a shape of several column blocks, K in one slice) must see the new A.
     */
    @Test
    void packedABlocksAreNotReusedAcrossCalls() {
        int m = 16, k = 384, n = 384;
        Random rnd = new Random(7);
        Ref.Buf a = new Ref.Buf(DType.F32, m * k, rnd, false), b = new Ref.Buf(DType.F32, k * n, rnd, false);
        Ref.Buf c = new Ref.Buf(DType.F32, m * n, rnd, false);
        PackedB packed = PackedB.pack(false, k, n, b.seg, DType.F32, 0, n);
        for (int round = 0; round < 2; round++) {
            if (round == 1) for (int i = 0; i < m * k; i++) a.set(i, rnd.nextFloat() * 2 - 1);
            CpuGemm.gemmPacked(1, false, m, n, k, 1f, a.seg, DType.F32, 0, k, 0, packed, 0f, c.seg, 0, n, 0, null, 0,
                    Activation.NONE);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double want = 0;
                    for (int p = 0; p < k; p++) want += a.val[i * k + p] * b.val[p * n + j];
                    assertEquals(want, c.getF32((long) i * n + j), 1e-5 * k, "round " + round + " C[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void prepackedBOfTheWrongShapeIsRefused() {
        Random rnd = new Random(1);
        Ref.Buf b = new Ref.Buf(DType.F32, 12, rnd, false);
        Ref.Buf c = new Ref.Buf(DType.F32, 16, rnd, false);
        PackedB packed = PackedB.pack(false, 3, 4, b.seg, DType.F32, 0, 4);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CpuGemm.gemmPacked(1, false,
                2, 4, 4, 1f, c.seg, DType.F32, 0, 4, 0, packed, 0f, c.seg, 0, 4, 0, null, 0, Activation.NONE));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PackedB.pack(false, 3, 4, b.seg, DType.F32, 0, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kuaxin.kernels.cpu.Ref#kernelArgs")
    void int8(String name, CpuKernels kern) {
        for (int[] sh : new int[][] {{1, 1, 1}, {7, 67, 33}, {33, 129, 300}, {5, 3, 0}}) {
            for (boolean ta : new boolean[] {false, true}) for (boolean tb : new boolean[] {false, true}) {
                int m = sh[0], n = sh[1], k = sh[2];
                Random rnd = new Random(m * 7 + n + k);
                int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 1;
                MemorySegment a = Arena.ofAuto().allocate((long) lda * (ta ? k : m) + 1);
                MemorySegment b = Arena.ofAuto().allocate((long) ldb * (tb ? n : k) + 1);
                MemorySegment c = Arena.ofAuto().allocate(4L * ldc * m + 4);
                for (long i = 0; i < a.byteSize(); i++) a.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
                for (long i = 0; i < b.byteSize(); i++) b.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
                for (long i = 0; i < c.byteSize() / 4; i++) c.setAtIndex(ValueLayout.JAVA_INT, i, 5);
                CpuGemm.gemmS8(kern, ta, tb, m, n, k, a, 0, lda, b, 0, ldb, c, 0, ldc, true);
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                    long s = 5;
                    for (int p = 0; p < k; p++) {
                        s += (long) a.get(ValueLayout.JAVA_BYTE, ta ? (long) p * lda + i : (long) i * lda + p)
                                * b.get(ValueLayout.JAVA_BYTE, tb ? (long) j * ldb + p : (long) p * ldb + j);
                    }
                    assertEquals(s, c.getAtIndex(ValueLayout.JAVA_INT, (long) i * ldc + j), "C[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void selectedImplementationIsVectorHere() {
        // The test JVM runs with --add-modules=jdk.incubator.vector on an AVX-512 machine.
        assertEquals(true, CpuKernels.instance().name().startsWith("vector") || Boolean.getBoolean("kuaxin.cpu.scalar"),
                     CpuKernels.instance().name());
    }
}
