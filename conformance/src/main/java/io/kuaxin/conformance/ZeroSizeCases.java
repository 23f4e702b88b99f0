package io.kuaxin.conformance;

import io.kuaxin.Attention;
import io.kuaxin.DType;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Matmul;
import io.kuaxin.Rope;
import io.kuaxin.kernels.oracle.HostTensor;
import io.kuaxin.kernels.oracle.Oracle;
import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.CastAttrs;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.op.ReduceAttrs;
import io.kuaxin.op.RopeAttrs;
import io.kuaxin.op.RopeMode;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Zero-size dimensions, for every op: an empty batch, an empty row, an empty reduction axis. Each case either
 * computes the op's defined result (an empty tensor; a sum of nothing is 0; a K = 0 matmul is its epilogue of 0)
 * or, where the op's spec rejects the shape (a max over nothing), must be rejected with
 * {@link InvalidArgumentException} by every backend.
 */
final class ZeroSizeCases {
    private ZeroSizeCases() {}

    static List<Case> all(Gen g, DType t) {
        List<Case> out = new ArrayList<>();
        for (long[] mkn : new long[][] {{0, 5, 3}, {4, 0, 3}, {4, 5, 0}}) {
            int m = (int) mkn[0], k = (int) mkn[1], n = (int) mkn[2];
            add(out, Op.MATMUL, t, "mkn-" + m + "x" + k + "x" + n, List.of(g.dense(t, m, k), g.dense(t, k, n)),
                    new MatmulAttrs(false, false, 1f, 0f, false, false, Epilogue.NONE, t),
                    (ctx, x) -> ctx.matmul(x.get(0), x.get(1), Matmul.options()));
        }
        for (int[] qk : new int[][] {{0, 4}, {3, 0}}) {
            int lq = qk[0], lkv = qk[1];
            add(out, Op.ATTENTION, t, "lq" + lq + "-lkv" + lkv, List.of(g.dense(t, 1, 2, lq, 8), g.dense(t, 1, 2, lkv, 8),
                            g.dense(t, 1, 2, lkv, 8)), new AttentionAttrs((float) (1 / Math.sqrt(8)), false, false, false),
                    (ctx, x) -> ctx.attention(x.get(0), x.get(1), x.get(2), Attention.defaults()));
        }
        for (int axis = 0; axis < 2; axis++) {
            int ax = axis;
            add(out, Op.SOFTMAX, t, "5x0-axis" + axis, List.of(g.dense(t, 5, 0)), new AxisAttrs(axis),
                    (ctx, x) -> ctx.softmax(x.get(0), ax));
            add(out, Op.SOFTMAX, t, "0x5-axis" + axis, List.of(g.dense(t, 0, 5)), new AxisAttrs(axis),
                    (ctx, x) -> ctx.softmax(x.get(0), ax));
        }
        add(out, Op.LAYER_NORM, t, "0-rows", List.of(g.dense(t, 0, 6), g.dense(t, 6), g.dense(t, 6)),
                new NormAttrs(1e-5, true, true), (ctx, x) -> ctx.layerNorm(x.get(0), x.get(1), x.get(2), 1e-5));
        add(out, Op.RMS_NORM, t, "0-rows", List.of(g.dense(t, 0, 6), g.dense(t, 6)), new NormAttrs(1e-5, true, false),
                (ctx, x) -> ctx.rmsNorm(x.get(0), x.get(1), 1e-5));
        add(out, Op.RMS_NORM, t, "0-wide", List.of(g.dense(t, 3, 0), g.dense(t, 0)), new NormAttrs(1e-5, true, false),
                (ctx, x) -> ctx.rmsNorm(x.get(0), x.get(1), 1e-5));
        add(out, Op.ROPE, t, "0-positions", List.of(g.dense(t, 1, 2, 0, 8)),
                new RopeAttrs(RopeMode.HALF_SPLIT, 10000, 8, 0, 2, false), (ctx, x) -> ctx.rope(x.get(0), Rope.halfSplit()));
        for (Op op : List.of(Op.ADD, Op.SUB, Op.MUL, Op.DIV)) {
            add(out, op, t, "0x3+3", List.of(g.dense(t, 0, 3), g.dense(t, 3)), OpAttributes.NONE,
                    (ctx, x) -> ElementwiseCases.binaryCall(ctx, op, x.get(0), x.get(1)));
            add(out, op, t, "4x1+0", List.of(g.dense(t, 4, 1), g.dense(t, 0)), OpAttributes.NONE,
                    (ctx, x) -> ElementwiseCases.binaryCall(ctx, op, x.get(0), x.get(1)));
        }
        for (Op op : List.of(Op.SILU, Op.GELU_TANH, Op.GELU_ERF, Op.RELU, Op.EXP)) {
            add(out, op, t, "2x0x3", List.of(g.dense(t, 2, 0, 3)), OpAttributes.NONE,
                    (ctx, x) -> ElementwiseCases.unaryCall(ctx, op, x.get(0)));
        }
        add(out, Op.CAST, t, "0x4", List.of(g.dense(t, 0, 4)), new CastAttrs(DType.I32), (ctx, x) -> ctx.cast(x.get(0), DType.I32));
        add(out, Op.COPY, t, "3x0", List.of(g.dense(t, 3, 0)), OpAttributes.NONE, (ctx, x) -> ctx.copy(x.get(0)));
        for (Op op : List.of(Op.SUM, Op.MAX, Op.MEAN, Op.ARGMAX)) {
            add(out, op, t, "0x4-axis1", List.of(g.dense(t, 0, 4)), new ReduceAttrs(1, false),
                    (ctx, x) -> ReduceCases.call(ctx, op, x.get(0), 1, false));
            add(out, op, t, "4x0-axis1", List.of(g.dense(t, 4, 0)), new ReduceAttrs(1, false),
                    (ctx, x) -> ReduceCases.call(ctx, op, x.get(0), 1, false));
        }
        add(out, Op.EMBEDDING, t, "0-ids", List.of(g.dense(t, 7, 4), Input.dense(HostTensor.zeros(DType.I32, 0))),
                OpAttributes.NONE, (ctx, x) -> ctx.embedding(x.get(0), x.get(1)));
        add(out, Op.EMBEDDING, t, "0-rows-table", List.of(g.dense(t, 0, 4), Input.dense(HostTensor.zeros(DType.I32, 3))),
                OpAttributes.NONE, (ctx, x) -> ctx.embedding(x.get(0), x.get(1)));
        return out;
    }

    /** The ops this family covers; a test checks it is all of them. */
    static Set<Op> covered(List<Case> cases) {
        Set<Op> s = EnumSet.noneOf(Op.class);
        for (Case c : cases) s.add(c.op());
        return s;
    }

    /** Positive where the spec accepts the shape, negative (InvalidArgumentException) where it rejects it. */
    private static void add(List<Case> out, Op op, DType t, String desc, List<Input> in, OpAttributes attrs, Case.Invoke call) {
        try {
            Oracle.run(op, attrs, in.stream().map(Input::logical).toList());
        } catch (InvalidArgumentException rejected) {
            out.add(Case.negative(op, "zero-size-" + t.label() + "-" + desc, in, InvalidArgumentException.class, null, call));
            return;
        }
        out.add(Case.positive(op, t.label(), "zero-size-" + desc, in, attrs, 1, call));
    }
}
