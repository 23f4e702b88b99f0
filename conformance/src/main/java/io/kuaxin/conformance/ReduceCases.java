package io.kuaxin.conformance;

import io.kuaxin.DType;
import io.kuaxin.OpContext;
import io.kuaxin.Tensor;
import io.kuaxin.kernels.oracle.HostTensor;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.op.ReduceAttrs;

import java.util.ArrayList;
import java.util.List;

/** SUM, MAX, MEAN, ARGMAX along one axis, and EMBEDDING. */
final class ReduceCases {
    private ReduceCases() {}

    static List<Case> all(Gen g) {
        List<Case> out = new ArrayList<>();
        for (Op op : List.of(Op.SUM, Op.MAX, Op.MEAN, Op.ARGMAX)) {
            for (DType t : op == Op.MEAN ? Gen.FLOATS : Gen.ALL) reduce(out, g, op, t);
        }
        for (DType t : Gen.ALL) for (DType it : List.of(DType.I32, DType.I64)) embedding(out, g, t, it);
        return out;
    }

    static Tensor call(OpContext ctx, Op op, Tensor x, int axis, boolean keep) {
        return switch (op) {
            case SUM -> ctx.sum(x, axis, keep);
            case MAX -> ctx.max(x, axis, keep);
            case MEAN -> ctx.mean(x, axis, keep);
            default -> ctx.argmax(x, axis, keep);
        };
    }

    private static void reduce(List<Case> out, Gen g, Op op, DType t) {
        Object[][] shapes = {{new long[] {1}, 0, false}, {new long[] {7}, 0, true}, {new long[] {3, 17}, 0, false},
                {new long[] {3, 17}, -1, true}, {new long[] {2, 5, 300}, -1, false}, {new long[] {2, 5, 3}, 1, false}};
        for (Object[] s : shapes) {
            long[] shape = (long[]) s[0];
            int axis = (int) s[1];
            boolean keep = (boolean) s[2];
            long n = shape[axis < 0 ? axis + shape.length : axis];
            out.add(Case.positive(op, t.label(), java.util.Arrays.toString(shape) + "-axis" + axis + (keep ? "-keep" : ""),
                    List.of(g.dense(t, shape)), new ReduceAttrs(axis < 0 ? axis + shape.length : axis, keep),
                    Math.sqrt(n), (ctx, x) -> call(ctx, op, x.get(0), axis, keep)));
        }
        out.add(Case.positive(op, t.label(), "transposed-view", List.of(g.transposed(t, 6, 23)), new ReduceAttrs(1, false),
                Math.sqrt(23), (ctx, x) -> call(ctx, op, x.get(0), 1, false)));
        if (op == Op.SUM || op == Op.MEAN) {
            out.add(Case.positive(op, t.label(), "empty-axis", List.of(g.dense(t, 3, 0)), new ReduceAttrs(1, false), 1,
                    (ctx, x) -> call(ctx, op, x.get(0), 1, false)));
        }
    }

    /** Ids include -1 and V (out of range: rows of zeros by definition). */
    private static void embedding(List<Case> out, Gen g, DType t, DType it) {
        int v = 11;
        HostTensor ids = HostTensor.of(it, new long[] {2, 4}, 3, 0, 10, 3, -1, 11, 7, 2);
        out.add(Case.positive(Op.EMBEDDING, t.label(), "ids-" + it.label() + "-2x4-out-of-range",
                List.of(g.dense(t, v, 6), Input.dense(ids)), OpAttributes.NONE, 1,
                (ctx, x) -> ctx.embedding(x.get(0), x.get(1))));
        HostTensor one = HostTensor.of(it, new long[] {}, 5);
        out.add(Case.positive(Op.EMBEDDING, t.label(), "ids-" + it.label() + "-scalar-padded-table",
                List.of(g.padded(t, v, 5), Input.dense(one)), OpAttributes.NONE, 1,
                (ctx, x) -> ctx.embedding(x.get(0), x.get(1))));
    }
}
