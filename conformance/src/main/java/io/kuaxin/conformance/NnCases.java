package io.kuaxin.conformance;

import io.kuaxin.DType;
import io.kuaxin.Rope;
import io.kuaxin.kernels.oracle.HostTensor;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.RopeAttrs;
import io.kuaxin.op.RopeMode;

import java.util.ArrayList;
import java.util.List;

/** SOFTMAX, LAYER_NORM, RMS_NORM and ROPE. */
final class NnCases {
    private NnCases() {}

    static List<Case> all(Gen g) {
        List<Case> out = new ArrayList<>();
        for (DType t : Gen.FLOATS) {
            softmax(out, g, t);
            norms(out, g, t);
            rope(out, g, t);
        }
        return out;
    }

    private static void softmax(List<Case> out, Gen g, DType t) {
        Object[][] shapes = {{new long[] {1}, -1}, {new long[] {7}, 0}, {new long[] {3, 17}, -1}, {new long[] {3, 17}, 0},
                {new long[] {2, 3, 129}, 1}, {new long[] {4, 1000}, -1}, {new long[] {4, 0}, 1}};
        for (Object[] s : shapes) {
            long[] shape = (long[]) s[0];
            int axis = (int) s[1];
            int norm = axis < 0 ? axis + shape.length : axis;
            out.add(Case.positive(Op.SOFTMAX, t.label(), java.util.Arrays.toString(shape) + "-axis" + axis,
                    List.of(g.dense(t, shape)), new AxisAttrs(norm), 1, (ctx, x) -> ctx.softmax(x.get(0), axis)));
        }
        // Large logits: only max-subtraction keeps exp finite.
        out.add(Case.positive(Op.SOFTMAX, t.label(), "large-logits", List.of(Input.dense(g.range(t, 50, 100, 5, 33))),
                new AxisAttrs(1), 1, (ctx, x) -> ctx.softmax(x.get(0))));
        out.add(Case.positive(Op.SOFTMAX, t.label(), "transposed-view", List.of(g.transposed(t, 9, 31)),
                new AxisAttrs(1), 1, (ctx, x) -> ctx.softmax(x.get(0), -1)));
    }

    private static void norms(List<Case> out, Gen g, DType t) {
        long[][] shapes = {{1, 1}, {3, 7}, {2, 5, 64}, {4, 1000}, {0, 8}};
        for (long[] s : shapes) {
            long d = s[s.length - 1];
            Input x = Input.dense(g.range(t, 2, 4, s)); // mean far from 0: naive E[x²]−E[x]² would lose digits
            Input gamma = g.dense(t, d), beta = g.dense(t, d);
            String name = java.util.Arrays.toString(s);
            double sc = Math.sqrt(Math.max(d, 1));
            out.add(Case.positive(Op.LAYER_NORM, t.label(), name, List.of(x, gamma, beta), new NormAttrs(1e-5, true, true),
                    sc, (ctx, in) -> ctx.layerNorm(in.get(0), in.get(1), in.get(2), 1e-5)));
            out.add(Case.positive(Op.RMS_NORM, t.label(), name, List.of(x, gamma), new NormAttrs(1e-6, true, false),
                    sc, (ctx, in) -> ctx.rmsNorm(in.get(0), in.get(1), 1e-6)));
        }
        out.add(Case.positive(Op.LAYER_NORM, t.label(), "no-affine-padded-rows", List.of(g.padded(t, 6, 50)),
                new NormAttrs(1e-3, false, false), Math.sqrt(50), (ctx, in) -> ctx.layerNorm(in.get(0), null, null, 1e-3)));
        out.add(Case.positive(Op.RMS_NORM, t.label(), "no-gamma-transposed", List.of(g.transposed(t, 6, 50)),
                new NormAttrs(1e-5, false, false), Math.sqrt(50), (ctx, in) -> ctx.rmsNorm(in.get(0), null, 1e-5)));
        // one affine part alone: each is applied by itself, not only when both are given
        out.add(Case.positive(Op.LAYER_NORM, t.label(), "beta-only", List.of(g.dense(t, 3, 40), g.dense(t, 40)),
                new NormAttrs(1e-5, false, true), Math.sqrt(40), (ctx, in) -> ctx.layerNorm(in.get(0), null, in.get(1), 1e-5)));
        out.add(Case.positive(Op.LAYER_NORM, t.label(), "gamma-only", List.of(g.dense(t, 3, 40), g.dense(t, 40)),
                new NormAttrs(1e-5, true, false), Math.sqrt(40), (ctx, in) -> ctx.layerNorm(in.get(0), in.get(1), null, 1e-5)));
        DType other = t == DType.F32 ? DType.BF16 : DType.F32;
        out.add(Case.positive(Op.LAYER_NORM, t.label(), "gamma-beta-" + other.label(),
                List.of(g.dense(t, 3, 40), g.dense(other, 40), g.dense(other, 40)), new NormAttrs(1e-5, true, true),
                Math.sqrt(40), (ctx, in) -> ctx.layerNorm(in.get(0), in.get(1), in.get(2), 1e-5)));
    }

    private static void rope(List<Case> out, Gen g, DType t) {
        for (RopeMode mode : RopeMode.values()) {
            String m = mode == RopeMode.INTERLEAVED ? "interleaved" : "half-split";
            Rope base = mode == RopeMode.INTERLEAVED ? Rope.interleaved() : Rope.halfSplit();
            long[][] shapes = {{1, 1, 1, 2}, {2, 3, 5, 8}, {1, 2, 7, 64}, {3, 10}};
            for (long[] s : shapes) {
                int d = (int) s[s.length - 1];
                out.add(Case.positive(Op.ROPE, t.label(), m + java.util.Arrays.toString(s), List.of(g.dense(t, s)),
                        new RopeAttrs(mode, 10000, d, 0, s.length - 2, false), s[s.length - 2],
                        (ctx, x) -> ctx.rope(x.get(0), base)));
            }
            out.add(Case.positive(Op.ROPE, t.label(), m + "-start-100-base-500000", List.of(g.dense(t, 2, 2, 3, 16)),
                    new RopeAttrs(mode, 500000, 16, 100, 2, false), 103,
                    (ctx, x) -> ctx.rope(x.get(0), base.base(500000).start(100))));
            out.add(Case.positive(Op.ROPE, t.label(), m + "-partial-rotary", List.of(g.dense(t, 1, 2, 5, 12)),
                    new RopeAttrs(mode, 10000, 8, 0, 2, false), 5,
                    (ctx, x) -> ctx.rope(x.get(0), base.rotaryDims(8))));
            // [B, L, H, D] stored; sequence on axis -3.
            out.add(Case.positive(Op.ROPE, t.label(), m + "-seq-axis-blhd", List.of(g.dense(t, 2, 6, 3, 8)),
                    new RopeAttrs(mode, 10000, 8, 7, 1, false), 13,
                    (ctx, x) -> ctx.rope(x.get(0), base.seqAxis(-3).start(7))));
            for (DType pt : List.of(DType.I32, DType.I64)) {
                HostTensor pos = HostTensor.of(pt, new long[] {2, 1, 4}, 0, 5, 9, 4000, 3, 2, 1, 0);
                out.add(Case.positive(Op.ROPE, t.label(), m + "-positions-" + pt.label() + "-broadcast",
                        List.of(g.dense(t, 2, 3, 4, 16), Input.dense(pos)), new RopeAttrs(mode, 10000, 16, 0, 2, true),
                        4000, (ctx, x) -> ctx.rope(x.get(0), base.positions(x.get(1)))));
            }
            out.add(Case.positive(Op.ROPE, t.label(), m + "-permuted-view",
                    List.of(Input.viewed(g.t(t, 2, 5, 3, 8), new ViewOp.Permute(0, 2, 1, 3))),
                    new RopeAttrs(mode, 10000, 8, 0, 2, false), 5, (ctx, x) -> ctx.rope(x.get(0), base)));
        }
    }
}
