package io.kuaxin.kernels.cpu;

import io.kuaxin.DType;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both kernel implementations against a direct fp64 softmax(QKᵀ·scale + mask)·V computed here. */
class CpuAttentionTest {
    /** BHDS: head dims strided (sequence contiguous), the layout that keeps the keys' per-row gather covered. */
    enum Layout { BHSD, BSHD, BHDS }
    enum Mask { NONE, FULL, BROADCAST }

    record Case(int batch, int qHeads, int kvHeads, int lq, int lkv, int d, boolean causal, Mask mask,
                boolean varlen, DType type, Layout layout) {
        @Override
        public String toString() {
            return "B" + batch + " H" + qHeads + "/" + kvHeads + " q" + lq + " kv" + lkv + " d" + d + (causal ? " causal" : "")
                    + " mask=" + mask + (varlen ? " varlen" : "") + " " + type + " " + layout;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cs = new ArrayList<>();
        for (int s : new int[] {1, 2, 17, 31, 33, 129}) {
            cs.add(new Case(2, 3, 3, s, s, 31, false, Mask.NONE, false, DType.F32, Layout.BHSD));
            cs.add(new Case(1, 2, 2, s, s, 64, true, Mask.NONE, false, DType.F32, Layout.BHSD));
        }
        cs.add(new Case(1, 2, 1, 300, 300, 64, true, Mask.NONE, false, DType.F32, Layout.BHSD)); // MQA, multi-block
        cs.add(new Case(2, 4, 2, 70, 70, 128, true, Mask.NONE, false, DType.F32, Layout.BSHD)); // GQA, interleaved layout
        cs.add(new Case(1, 8, 8, 40, 40, 64, true, Mask.NONE, false, DType.F32, Layout.BHSD)); // whole groups per item
        cs.add(new Case(1, 4, 2, 1, 300, 64, true, Mask.NONE, false, DType.F32, Layout.BHSD)); // decode vs cache
        cs.add(new Case(2, 4, 4, 1, 257, 128, false, Mask.NONE, false, DType.BF16, Layout.BSHD));
        cs.add(new Case(1, 2, 1, 5, 37, 33, true, Mask.NONE, false, DType.F32, Layout.BHSD)); // small-Lq path, causal offset
        cs.add(new Case(1, 2, 2, 20, 150, 16, true, Mask.NONE, false, DType.F32, Layout.BHSD)); // chunked prefill vs cache
        cs.add(new Case(2, 2, 2, 33, 45, 40, false, Mask.FULL, false, DType.F32, Layout.BHSD));
        cs.add(new Case(2, 4, 2, 33, 45, 40, true, Mask.BROADCAST, false, DType.F16, Layout.BHSD));
        cs.add(new Case(2, 2, 1, 3, 45, 40, false, Mask.BROADCAST, false, DType.F32, Layout.BHSD));
        cs.add(new Case(3, 2, 2, 37, 53, 32, true, Mask.NONE, true, DType.F32, Layout.BHSD));
        cs.add(new Case(3, 2, 2, 37, 53, 32, false, Mask.FULL, true, DType.BF16, Layout.BSHD));
        cs.add(new Case(2, 2, 2, 4, 53, 32, true, Mask.NONE, true, DType.F32, Layout.BHSD));
        cs.add(new Case(1, 1, 1, 9, 3, 8, true, Mask.NONE, false, DType.F32, Layout.BHSD)); // early queries see no key
        cs.add(new Case(1, 1, 1, 5, 0, 8, false, Mask.NONE, false, DType.F32, Layout.BHSD)); // no keys at all
        cs.add(new Case(1, 3, 3, 160, 160, 1, true, Mask.NONE, false, DType.F16, Layout.BHSD));
        // fp32 keys whose head dims are not contiguous (the per-key gather, not the transposed panels), one panel
        // and a partial second one, with and without a causal offset
        cs.add(new Case(2, 3, 3, 17, 17, 31, false, Mask.NONE, false, DType.F32, Layout.BHDS));
        cs.add(new Case(1, 4, 2, 20, 45, 32, true, Mask.FULL, true, DType.F32, Layout.BHDS));
        // Every short length (rows shorter than, equal to and just past a 16-lane vector, where the row kernels'
        // masked tails do all the work) and the lengths around 128 (MiniLM's 12 heads of 32), causal and masked
        // in turn, with head dims that are and are not a multiple of the vector length.
        for (int s = 1; s <= 40; s++) {
            cs.add(new Case(1, 2, 2, s, s, s % 4 == 1 ? 20 : 32, s % 2 == 0, s % 3 == 0 ? Mask.FULL : Mask.NONE,
                    false, DType.F32, Layout.BHSD));
        }
        for (int s = 127; s <= 130; s++) {
            cs.add(new Case(1, 12, 12, s, s, 32, s % 2 == 0, s == 129 ? Mask.FULL : Mask.NONE, false, DType.F32, Layout.BSHD));
        }
        List<Arguments> out = new ArrayList<>();
        for (CpuKernels kern : Ref.kernels()) for (Case c : cs) out.add(Arguments.of(kern.name(), kern, c));
        return out.stream();
    }

    private static StridedTensor view(Ref.Buf buf, int b, int h, int s, int d, Layout layout) {
        return switch (layout) {
            case BHSD -> new StridedTensor(buf.seg, buf.type, 0, (long) h * s * d, (long) s * d, d, 1);
            case BSHD -> new StridedTensor(buf.seg, buf.type, 0, (long) s * h * d, d, (long) h * d, 1);
            case BHDS -> new StridedTensor(buf.seg, buf.type, 0, (long) h * s * d, (long) s * d, 1, s);
        };
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void matchesFp64(String name, CpuKernels kern, Case c) {
        Random rnd = new Random(c.hashCode());
        int B = c.batch, H = c.qHeads, HK = c.kvHeads, LQ = c.lq, LK = c.lkv, D = c.d;
        Ref.Buf q = new Ref.Buf(c.type, B * H * LQ * D, rnd, false);
        Ref.Buf k = new Ref.Buf(c.type, Math.max(1, B * HK * LK * D), rnd, true);
        Ref.Buf v = new Ref.Buf(c.type, Math.max(1, B * HK * LK * D), rnd, false);
        Ref.Buf o = new Ref.Buf(DType.F32, B * H * LQ * D, rnd, false);
        for (int i = 0; i < o.val.length; i++) o.set(i, Float.NaN);
        for (int i = 0; i < q.val.length; i++) q.set(i, (rnd.nextFloat() * 2 - 1) * 3); // sharper softmax
        StridedTensor qv = view(q, B, H, LQ, D, c.layout), kv = view(k, B, HK, LK, D, c.layout);
        StridedTensor vv = view(v, B, HK, LK, D, c.layout), ov = view(o, B, H, LQ, D, Layout.BHSD);
        Ref.Buf mb = null;
        StridedTensor mv = null;
        if (c.mask != Mask.NONE) {
            int mB = c.mask == Mask.FULL ? B : 1, mH = c.mask == Mask.FULL ? H : 1;
            mb = new Ref.Buf(DType.F32, mB * mH * LQ * LK, rnd, false);
            for (int i = 0; i < mb.val.length; i++) {
                if (rnd.nextInt(7) == 0) mb.set(i, Float.NEGATIVE_INFINITY);
            }
            mv = new StridedTensor(mb.seg, DType.F32, 0, mB == 1 ? 0 : (long) mH * LQ * LK, mH == 1 ? 0 : (long) LQ * LK, LK, 1);
        }
        int[] qLens = null, kvLens = null;
        if (c.varlen) {
            qLens = new int[B];
            kvLens = new int[B];
            for (int b = 0; b < B; b++) {
                qLens[b] = b == 0 ? LQ : rnd.nextInt(LQ + 1);
                kvLens[b] = Math.max(c.causal ? qLens[b] : 0, b == 1 ? LK : rnd.nextInt(LK + 1));
            }
        }
        float scale = (float) (1 / Math.sqrt(D));
        CpuAttention.attention(kern, qv, kv, vv, ov, B, H, HK, LQ, LK, D, scale, c.causal, mv, qLens, kvLens);

        double tol = 2e-5 * Math.sqrt(Math.max(D, LK));
        int g = H / HK;
        double[] p = new double[Math.max(LK, 1)];
        for (int b = 0; b < B; b++) for (int h = 0; h < H; h++) {
            int ql = qLens == null ? LQ : qLens[b], kl = kvLens == null ? LK : kvLens[b];
            for (int i = 0; i < LQ; i++) {
                double mx = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < kl; j++) {
                    p[j] = Double.NEGATIVE_INFINITY;
                    if (i >= ql || (c.causal && j > i + (kl - ql))) continue;
                    double s = 0;
                    for (int x = 0; x < D; x++) s += q.val[(int) qv.index(b, h, i, x)] * k.val[(int) kv.index(b, h / g, j, x)];
                    s *= scale;
                    if (mv != null) s += mb.val[(int) mv.index(b, h, i, j)];
                    p[j] = s;
                    mx = Math.max(mx, s);
                }
                double sum = 0;
                for (int j = 0; j < kl; j++) { p[j] = mx == Double.NEGATIVE_INFINITY ? 0 : Math.exp(p[j] - mx); sum += p[j]; }
                for (int x = 0; x < D; x++) {
                    double ref = 0;
                    if (sum > 0) {
                        for (int j = 0; j < kl; j++) ref += p[j] * v.val[(int) vv.index(b, h / g, j, x)];
                        ref /= sum;
                    }
                    float got = o.getF32(ov.index(b, h, i, x));
                    if (!(Math.abs(got - ref) <= tol)) {
                        fail("O[" + b + "][" + h + "][" + i + "][" + x + "] = " + got + ", fp64 reference " + ref);
                    }
                }
            }
        }
    }

    /**
     * A NaN in one query row makes that row's output NaN, on every path (one query, short and long rows, one and
     * several key blocks), and leaves the other rows finite: a NaN row must not be taken for a fully masked one,
     * which writes 0.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kuaxin.kernels.cpu.Ref#kernelArgs")
    void aNanQueryRowGivesANanOutputRow(String name, CpuKernels kern) {
        for (int[] shape : new int[][] {{1, 40}, {16, 16}, {128, 128}, {200, 200}}) {
            int lq = shape[0], lk = shape[1], d = 32, bad = lq / 2;
            Random rnd = new Random(lq);
            Ref.Buf q = new Ref.Buf(DType.F32, lq * d, rnd, false), k = new Ref.Buf(DType.F32, lk * d, rnd, true);
            Ref.Buf v = new Ref.Buf(DType.F32, lk * d, rnd, false), o = new Ref.Buf(DType.F32, lq * d, rnd, false);
            for (int x = 0; x < d; x++) q.set(bad * d + x, Float.NaN);
            CpuAttention.attention(kern, view(q, 1, 1, lq, d, Layout.BHSD), view(k, 1, 1, lk, d, Layout.BHSD),
                    view(v, 1, 1, lk, d, Layout.BHSD), view(o, 1, 1, lq, d, Layout.BHSD), 1, 1, 1, lq, lk, d, 0.17f,
                    false, null, null, null);
            for (int i = 0; i < lq; i++) {
                for (int x = 0; x < d; x++) {
                    float got = o.getF32((long) i * d + x);
                    if (i == bad ? !Float.isNaN(got) : !Float.isFinite(got)) {
                        String want = i == bad ? ", want NaN" : ", want a finite value";
                        fail("q" + lq + " kv" + lk + ": O[" + i + "][" + x + "] = " + got + want);
                    }
                }
            }
        }
    }
}
