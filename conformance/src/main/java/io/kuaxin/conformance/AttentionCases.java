package io.kuaxin.conformance;

import io.kuaxin.Attention;
import io.kuaxin.DType;
import io.kuaxin.kernels.oracle.HostTensor;
import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.op.Op;

import java.util.ArrayList;
import java.util.List;

/** ATTENTION: MHA/GQA/MQA, causal prefill and decode, masks, varlen, strided KV caches, empty sequences. */
final class AttentionCases {
    private AttentionCases() {}

    /** b, hq, hkv, lq, lkv, d, causal (0/1). */
    private static final int[][] SHAPES = {
            {1, 1, 1, 1, 1, 1, 0}, {2, 4, 4, 5, 7, 8, 0}, {2, 8, 2, 6, 9, 16, 0}, {1, 6, 1, 3, 11, 8, 0},
            {1, 2, 2, 33, 33, 64, 1}, {2, 4, 2, 1, 37, 32, 1}, {1, 4, 4, 5, 20, 24, 1}, {1, 2, 1, 130, 130, 40, 1},
            {1, 2, 2, 17, 150, 8, 0}, {1, 1, 1, 3, 0, 8, 0}, {1, 2, 2, 0, 5, 8, 1},
            // Decode over a long KV cache (devices may split the keys over several blocks and combine), GQA 4:1.
            {1, 8, 2, 1, 1100, 64, 1}, {2, 4, 1, 2, 777, 32, 0}};

    static List<Case> all(Gen g) {
        List<Case> out = new ArrayList<>();
        for (DType t : Gen.DEVICE_FLOATS) {
            for (int[] s : SHAPES) {
                String desc = "b" + s[0] + "-hq" + s[1] + "-hkv" + s[2] + "-lq" + s[3] + "-lkv" + s[4] + "-d" + s[5]
                        + (s[6] == 1 ? "-causal" : "");
                out.add(basic(t, s, g, desc, false));
            }
            out.add(basic(t, new int[] {2, 4, 2, 6, 9, 16, 1}, g, "explicit-scale-causal", true));
            out.add(masked(t, g, false));
            out.add(masked(t, g, true));
            out.add(kvLens(t, g));
            out.add(cacheSlice(t, g));
            out.add(blhdLayout(t, g));
        }
        return out;
    }

    private static float defaultScale(int d) { return (float) (1 / Math.sqrt(d)); }

    private static Case basic(DType t, int[] s, Gen g, String desc, boolean explicitScale) {
        int b = s[0], hq = s[1], hkv = s[2], lq = s[3], lkv = s[4], d = s[5];
        boolean causal = s[6] == 1;
        float scale = explicitScale ? 0.3f : defaultScale(d);
        List<Input> in = List.of(g.dense(t, b, hq, lq, d), g.dense(t, b, hkv, lkv, d), g.dense(t, b, hkv, lkv, d));
        AttentionAttrs at = new AttentionAttrs(scale, causal, false, false);
        Attention opts = (causal ? Attention.causal() : Attention.defaults());
        Attention o = explicitScale ? opts.scale(scale) : opts;
        return Case.positive(Op.ATTENTION, t.label(), desc, in, at, 1, (ctx, x) -> ctx.attention(x.get(0), x.get(1), x.get(2), o));
    }

    /** An additive mask: per-query [Lq, Lkv] (broadcast over batch and heads), or a padding mask [B, 1, 1, Lkv]. */
    private static Case masked(DType t, Gen g, boolean padding) {
        int b = 2, hq = 4, hkv = 2, lq = 6, lkv = 10, d = 16;
        HostTensor mask;
        if (padding) {
            double[] m = new double[b * lkv];
            for (int i = 0; i < b; i++) for (int j = 0; j < lkv; j++) m[i * lkv + j] = j >= lkv - 3 * i - 1 ? Double.NEGATIVE_INFINITY : 0;
            mask = HostTensor.of(DType.F32, new long[] {b, 1, 1, lkv}, m);
        } else {
            mask = g.range(t, -2, 2, lq, lkv);
        }
        List<Input> in = List.of(g.dense(t, b, hq, lq, d), g.dense(t, b, hkv, lkv, d), g.dense(t, b, hkv, lkv, d),
                Input.dense(mask));
        AttentionAttrs at = new AttentionAttrs(defaultScale(d), padding, true, false);
        return Case.positive(Op.ATTENTION, t.label(), padding ? "padding-mask-inf-causal" : "mask-broadcast-lq-lkv",
                in, at, 1, (ctx, x) -> ctx.attention(x.get(0), x.get(1), x.get(2),
                        Attention.defaults().withCausal(padding).mask(x.get(3))));
    }

    /** Varlen: valid key counts per batch entry, including 0 and more than Lkv (clamped), with causal. */
    private static Case kvLens(DType t, Gen g) {
        int b = 4, hq = 2, hkv = 2, lq = 3, lkv = 12, d = 8;
        HostTensor lens = HostTensor.of(DType.I32, new long[] {b}, 12, 5, 0, 40);
        List<Input> in = List.of(g.dense(t, b, hq, lq, d), g.dense(t, b, hkv, lkv, d), g.dense(t, b, hkv, lkv, d),
                Input.dense(lens));
        AttentionAttrs at = new AttentionAttrs(defaultScale(d), true, false, true);
        return Case.positive(Op.ATTENTION, t.label(), "kv-lengths-causal", in, at, 1,
                (ctx, x) -> ctx.attention(x.get(0), x.get(1), x.get(2), Attention.causal().kvLengths(x.get(3)).kvHeads(2)));
    }

    /** Decode against the first 21 positions of a 32-long KV cache (a strided slice), GQA. */
    private static Case cacheSlice(DType t, Gen g) {
        int b = 2, hq = 4, hkv = 2, d = 16;
        Input k = Input.viewed(g.t(t, b, hkv, 32, d), new ViewOp.Slice(2, 0, 21));
        Input v = Input.viewed(g.t(t, b, hkv, 32, d), new ViewOp.Slice(2, 0, 21));
        List<Input> in = List.of(g.dense(t, b, hq, 1, d), k, v);
        AttentionAttrs at = new AttentionAttrs(defaultScale(d), true, false, false);
        return Case.positive(Op.ATTENTION, t.label(), "decode-kv-cache-slice", in, at, 1,
                (ctx, x) -> ctx.attention(x.get(0), x.get(1), x.get(2), Attention.causal()));
    }

    /** q, k, v stored [B, L, H, D] and permuted to [B, H, L, D] (no copy). */
    private static Case blhdLayout(DType t, Gen g) {
        int b = 2, h = 3, l = 7, d = 8;
        ViewOp p = new ViewOp.Permute(0, 2, 1, 3);
        List<Input> in = List.of(Input.viewed(g.t(t, b, l, h, d), p), Input.viewed(g.t(t, b, l, h, d), p),
                Input.viewed(g.t(t, b, l, h, d), p));
        AttentionAttrs at = new AttentionAttrs(defaultScale(d), true, false, false);
        return Case.positive(Op.ATTENTION, t.label(), "permuted-blhd-views", in, at, 1,
                (ctx, x) -> ctx.attention(x.get(0), x.get(1), x.get(2), Attention.causal()));
    }
}
