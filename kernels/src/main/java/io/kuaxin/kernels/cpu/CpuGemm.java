package io.kuaxin.kernels.cpu;

import io.kuaxin.DType;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static io.kuaxin.kernels.cpu.CpuKernels.NR;

/**
 * GEMM on the CPU: {@code C = act(alpha·op(A)·op(B) + beta·C + bias)}, row-major operands given as segment +
 * element offset + leading dimension (BLAS {@code sgemm} conventions, row-major). A and B may be F32, F16 or BF16
 * (converted to fp32 while packing; fp32 accumulation); C is F32; bias, when given, is F32 of length N (one value
 * per column).
 * <p>Blocking (GotoBLAS): B is packed once per call into {@link CpuKernels#NR}-wide panels shared by all threads;
 * work items are MC×NC blocks of C, each packing its A rows in KC-deep slices into panels of
 * {@link CpuKernels#gemmRows()} rows and running that many × NR register tile over them. Small products skip the
 * packing: up to 128 rows ({@code kuaxin.cpu.gemm.rowsAMaxM}), fp32 untransposed A is read in place by the tile
 * unless N is wide ({@code kuaxin.cpu.gemm.packAMinN}), and so is fp32 untransposed B when it was not packed before
 * the call.
 */
public final class CpuGemm {
    static final int KC = 256;
    /**
     * Up to this K one slice covers all of K ({@code kuaxin.cpu.gemm.kcWhole}): C is then written once instead of
     * read and written again per slice, which a JFR profile of the MiniLM forward showed as the tile's largest cost
     * (K = 384 and 1536 there; the B panel, K·32 floats, still fits the 1 MB L2). Tall products' 256-row blocks
     * keep 256-deep slices past K = 384: their A block would not fit L2 (32 × 128 × 1536: 19% slower on 1 thread).
     */
    static final int KC_WHOLE = Integer.getInteger("kuaxin.cpu.gemm.kcWhole", 1536);
    static final int MC = 64;
    static final int NC = 512;
    /**
     * Blocks for tall products (M ≥ {@link #LARGE_M}): 256×2048 blocks of C pack each A block once per 2048 columns
     * instead of 512 (measured interleaved on Zen 5: +10–17% at n = 2048 on 1 and 2 threads, equal at 1024); other
     * M keeps 64-row blocks, which leave more blocks for the threads (128 × 384 × 1536 lost 5–10% with 128+ rows,
     * separate JVMs), except the short products {@link #ONE_BLOCK_BYTES} takes whole (paired in one JVM).
     */
    static final int MC_LARGE = 256, NC_LARGE = 2048, LARGE_M = 1024;
    /**
     * A product of up to {@link #ONE_BLOCK_MAX_M} rows whose A (M·K floats) fits this many bytes of L2 runs all its
     * rows in one block, A packed or read in place: each weight panel is then read from memory once, not once per
     * 64-row block (the second read came from L3, when other tenants left it there). Paired in one JVM, MiniLM forward with and without, A read in
     * place: 1×128 +2.2% (1 thread) and +2.9% (2 threads), eight 13-token sentences +2.5% and +2.5%; the same for
     * every size of A (K = 1536 too: 768 KB) gained nothing on 1 thread and lost 1.4% on 2. With A packed
     * ({@link #PACK_A_MIN_N}): 1×128 +2.0% and ±0, eight short sentences +1.5% (2 threads).
     */
    static final long ONE_BLOCK_BYTES = 384L << 10;
    /** The most rows {@link #ONE_BLOCK_BYTES} takes in one block. */
    static final int ONE_BLOCK_MAX_M = 128;
    /**
     * Up to this M ({@code kuaxin.cpu.gemm.rowsAMaxM}) fp32, untransposed A is read in place by the register tile
     * ({@link CpuKernels#gemmTileRowsA}) instead of being packed, when N is narrower than {@link #PACK_A_MIN_N} or M
     * is below one tile: packing costs about as much per A element as the tile spends on it when N is narrow
     * (attention's P·V, N = 32), and small M leaves nothing to amortise it over.
     */
    static final int ROWS_A_MAX_M = Integer.getInteger("kuaxin.cpu.gemm.rowsAMaxM", 128);
    /** A block's remainder of at most this many rows runs row by row over its panels ({@code gemmRowPanels}). */
    static final int GEMV_MAX_ROWS = Integer.getInteger("kuaxin.cpu.gemm.gemvMaxRows", 2);
    /**
     * From this N ({@code kuaxin.cpu.gemm.packAMinN}) a product of {@link CpuKernels#gemmRows} to
     * {@link #ROWS_A_MAX_M} rows packs A after all: each A element then feeds N/32 ≥ 8 panels, so the packing (in
     * registers, {@link CpuKernels#gemmPackRowsA}) is paid back, and the tile's loop broadcasting from a packed
     * {@code float[]} takes fewer instructions per FMA than one reading eight rows of a segment. Paired in one JVM,
     * MiniLM forward with and without: 1×16 +24% (1 thread) and +9.4% (2 threads), 1×128 +5.6% and +7.0%, eight
     * 13-token sentences +8.1% (2 threads). Narrow products (attention's per-head Q·Kᵀ and P·V, N ≤ 128) and
     * products of fewer rows than a tile (a decode step's one row) still read A in place.
     */
    static final int PACK_A_MIN_N = Integer.getInteger("kuaxin.cpu.gemm.packAMinN", 256);
    /**
     * Prepacked panels read in place by the tiles of a short product (M ≤ {@link #WARM_MAX_M}) are first streamed
     * by a plain read loop ({@link CpuKernels#gemmWarm}): at MiniLM's sizes (M = 16, 42 MB of weights) the tiles'
     * own demand loads pulled weights from memory at 7–12 GB/s where a read loop reaches 23–30 GB/s, and the tiles
     * then run from L2. Measured with the {@code WeightStream} benchmark (time per flop of the streamed weights over
     * the cached ones, same JVM): M = 16 2.25–2.39 → 1.68–1.69, M = 32 1.54 → 1.44, M = 64 1.28 → 1.24, M = 128
     * 1.16 → 1.18 (where the tiles' work already hides the loads: not warmed). Skipped where the panels are most
     * likely still cached: the same weight as this thread's previous call, when it fits {@link #WARM_CACHED_MAX}
     * bytes. {@code kuaxin.cpu.gemm.warm=false} turns it off.
     * Since {@link #PACK_A_MIN_N} only products that read A in place take this path: fewer rows than a tile, or
     * narrower than that bound.
     */
    static final boolean WARM = Boolean.parseBoolean(System.getProperty("kuaxin.cpu.gemm.warm", "true"));
    /** The largest M whose prepacked panels are warmed: above it the tiles' work hides their loads. */
    static final int WARM_MAX_M = 32;
    /** A weight up to this size used twice in a row by one thread is taken to be still in its L2 (1 MB on Zen 4/5). */
    static final long WARM_CACHED_MAX = 1L << 20;
    /** The most of a block's panels warmed at once: well inside a 1 MB L2 next to A, C and the other thread's. */
    static final long WARM_BLOCK_MAX = 512L << 10;
    private static final java.util.concurrent.atomic.AtomicLong CALLS = new java.util.concurrent.atomic.AtomicLong();

    private CpuGemm() {}

    /** fp32 {@code C = alpha·op(A)·op(B) + beta·C}. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOffset, long lda,
                             MemorySegment b, long bOffset, long ldb,
                             float beta, MemorySegment c, long cOffset, long ldc) {
        gemm(transA, transB, m, n, k, alpha, a, DType.F32, aOffset, lda, b, DType.F32, bOffset, ldb,
             beta, c, cOffset, ldc, null, 0, Activation.NONE);
    }

    /** Full form: typed A and B, optional per-column fp32 bias ({@code null} for none) and fused activation. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            MemorySegment a, DType aType, long aOffset, long lda,
                            MemorySegment b, DType bType, long bOffset, long ldb,
                            float beta, MemorySegment c, long cOffset, long ldc,
                            MemorySegment bias, long biasOffset, Activation activation) {
        gemm(CpuKernels.instance(), transA, transB, m, n, k, alpha, a, aType, aOffset, lda, b, bType, bOffset, ldb,
             beta, c, cOffset, ldc, bias, biasOffset, activation);
    }

    /**
     * As {@link #gemm(boolean, boolean, int, int, int, float, MemorySegment, DType, long, long, MemorySegment, DType,
     * long, long, float, MemorySegment, long, long, MemorySegment, long, Activation)} with B already packed
     * ({@link PackedB#pack}): no per-call packing of B. {@code batch} products share that B (matrix {@code i} of A
     * and C starts at {@code offset + i·stride}); the result equals the unpacked call's bit for bit.
     *
     * @throws IllegalArgumentException if {@code packed} is not K×N
     */
    public static void gemmPacked(int batch, boolean transA, int m, int n, int k, float alpha,
                                  MemorySegment a, DType aType, long aOffset, long lda, long strideA, PackedB packed,
                                  float beta, MemorySegment c, long cOffset, long ldc, long strideC,
                                  MemorySegment bias, long biasOffset, Activation activation) {
        Objects.requireNonNull(packed, "packed");
        if (packed.k != k || packed.n != n) {
            throw new IllegalArgumentException("packed B is " + packed.k + "x" + packed.n + ", the call needs " + k + "x" + n);
        }
        gemmBatched(CpuKernels.instance(), batch, transA, false, m, n, k, alpha, a, aType, aOffset, lda, strideA,
                    null, DType.F32, 0, n, 0, beta, c, cOffset, ldc, strideC, bias, biasOffset, activation, packed);
    }

    /**
     * Batched: matrix {@code i} of A/B/C starts at {@code offset + i·stride} (elements); stride 0 broadcasts
     * (a shared B is then packed once for the whole batch).
     */
    public static void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   MemorySegment a, DType aType, long aOffset, long lda, long strideA,
                                   MemorySegment b, DType bType, long bOffset, long ldb, long strideB,
                                   float beta, MemorySegment c, long cOffset, long ldc, long strideC,
                                   MemorySegment bias, long biasOffset, Activation activation) {
        gemmBatched(CpuKernels.instance(), batch, transA, transB, m, n, k, alpha, a, aType, aOffset, lda, strideA,
                    b, bType, bOffset, ldb, strideB, beta, c, cOffset, ldc, strideC, bias, biasOffset, activation, null);
    }

    /**
     * int8 × int8 → int32: {@code C = op(A)·op(B)} (or {@code C += …} when {@code accumulate}). All three are
     * row-major with element offsets and leading dimensions; A and B are I8, C is I32.
     */
    public static void gemmS8(boolean transA, boolean transB, int m, int n, int k,
                              MemorySegment a, long aOffset, long lda,
                              MemorySegment b, long bOffset, long ldb,
                              MemorySegment c, long cOffset, long ldc, boolean accumulate) {
        gemmS8(CpuKernels.instance(), transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
    }

    // ---------------------------------------------------------------------------------------------------------

    static void gemm(CpuKernels kern, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     MemorySegment a, DType aType, long aOffset, long lda,
                     MemorySegment b, DType bType, long bOffset, long ldb,
                     float beta, MemorySegment c, long cOffset, long ldc,
                     MemorySegment bias, long biasOffset, Activation activation) {
        gemmBatched(kern, 1, transA, transB, m, n, k, alpha, a, aType, aOffset, lda, 0, b, bType, bOffset, ldb, 0,
                    beta, c, cOffset, ldc, 0, bias, biasOffset, activation, null);
    }

    static void gemmBatched(CpuKernels kern, int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            MemorySegment a, DType aType, long aOffset, long lda, long strideA,
                            MemorySegment b, DType bType, long bOffset, long ldb, long strideB,
                            float beta, MemorySegment c, long cOffset, long ldc, long strideC,
                            MemorySegment bias, long biasOffset, Activation activation, PackedB prepacked) {
        Objects.requireNonNull(kern);
        Objects.requireNonNull(activation, "activation");
        if (batch < 0 || m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative size");
        if (batch == 0 || m == 0 || n == 0) return;
        Objects.requireNonNull(c, "c");
        if (ldc < n) throw new IllegalArgumentException("ldc < n");
        if (k > 0) {
            Objects.requireNonNull(a, "a");
            if (prepacked == null) Objects.requireNonNull(b, "b");
            Elements.checkFloat(aType, "A");
            Elements.checkFloat(bType, "B");
            if (lda < (transA ? m : k)) throw new IllegalArgumentException("lda too small");
            if (ldb < (transB ? k : n)) throw new IllegalArgumentException("ldb too small");
            // packed B lives in one float[] (int-indexed)
            if ((long) ceilDiv(n, NR) * NR * k > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("N·K too large for one call: split N");
        }
        Workspace ws = Workspace.get();
        // Depth 0 is a call from outside, depth 1 a batch item run on the caller's own thread.
        int depth = ws.gemmDepth++;
        Call call = depth < ws.gemmCalls.length ? ws.gemmCalls[depth] : new Call();
        if (depth < ws.gemmCalls.length && call == null) call = ws.gemmCalls[depth] = new Call();
        try {
            call.kern = kern;
            call.mr = kern.gemmRows();
            call.setShape(transA, transB, m, n, k, alpha, aType, lda, bType, ldb, beta, c, ldc, bias, biasOffset, activation);
            call.prepacked = prepacked;
            long flops = 2L * m * n * Math.max(k, 1);
            if (batch > 1 && flops < CpuThreads.MIN_PARALLEL_FLOPS) {
                // Many small products: a few items, each a run of whole matrices driven straight through the
                // tile loop on one thread (no nested call, no per-matrix workspace lookup or region).
                call.setBatch(a, aOffset, strideA, b, bOffset, strideB, cOffset, strideC);
                call.batchCount = batch;
                call.batchChunks = Math.min(batch, 4 * CpuThreads.threads());
                CpuThreads.run(call.batchChunks, flops * batch, call.batchBody);
                return;
            }
            for (int i = 0; i < batch; i++) {
                boolean samePackedB = prepacked != null || (i > 0 && strideB == 0);
                call.run(a, aOffset + i * strideA, b, bOffset + i * strideB, cOffset + i * strideC, samePackedB, ws, depth);
            }
        } finally {
            ws.gemmDepth--;
        }
    }

    /** One GEMM call's shape and the parallel bodies over it; reused per thread so nothing is allocated per call. */
    static final class Call {
        CpuKernels kern;
        boolean transA, transB;
        int m, n, k;
        float alpha, beta;
        DType aType, bType;
        long lda, ldb, ldc;
        MemorySegment a, b, c, bias;
        long aOff, bOff, cOff, biasOff;
        Activation act;
        boolean epilogue;
        boolean rowsA;     // A read in place by the tile, not packed
        boolean rowsB;     // B too (fp32, untransposed, not prepacked): only a partial last panel is packed
        float[] packedB;
        PackedB prepacked; // B packed before the call, or null
        long id;           // unique per run: names the A blocks packed for it (Workspace.packACall)
        int mr, mc, nc, mBlocks, nBlocks, bPanels, kPad;
        // batch-parallel mode
        MemorySegment batchA, batchB;
        long batchAOff, batchAStride, batchBOff, batchBStride, batchCOff, batchCStride;
        int batchCount, batchChunks;

        final CpuThreads.Body packBody = this::packPanel;
        final CpuThreads.Body blockBody = this::block;
        final CpuThreads.Body batchBody = this::batchItem;

        void setShape(boolean transA, boolean transB, int m, int n, int k, float alpha, DType aType, long lda,
                      DType bType, long ldb, float beta, MemorySegment c, long ldc, MemorySegment bias, long biasOff,
                      Activation act) {
            this.transA = transA; this.transB = transB; this.m = m; this.n = n; this.k = k;
            this.alpha = alpha; this.beta = beta; this.aType = aType; this.bType = bType;
            this.lda = lda; this.ldb = ldb; this.c = c; this.ldc = ldc; this.bias = bias; this.biasOff = biasOff;
            this.act = act;
            this.epilogue = bias != null || act != Activation.NONE;
            this.rowsA = aType == DType.F32 && !transA && m <= ROWS_A_MAX_M && (m < mr || n < PACK_A_MIN_N)
                    && kern.gemmReadsRowsA();
        }

        void setBatch(MemorySegment a, long aOff, long aStride, MemorySegment b, long bOff, long bStride, long cOff, long cStride) {
            batchA = a; batchAOff = aOff; batchAStride = aStride;
            batchB = b; batchBOff = bOff; batchBStride = bStride;
            batchCOff = cOff; batchCStride = cStride;
        }

        private void batchItem(int chunk) {
            // Matrices [from, to) on this thread's workspace and its Call one nesting level down.
            int from = (int) ((long) chunk * batchCount / batchChunks), to = (int) ((long) (chunk + 1) * batchCount / batchChunks);
            Workspace ws = Workspace.get();
            int depth = ws.gemmDepth++;
            Call in = depth < ws.gemmCalls.length ? ws.gemmCalls[depth] : new Call();
            if (depth < ws.gemmCalls.length && in == null) in = ws.gemmCalls[depth] = new Call();
            try {
                in.kern = kern;
                in.mr = mr;
                in.setShape(transA, transB, m, n, k, alpha, aType, lda, bType, ldb, beta, c, ldc, bias, biasOff, act);
                in.prepacked = prepacked;
                in.id = CALLS.getAndIncrement();
                for (int i = from; i < to; i++) {
                    boolean samePackedB = prepacked != null || (i > from && batchBStride == 0);
                    in.runDirect(batchA, batchAOff + i * batchAStride, batchB, batchBOff + i * batchBStride,
                            batchCOff + i * batchCStride, samePackedB, ws, depth);
                }
            } finally {
                ws.gemmDepth--;
            }
        }

        /** {@link #run} on the calling thread alone, for one small matrix of a batch: plain loops, no regions. */
        void runDirect(MemorySegment a, long aOff, MemorySegment b, long bOff, long cOff, boolean samePackedB, Workspace ws, int depth) {
            this.a = a; this.aOff = aOff; this.b = b; this.bOff = bOff; this.cOff = cOff;
            if (k == 0) {
                for (int r = 0; r < m; r++) scaleRowOnly(r);
                return;
            }
            // The A block left packed by the previous matrix is not this one's.
            ws.packACall = -1;
            mc = MC;
            mBlocks = ceilDiv(m, mc);
            nc = NC;
            nBlocks = ceilDiv(n, nc);
            prepareB(samePackedB, ws, depth, false, 0);
            for (int item = 0, items = mBlocks * nBlocks; item < items; item++) block(ws, item);
        }

        void run(MemorySegment a, long aOff, MemorySegment b, long bOff, long cOff, boolean samePackedB, Workspace ws, int depth) {
            this.a = a; this.aOff = aOff; this.b = b; this.bOff = bOff; this.cOff = cOff;
            id = CALLS.getAndIncrement();
            long flops = 2L * m * n * k;
            if (k == 0) {
                CpuThreads.run(m, (long) m * n, this::scaleRowOnly);
                return;
            }
            // Split C into MC×NC blocks; narrow NC when that leaves too few items to keep every thread busy.
            mc = m >= LARGE_M ? MC_LARGE : MC;
            if (m > mc && m <= ONE_BLOCK_MAX_M && (long) m * k * 4 <= ONE_BLOCK_BYTES) mc = m;
            mBlocks = ceilDiv(m, mc);
            int nc = m >= LARGE_M ? NC_LARGE : NC;
            int want = 4 * CpuThreads.threads();
            while (nc > 2 * NR && (long) mBlocks * ceilDiv(n, nc) < want) nc >>= 1;
            this.nc = nc;
            nBlocks = ceilDiv(n, nc);
            prepareB(samePackedB, ws, depth, true, flops);
            CpuThreads.run(mBlocks * nBlocks, flops, blockBody);
        }

        /**
         * Where the tile reads B: in place (fp32, untransposed, not prepacked, A in place too), the prepacked panels,
         * or this nesting depth's buffer, packed now unless the previous matrix left the same B packed.
         */
        private void prepareB(boolean samePackedB, Workspace ws, int depth, boolean parallel, long flops) {
            bPanels = ceilDiv(n, NR);
            kPad = k;
            rowsB = rowsA && prepacked == null && !transB && bType == DType.F32;
            if (rowsB) {
                packedB = null;
            } else if (prepacked != null) {
                packedB = prepacked.panels;
            } else if (!samePackedB) {
                // Each nesting depth has its own packed-B buffer: a batch item on the caller's thread must not
                // overwrite the panel its outer call shares.
                ws.packB[depth & 1] = Workspace.grow(ws.packB[depth & 1], bPanels * NR * k);
                packedB = ws.packB[depth & 1];
                if (parallel) CpuThreads.run(bPanels, flops, packBody);
                else for (int p = 0; p < bPanels; p++) packPanel(p);
            }
        }

        private void packPanel(int p) { CpuGemm.packPanel(kern, packedB, p, transB, k, n, b, bType, bOff, ldb); }

        /** One MC×NC block of C: all K slices, then the epilogue while the block is still warm. */
        private void block(int item) { block(Workspace.get(), item); }

        private void block(Workspace ws, int item) {
            int i0 = (item / nBlocks) * this.mc, j0 = (item % nBlocks) * nc;
            int mc = Math.min(this.mc, m - i0), ncb = Math.min(nc, n - j0);
            if (rowsA) {
                blockRowsA(ws, i0, mc, j0, ncb);
                return;
            }
            int mPanels = ceilDiv(mc, mr);
            // whole K only while the packed A block (mc·K floats) stays within 384 KB of L2: not for tall blocks
            int kcMax = k <= KC_WHOLE && (long) this.mc * k <= 64L * KC_WHOLE ? k : KC;
            float[] before = ws.packA;
            ws.packA = Workspace.grow(ws.packA, mPanels * mr * Math.min(kcMax, k));
            float[] pa = ws.packA, pb = packedB, tile = ws.tile;
            // Consecutive items of a call share row blocks (item = rowBlock·nBlocks + columnBlock): when one slice
            // covers K, the A block this thread packed for the previous item is still in pa and still current.
            boolean reuse = kcMax >= k && pa == before && ws.packACall == id && ws.packARow == i0;
            ws.packACall = -1;
            for (int p0 = 0; p0 < k; p0 += kcMax) {
                int kc = Math.min(kcMax, k - p0);
                if (!reuse) packA(ws, pa, i0, mc, p0, kc);
                float bt = p0 == 0 ? beta : 1f;
                for (int jr = 0; jr < ncb; jr += NR) {
                    int j = j0 + jr;
                    int bo = ((j / NR) * k + p0) * NR;
                    int cols = Math.min(NR, n - j);
                    for (int ir = 0; ir < mc; ir += mr) {
                        int rows = Math.min(mr, mc - ir);
                        int ao = (ir / mr) * kc * mr;
                        long co = cOff + (i0 + ir) * ldc + j;
                        if (rows == mr && cols == NR) {
                            kern.gemmTile(kc, pa, ao, pb, bo, alpha, bt, c, co, ldc);
                        } else {
                            kern.gemmTileToArray(kc, pa, ao, pb, bo, tile);
                            mergeEdge(tile, rows, cols, bt, co);
                        }
                    }
                }
            }
            if (kcMax >= k) {
                ws.packACall = id;
                ws.packARow = i0;
            }
            if (epilogue) {
                for (int r = 0; r < mc; r++) kern.epilogue(c, cOff + (i0 + r) * ldc + j0, ncb, bias, biasOff + j0, act);
            }
        }

        /** {@link #block} with A read in place: no packing, the tile broadcasts from A's rows. */
        private void blockRowsA(Workspace ws, int i0, int mc, int j0, int ncb) {
            float[] pb = packedB, tile = ws.tile;
            // A block's last few rows (a GEMV when M = 1) run one row across all its panels instead of as a tile of
            // mostly missing rows; B packed (or prepacked) only, where the panels are consecutive runs.
            int rem = mc % mr, tiled = !rowsB && rem > 0 && rem <= GEMV_MAX_ROWS ? mc - rem : mc;
            boolean warm = false;
            // no warm read before rows alone: the row loop itself streams the panels (measured: the read first costs)
            if (WARM && prepacked != null && m <= WARM_MAX_M && tiled > 0) {
                if (ws.warmCall != id) {   // this thread's first block of the call decides for all of them
                    ws.warmThisCall = prepacked.id != ws.warmWeight || prepacked.bytes() > WARM_CACHED_MAX;
                    ws.warmWeight = prepacked.id;
                    ws.warmCall = id;
                }
                warm = ws.warmThisCall;
            }
            // With all of K in one slice the block's panels are one contiguous run: warmed in one stream when it fits
            // WARM_BLOCK_MAX (the tiles then find every panel in L2), else panel by panel just before its tiles.
            long blockFloats = (long) ceilDiv(ncb, NR) * NR * k;
            if (warm && k <= KC_WHOLE && blockFloats * 4 <= WARM_BLOCK_MAX) {
                ws.warmSink += kern.gemmWarm(pb, (j0 / NR) * k * NR, (int) blockFloats);
                warm = false;
            }
            int kcMax = k <= KC_WHOLE ? k : KC;
            for (int p0 = 0; p0 < k; p0 += kcMax) {
                int kc = Math.min(kcMax, k - p0);
                float bt = p0 == 0 ? beta : 1f;
                for (int r = tiled; r < mc; r++) {
                    kern.gemmRowPanels(kc, a, aOff + (i0 + r) * lda + p0, pb, ((j0 / NR) * k + p0) * NR, k * NR, ncb,
                            alpha, bt, c, cOff + (i0 + r) * ldc + j0, tile);
                }
                for (int jr = 0; jr < ncb && tiled > 0; jr += NR) {
                    int j = j0 + jr;
                    int bo = ((j / NR) * k + p0) * NR;
                    int cols = Math.min(NR, n - j);
                    if (rowsB && cols == NR) {
                        for (int ir = 0; ir < mc; ir += mr) {
                            kern.gemmTileRowsAB(kc, a, aOff + (i0 + ir) * lda + p0, lda, Math.min(mr, mc - ir),
                                    b, bOff + (long) p0 * ldb + j, ldb, alpha, bt, c, cOff + (i0 + ir) * ldc + j, ldc);
                        }
                        continue;
                    }
                    if (rowsB) {
                        // the partial last panel (N not a multiple of NR): packed here, zero-padded, all of K at once
                        if (p0 == 0) {
                            ws.panel = Workspace.grow(ws.panel, k * NR);
                            CpuGemm.packPanel(kern, ws.panel, 0, false, k, cols, b, bType, bOff + j, ldb);
                        }
                        pb = ws.panel;
                        bo = p0 * NR;
                    }
                    if (warm) ws.warmSink += kern.gemmWarm(pb, bo, kc * NR);
                    for (int ir = 0; ir < tiled; ir += mr) {
                        int rows = Math.min(mr, tiled - ir);
                        long ao = aOff + (i0 + ir) * lda + p0;
                        long co = cOff + (i0 + ir) * ldc + j;
                        if (rows == mr && cols == NR) {
                            kern.gemmTileRowsA(kc, a, ao, lda, pb, bo, alpha, bt, c, co, ldc);
                        } else {
                            kern.gemmTileRowsAEdge(kc, a, ao, lda, rows, pb, bo, cols, alpha, bt, c, co, ldc, tile);
                        }
                    }
                }
            }
            if (epilogue) {
                for (int r = 0; r < mc; r++) kern.epilogue(c, cOff + (i0 + r) * ldc + j0, ncb, bias, biasOff + j0, act);
            }
        }

        /** {@code pa[(panel·kc + kk)·mr + r] = op(A)[i0 + panel·mr + r][p0 + kk]}, zero rows beyond mc. */
        private void packA(Workspace ws, float[] pa, int i0, int mc, int p0, int kc) {
            int panels = ceilDiv(mc, mr);
            for (int pnl = 0; pnl < panels; pnl++) {
                int r0 = pnl * mr, rows = Math.min(mr, mc - r0);
                int base = pnl * kc * mr;
                if (!transA && aType == DType.F32) {
                    kern.gemmPackRowsA(pa, base, a, aOff + (long) (i0 + r0) * lda + p0, lda, rows, kc);
                    continue;
                }
                if (!transA) {
                    for (int r = 0; r < rows; r++) {
                        Elements.load(a, aType, aOff + (long) (i0 + r0 + r) * lda + p0, 1, kc, pa, base + r, mr);
                    }
                } else {
                    for (int kk = 0; kk < kc; kk++) {
                        Elements.load(a, aType, aOff + (long) (p0 + kk) * lda + i0 + r0, 1, rows, pa, base + kk * mr, 1);
                    }
                }
                for (int r = rows; r < mr; r++) for (int kk = 0; kk < kc; kk++) pa[base + kk * mr + r] = 0f;
            }
        }

        private void mergeEdge(float[] tile, int rows, int cols, float bt, long co) { kern.gemmMerge(tile, rows, cols, alpha, bt, c, co, ldc); }

        /** K = 0: C = beta·C, then the epilogue. */
        private void scaleRowOnly(int r) {
            long row = cOff + r * ldc;
            for (int j = 0; j < n; j++) {
                float v = beta == 0f ? 0f : beta * c.getAtIndex(Elements.F32, row + j);
                c.setAtIndex(Elements.F32, row + j, v);
            }
            if (epilogue) kern.epilogue(c, row, n, bias, biasOff, act);
        }
    }

    // --------------------------------------------------------------------------------------------- int8

    static void gemmS8(CpuKernels kern, boolean transA, boolean transB, int m, int n, int k,
                       MemorySegment a, long aOffset, long lda, MemorySegment b, long bOffset, long ldb,
                       MemorySegment c, long cOffset, long ldc, boolean accumulate) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative size");
        if (m == 0 || n == 0) return;
        if (ldc < n) throw new IllegalArgumentException("ldc < n");
        if (k > 0 && (lda < (transA ? m : k) || ldb < (transB ? k : n))) throw new IllegalArgumentException("ld too small");
        Workspace ws = Workspace.get();
        // B packed row-major [k][n] so the int8 GEMV streams contiguous rows.
        ws.packB8 = Workspace.grow(ws.packB8, k * n);
        byte[] pb = ws.packB8;
        for (int kk = 0; kk < k; kk++) {
            if (!transB) {
                MemorySegment.copy(b, java.lang.foreign.ValueLayout.JAVA_BYTE, bOffset + kk * ldb, pb, kk * n, n);
            } else {
                for (int j = 0; j < n; j++) pb[kk * n + j] = b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bOffset + j * ldb + kk);
            }
        }
        CpuThreads.Body row = i -> {
            Workspace w = Workspace.get();
            w.row8 = Workspace.grow(w.row8, k);
            w.rowAcc = Workspace.grow(w.rowAcc, n);
            byte[] ar = w.row8;
            int[] acc = w.rowAcc;
            for (int kk = 0; kk < k; kk++) {
                long idx = transA ? aOffset + kk * lda + i : aOffset + i * lda + kk;
                ar[kk] = a.get(java.lang.foreign.ValueLayout.JAVA_BYTE, idx);
            }
            kern.s8Gemv(ar, 0, k, pb, n, n, acc);
            long cr = cOffset + i * ldc;
            for (int j = 0; j < n; j++) {
                int v = acc[j];
                if (accumulate) v += c.getAtIndex(Elements.I32, cr + j);
                c.setAtIndex(Elements.I32, cr + j, v);
            }
        };
        CpuThreads.run(m, 2L * m * n * k, row);
    }

    /** Panel p of op(B): {@code dst[(p·K + kk)·NR + j] = op(B)[kk][p·NR + j]}, zero beyond N. */
    static void packPanel(CpuKernels kern, float[] dst, int p, boolean transB, int k, int n, MemorySegment b, DType bType,
                          long bOff, long ldb) {
        int j0 = p * NR, cols = Math.min(NR, n - j0);
        int base = p * k * NR;
        if (!transB && bType == DType.F32) {
            kern.gemmPackPanel(dst, base, b, bOff + j0, ldb, k, cols);
        } else if (!transB) {
            for (int kk = 0; kk < k; kk++) {
                int d = base + kk * NR;
                Elements.load(b, bType, bOff + kk * ldb + j0, 1, cols, dst, d, 1);
                for (int j = cols; j < NR; j++) dst[d + j] = 0f;
            }
        } else if (bType == DType.F32) {
            // Not through Elements.load: it would stage every column through a per-thread scratch array, which cost
            // more than the copy itself for attention's short Kᵀ columns (K = head size).
            kern.gemmPackPanelT(dst, base, b, bOff + (long) j0 * ldb, ldb, k, cols);
        } else {
            for (int j = 0; j < cols; j++) Elements.load(b, bType, bOff + (j0 + j) * ldb, 1, k, dst, base + j, NR);
            for (int j = cols; j < NR; j++) for (int kk = 0; kk < k; kk++) dst[base + kk * NR + j] = 0f;
        }
    }

    /**
     * {@code C[r][j] = alpha·tile[r·NR + j] + beta·C[r][j]} for {@code rows × cols} from element {@code co} of C
     * (row stride {@code ldc}); C is not read when beta = 0. The scalar landing of a tile's sums.
     */
    static void merge(float[] tile, int rows, int cols, float alpha, float beta, MemorySegment c, long co, long ldc) {
        for (int r = 0; r < rows; r++) {
            long row = co + r * ldc;
            for (int j = 0; j < cols; j++) {
                float v = alpha * tile[r * NR + j];
                if (beta != 0f) v += beta * c.getAtIndex(Elements.F32, row + j);
                c.setAtIndex(Elements.F32, row + j, v);
            }
        }
    }

    static int ceilDiv(int a, int b) { return (a + b - 1) / b; }
}
