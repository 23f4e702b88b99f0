package io.kuaxin.kernels.cpu;

import io.kuaxin.DType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import static io.kuaxin.kernels.cpu.CpuKernels.MR;
import static io.kuaxin.kernels.cpu.CpuKernels.NR;

/**
 * Scaled dot-product attention, flash-style: {@code O = softmax(scale·Q·Kᵀ + mask)·V}, computed in BR×BC tiles
 * with an online softmax, so no Lq×Lkv matrix ever exists and the extra memory is O(Lkv·d) per thread.
 * <p>Layouts come from strides: Q and O are {@code [batch][qHeads][Lq][d]}, K and V {@code [batch][kvHeads][Lkv][d]};
 * Q, K, V may be F32, F16 or BF16 (converted to fp32 as tiles are loaded), O is F32. GQA/MQA: query head h reads
 * KV head {@code h / (qHeads / kvHeads)}.
 * <ul>
 * <li>causal: aligned to the end of the key sequence, query i sees keys {@code j ≤ i + (kvLen − qLen)}, so a
 *     single decode query sees the whole cache. Blocks entirely above that diagonal are skipped.</li>
 * <li>mask (optional): additive, {@code [batch or 1][qHeads or 1][Lq][Lkv]} through its strides (0 broadcasts).</li>
 * <li>varlen (optional): keys at or beyond {@code kvLens[b]} are ignored; queries at or beyond {@code qLens[b]}
 *     produce 0. A query that sees no key at all produces 0.</li>
 * </ul>
 * Work is split over (batch, KV head) groups, and over (head, query block) when there are too few groups for the
 * threads. K is packed transposed into {@link CpuKernels#NR}-key panels and V into NR-column panels once per group
 * and thread; with fewer than {@link #DECODE_MAX_LQ} queries the kernel reads K/V rows directly instead (decode).
 */
public final class CpuAttention {
    /** Query rows per block (a multiple of MR). */
    static final int BR = 16;
    /** Keys per block (a multiple of NR). */
    static final int BC = 128;
    /** Below this many queries per head, packing K/V would cost as much as the arithmetic: read rows directly. */
    static final int DECODE_MAX_LQ = 8;

    /**
     * Work charged per query row, on top of the flops, when deciding whether to use the pool ({@link
     * CpuThreads#MIN_PARALLEL_FLOPS}): short rows cost far more than their flops (a max, an exp and a sum per score,
     * K/V panels packed per group), so a call of about 60 or more rows runs on all threads. Measured on 2 threads
     * (Zen 5, forward alternated in one JVM): 5% faster at one 16-token sentence and at the demo's 8 short ones.
     */
    static final long ROW_WORK = 65_536L;

    private static final AtomicLong CALLS = new AtomicLong();

    private CpuAttention() {}

    /**
     * @param mask    optional additive mask, or null
     * @param qLens   optional per-batch query lengths (≤ lq), or null
     * @param kvLens  optional per-batch key/value lengths (≤ lkv), or null
     */
    public static void attention(StridedTensor q, StridedTensor k, StridedTensor v, StridedTensor out,
                                 int batch, int qHeads, int kvHeads, int lq, int lkv, int headDim,
                                 float scale, boolean causal, StridedTensor mask, int[] qLens, int[] kvLens) {
        attention(CpuKernels.instance(), q, k, v, out, batch, qHeads, kvHeads, lq, lkv, headDim, scale, causal, mask, qLens, kvLens);
    }

    static void attention(CpuKernels kern, StridedTensor q, StridedTensor k, StridedTensor v, StridedTensor out,
                          int batch, int qHeads, int kvHeads, int lq, int lkv, int headDim,
                          float scale, boolean causal, StridedTensor mask, int[] qLens, int[] kvLens) {
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(k, "k");
        Objects.requireNonNull(v, "v");
        Objects.requireNonNull(out, "out");
        if (batch < 0 || lq < 0 || lkv < 0 || headDim <= 0 || qHeads <= 0 || kvHeads <= 0)
            throw new IllegalArgumentException("bad sizes");
        if (qHeads % kvHeads != 0) throw new IllegalArgumentException("kvHeads must divide qHeads");
        if (out.type() != DType.F32) throw new IllegalArgumentException("out must be F32");
        Elements.checkFloat(q.type(), "Q");
        Elements.checkFloat(k.type(), "K");
        Elements.checkFloat(v.type(), "V");
        if (mask != null) Elements.checkFloat(mask.type(), "mask");
        if (qLens != null && qLens.length < batch) throw new IllegalArgumentException("qLens too short");
        if (kvLens != null && kvLens.length < batch) throw new IllegalArgumentException("kvLens too short");
        if (batch == 0 || lq == 0) return;

        Workspace ws = Workspace.get();
        Call c = ws.attentionCall;
        if (c == null || c.inUse) c = new Call();
        if (ws.attentionCall == null) ws.attentionCall = c;
        c.inUse = true;
        try {
            c.set(kern, q, k, v, out, batch, qHeads, kvHeads, lq, lkv, headDim, scale, causal, mask, qLens, kvLens);
            c.id = CALLS.incrementAndGet();
            int groups = batch * kvHeads;
            int group = qHeads / kvHeads;
            int threads = CpuThreads.threads();
            boolean decode = lq < DECODE_MAX_LQ;
            // Whole (batch, KV head) groups per item when there are enough of them: K/V packed once per group.
            if (groups >= 2 * threads || threads == 1) {
                c.headsPerItem = group;
                c.chunks = 1;
            } else {
                c.headsPerItem = 1;
                int qBlocks = (lq + BR - 1) / BR;
                c.chunks = decode ? 1 : Math.max(1, Math.min(qBlocks, (4 * threads + batch * qHeads - 1) / (batch * qHeads)));
            }
            c.decode = decode;
            int items = groups * (group / c.headsPerItem) * c.chunks;
            long flops = 4L * batch * qHeads * lq * Math.max(lkv, 1) * headDim;
            CpuThreads.run(items, flops + ROW_WORK * batch * qHeads * lq, c.body);
        } finally {
            c.inUse = false;
        }
    }

    /** One call's parameters and its parallel body; reused per thread. */
    static final class Call {
        boolean inUse;
        long id;
        CpuKernels kern;
        StridedTensor q, k, v, out, mask;
        int batch, qHeads, kvHeads, lq, lkv, d, dPad;
        float scale;
        boolean causal, decode;
        int[] qLens, kvLens;
        int headsPerItem, chunks;
        final CpuThreads.Body body = this::item;

        void set(CpuKernels kern, StridedTensor q, StridedTensor k, StridedTensor v, StridedTensor out,
                 int batch, int qHeads, int kvHeads, int lq, int lkv, int d,
                 float scale, boolean causal, StridedTensor mask, int[] qLens, int[] kvLens) {
            this.kern = kern; this.q = q; this.k = k; this.v = v; this.out = out;
            this.batch = batch; this.qHeads = qHeads; this.kvHeads = kvHeads; this.lq = lq; this.lkv = lkv;
            this.d = d; this.dPad = (d + NR - 1) / NR * NR;
            this.scale = scale; this.causal = causal; this.mask = mask; this.qLens = qLens; this.kvLens = kvLens;
        }

        private void item(int item) {
            int group = qHeads / kvHeads;
            int perGroup = (group / headsPerItem) * chunks;
            int g = item / perGroup, rest = item % perGroup;
            int b = g / kvHeads, kvh = g % kvHeads;
            int h0 = kvh * group + (rest / chunks) * headsPerItem;
            int chunk = chunks - 1 - rest % chunks; // the costlier (later, under causal) chunks first
            int qLen = qLens == null ? lq : Math.min(lq, qLens[b]);
            int kvLen = kvLens == null ? lkv : Math.min(lkv, kvLens[b]);
            Workspace ws = Workspace.get();
            for (int h = h0; h < h0 + headsPerItem; h++) {
                if (chunk == chunks - 1) zeroRows(b, h, Math.max(0, qLen), lq); // padding queries → 0
            }
            if (qLen <= 0) return;
            if (decode) {
                decode(ws, b, kvh, h0, qLen, kvLen);
                return;
            }
            if (ws.attnCall != id || ws.attnGroup != g) {
                pack(ws, b, kvh, kvLen);
                ws.attnCall = id;
                ws.attnGroup = g;
            }
            int qBlocks = (qLen + BR - 1) / BR;
            int per = (qBlocks + chunks - 1) / chunks;
            int qb0 = chunk * per, qb1 = Math.min(qBlocks, qb0 + per);
            for (int h = h0; h < h0 + headsPerItem; h++) {
                for (int qb = qb0; qb < qb1; qb++) queryBlock(ws, b, h, qb * BR, Math.min(BR, qLen - qb * BR), qLen, kvLen);
            }
        }

        private void zeroRows(int b, int h, int from, int to) {
            for (int i = from; i < to; i++) {
                long o = out.index(b, h, i, 0);
                for (int dd = 0; dd < d; dd++) out.segment().setAtIndex(Elements.F32, o + dd * out.s3(), 0f);
            }
        }

        /** Kᵀ into key panels {@code kt[(p·d + dd)·NR + c]}, V into column panels {@code vp[(pd·kvPad + j)·NR + c]}. */
        private void pack(Workspace ws, int b, int kvh, int kvLen) {
            int kPanels = (kvLen + NR - 1) / NR, kvPad = kPanels * NR;
            ws.kt = Workspace.grow(ws.kt, kPanels * d * NR);
            ws.vp = Workspace.grow(ws.vp, dPad * kvPad);
            float[] kt = ws.kt, vp = ws.vp;
            // fp32 keys with contiguous head dims: whole panels transposed in registers (zero past kvLen), instead of
            // one strided scatter per key, which cost more than the short rows' products it feeds
            boolean kPanelsT = k.type() == DType.F32 && k.s3() == 1;
            if (kPanelsT) {
                for (int p = 0; p < kPanels; p++) {
                    kern.gemmPackPanelT(kt, p * d * NR, k.segment(), k.index(b, kvh, (long) p * NR, 0), k.s2(), d,
                            Math.min(NR, kvLen - p * NR));
                }
            }
            for (int j = 0; j < kvLen; j++) {
                int p = j / NR, cc = j % NR;
                if (!kPanelsT) Elements.load(k.segment(), k.type(), k.index(b, kvh, j, 0), k.s3(), d, kt, p * d * NR + cc, NR);
                for (int pd = 0; pd < dPad; pd += NR) {
                    int w = Math.min(NR, d - pd);
                    int o = (pd / NR * kvPad + j) * NR;
                    Elements.load(v.segment(), v.type(), v.index(b, kvh, j, pd), v.s3(), w, vp, o, 1);
                    for (int cI = w; cI < NR; cI++) vp[o + cI] = 0f;
                }
            }
            // Keys past kvLen in the last panel: zero, so the padded score columns stay finite.
            for (int j = kPanelsT ? kvPad : kvLen; j < kvPad; j++) {
                int p = j / NR, cc = j % NR;
                for (int dd = 0; dd < d; dd++) kt[(p * d + dd) * NR + cc] = 0f;
            }
        }

        private void queryBlock(Workspace ws, int b, int h, int i0, int rows, int qLen, int kvLen) {
            CpuKernels kk = kern;
            int off = kvLen - qLen;
            int kvPad = (kvLen + NR - 1) / NR * NR;
            ws.q = Workspace.grow(ws.q, BR * d);
            ws.s = Workspace.grow(ws.s, BR * BC);
            ws.o = Workspace.grow(ws.o, BR * dPad);
            ws.m = Workspace.grow(ws.m, BR);
            ws.l = Workspace.grow(ws.l, BR);
            ws.maskRow = Workspace.grow(ws.maskRow, BC);
            float[] qt = ws.q, s = ws.s, o = ws.o, m = ws.m, l = ws.l, kt = ws.kt, vp = ws.vp;
            for (int r = 0; r < BR; r++) {
                if (r < rows) Elements.load(q.segment(), q.type(), q.index(b, h, i0 + r, 0), q.s3(), d, qt, r * d, 1);
                else Arrays.fill(qt, r * d, r * d + d, 0f);
            }
            Arrays.fill(o, 0, BR * dPad, 0f);
            Arrays.fill(m, 0, BR, Float.NEGATIVE_INFINITY);
            Arrays.fill(l, 0, BR, 0f);
            // Keys any row of this block can see; blocks wholly above the causal diagonal are never visited.
            int kvEnd = causal ? Math.min(kvLen, i0 + rows - 1 + off + 1) : kvLen;
            int groups = (rows + MR - 1) / MR;
            for (int j0 = 0; j0 < kvEnd; j0 += BC) {
                int bc = Math.min(BC, kvEnd - j0);
                for (int rg = 0; rg < groups; rg++) {
                    for (int c0 = 0; c0 < bc; c0 += NR) {
                        kk.tileRowMajor(d, qt, rg * MR * d, d, kt, (j0 + c0) / NR * d * NR, s, rg * MR * BC + c0, BC, false);
                    }
                }
                for (int r = 0; r < rows; r++) {
                    int i = i0 + r, so = r * BC;
                    int lim = causal ? Math.min(bc, i + off + 1 - j0) : bc;
                    if (lim <= 0) {
                        Arrays.fill(s, so, so + bc, 0f);
                        continue;
                    }
                    float[] add = null;
                    if (mask != null) {
                        Elements.load(mask.segment(), mask.type(), mask.index(b, h, i, j0), mask.s3(), lim, ws.maskRow, 0, 1);
                        add = ws.maskRow;
                    }
                    kk.scaleAdd(s, so, lim, scale, add, 0);
                    if (lim < bc) Arrays.fill(s, so + lim, so + bc, 0f);
                    float mNew = Math.max(m[r], kk.max(s, so, lim));
                    if (mNew == Float.NEGATIVE_INFINITY) { // everything so far masked out
                        Arrays.fill(s, so, so + bc, 0f);
                        continue;
                    }
                    float sum = kk.expSum(s, so, lim, mNew);
                    if (m[r] == Float.NEGATIVE_INFINITY) { // first visible block: O and l are still 0
                        l[r] = sum;
                    } else {
                        float alpha = (float) Math.exp(m[r] - mNew);
                        l[r] = l[r] * alpha + sum;
                        if (alpha != 1f) kk.scale(o, r * dPad, dPad, alpha);
                    }
                    m[r] = mNew;
                }
                for (int rg = 0; rg < groups; rg++) {
                    for (int pd = 0; pd < dPad; pd += NR) {
                        kk.tileRowMajor(bc, s, rg * MR * BC, BC, vp, (pd / NR * kvPad + j0) * NR, o, rg * MR * dPad + pd, dPad, true);
                    }
                }
            }
            for (int r = 0; r < rows; r++) writeRow(b, h, i0 + r, o, r * dPad, l[r]);
        }

        /** Scales the row by 1/sum in place, then stores it: one bulk copy when O's rows are contiguous. */
        private void writeRow(int b, int h, int i, float[] o, int oOff, float sum) {
            long dst = out.index(b, h, i, 0);
            float inv = sum > 0f ? 1f / sum : 0f; // no visible key → 0
            kern.scale(o, oOff, d, inv);
            if (out.s3() == 1) {
                MemorySegment.copy(o, oOff, out.segment(), Elements.F32, dst * 4, d);
            } else {
                for (int dd = 0; dd < d; dd++) out.segment().setAtIndex(Elements.F32, dst + dd * out.s3(), o[oOff + dd]);
            }
        }

        /** Few queries: scores for all keys (O(rows·Lkv)), exact two-pass softmax, K/V rows read once. */
        private void decode(Workspace ws, int b, int kvh, int h0, int qLen, int kvLen) {
            CpuKernels kk = kern;
            int rowsN = headsPerItem * qLen, off = kvLen - qLen;
            ws.q = Workspace.grow(ws.q, rowsN * d);
            ws.s = Workspace.grow(ws.s, rowsN * Math.max(kvLen, 1));
            ws.o = Workspace.grow(ws.o, rowsN * d);
            ws.kt = Workspace.grow(ws.kt, d);
            ws.l = Workspace.grow(ws.l, rowsN);
            ws.maskRow = Workspace.grow(ws.maskRow, kvLen);
            float[] qt = ws.q, s = ws.s, o = ws.o, row = ws.kt, l = ws.l;
            ws.attnCall = -1; // ws.kt now holds a row, not a packed group
            for (int r = 0; r < rowsN; r++) {
                int h = h0 + r / qLen, i = r % qLen;
                Elements.load(q.segment(), q.type(), q.index(b, h, i, 0), q.s3(), d, qt, r * d, 1);
            }
            decodeScores(ws, b, kvh, rowsN, qLen, kvLen);
            for (int r = 0; r < rowsN; r++) {
                int h = h0 + r / qLen, i = r % qLen, lim = limit(i, off, kvLen), so = r * kvLen;
                l[r] = 0f;
                if (lim <= 0) continue;
                float[] add = null;
                if (mask != null) {
                    Elements.load(mask.segment(), mask.type(), mask.index(b, h, i, 0), mask.s3(), lim, ws.maskRow, 0, 1);
                    add = ws.maskRow;
                }
                kk.scaleAdd(s, so, lim, scale, add, 0);
                float mx = kk.max(s, so, lim);
                if (mx == Float.NEGATIVE_INFINITY) continue;
                l[r] = kk.expSum(s, so, lim, mx);
            }
            decodePv(ws, b, kvh, rowsN, qLen, kvLen);
            for (int r = 0; r < rowsN; r++) writeRow(b, h0 + r / qLen, r % qLen, o, r * d, l[r]);
        }

        // The decode phases are separate methods on purpose: one large method with every kernel inlined into it
        // was seen compiled without the Vector API intrinsics (boxing on every vector op).
        private void decodeScores(Workspace ws, int b, int kvh, int rowsN, int qLen, int kvLen) {
            CpuKernels kk = kern;
            float[] qt = ws.q, s = ws.s, row = ws.kt;
            int off = kvLen - qLen;
            int maxLim = causal ? Math.min(kvLen, qLen - 1 + off + 1) : kvLen;
            // fp32 rows with unit stride are read in place; anything else is converted one row at a time.
            boolean kDirect = k.type() == DType.F32 && k.s3() == 1;
            if (kDirect) {
                long k0 = k.index(b, kvh, 0, 0);
                for (int r = 0; r < rowsN; r++) kk.dotRows(qt, r * d, k.segment(), k0, k.s2(), limit(r % qLen, off, kvLen), d, s, r * kvLen);
            } else {
                for (int j = 0; j < maxLim; j++) {
                    Elements.load(k.segment(), k.type(), k.index(b, kvh, j, 0), k.s3(), d, row, 0, 1);
                    for (int r = 0; r < rowsN; r++) {
                        if (j < limit(r % qLen, off, kvLen)) s[r * kvLen + j] = kk.dot(qt, r * d, row, 0, d);
                    }
                }
            }
        }

        private void decodePv(Workspace ws, int b, int kvh, int rowsN, int qLen, int kvLen) {
            CpuKernels kk = kern;
            float[] s = ws.s, o = ws.o, row = ws.kt, l = ws.l;
            int off = kvLen - qLen;
            int maxLim = causal ? Math.min(kvLen, qLen - 1 + off + 1) : kvLen;
            boolean vDirect = v.type() == DType.F32 && v.s3() == 1;
            Arrays.fill(o, 0, rowsN * d, 0f);
            // l = 0: no visible key, the row stays 0; l = NaN (a NaN score) must still reach the output
            if (vDirect) {
                long v0 = v.index(b, kvh, 0, 0);
                for (int r = 0; r < rowsN; r++) {
                    if (l[r] == 0f) continue;
                    kk.axpyRows(s, r * kvLen, v.segment(), v0, v.s2(), limit(r % qLen, off, kvLen), d, o, r * d);
                }
            } else {
                for (int j = 0; j < maxLim; j++) {
                    Elements.load(v.segment(), v.type(), v.index(b, kvh, j, 0), v.s3(), d, row, 0, 1);
                    for (int r = 0; r < rowsN; r++) {
                        if (l[r] == 0f || j >= limit(r % qLen, off, kvLen)) continue;
                        kk.axpy(s[r * kvLen + j], row, 0, o, r * d, d);
                    }
                }
            }
        }

        private int limit(int i, int off, int kvLen) { return causal ? Math.min(kvLen, i + off + 1) : kvLen; }
    }
}
