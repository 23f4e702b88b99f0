package io.kuaxin.conformance;

import io.kuaxin.Attention;
import io.kuaxin.ClosedResourceException;
import io.kuaxin.DType;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Matmul;
import io.kuaxin.Rope;
import io.kuaxin.kernels.oracle.HostTensor;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.Op;

import java.util.ArrayList;
import java.util.List;

/** Bad calls: each must raise its typed exception naming the argument, and leave the device usable. */
final class NegativeCases {
    private NegativeCases() {}

    private static final Class<InvalidArgumentException> IAE = InvalidArgumentException.class;

    static List<Case> all(Gen g) {
        DType f = DType.F32;
        List<Case> out = new ArrayList<>();
        out.add(Case.negative(Op.MATMUL, "inner-dims-differ", List.of(g.dense(f, 4, 7), g.dense(f, 5, 3)), IAE,
                "K=7", (ctx, x) -> ctx.matmul(x.get(0), x.get(1))));
        out.add(Case.negative(Op.MATMUL, "dtype-mismatch", List.of(g.dense(f, 4, 7), g.dense(DType.BF16, 7, 3)), IAE,
                "b is bf16", (ctx, x) -> ctx.matmul(x.get(0), x.get(1))));
        out.add(Case.negative(Op.MATMUL, "vector-operand", List.of(g.dense(f, 7), g.dense(f, 7, 3)), IAE,
                "a has shape [7]", (ctx, x) -> ctx.matmul(x.get(0), x.get(1))));
        out.add(Case.negative(Op.MATMUL, "batch-dims-clash", List.of(g.dense(f, 2, 4, 7), g.dense(f, 3, 7, 3)), IAE,
                "do not broadcast", (ctx, x) -> ctx.matmul(x.get(0), x.get(1))));
        out.add(Case.negative(Op.MATMUL, "bias-wrong-length", List.of(g.dense(f, 4, 7), g.dense(f, 7, 3), g.dense(f, 4)),
                IAE, "bias has shape [4]", (ctx, x) -> ctx.matmul(x.get(0), x.get(1), Matmul.options().bias(x.get(2)))));
        out.add(Case.negative(Op.MATMUL, "i8-with-epilogue", List.of(g.dense(DType.I8, 4, 7), g.dense(DType.I8, 7, 3)),
                IAE, "i8 path", (ctx, x) -> ctx.matmul(x.get(0), x.get(1), Matmul.options().epilogue(Epilogue.RELU))));
        out.add(Case.negative(Op.MATMUL, "out-wrong-dtype", List.of(g.dense(f, 4, 7), g.dense(f, 7, 3), g.dense(DType.F16, 4, 3)),
                IAE, "out is f16", (ctx, x) -> ctx.matmul(x.get(0), x.get(1), Matmul.options(), x.get(2))));
        out.add(Case.negative(Op.MATMUL, "out-overlaps-a", List.of(g.dense(f, 4, 4), g.dense(f, 4, 4)), IAE,
                "overlaps input 0", (ctx, x) -> ctx.matmul(x.get(0), x.get(1), Matmul.options(), x.get(0))));
        out.add(Case.negative(Op.ATTENTION, "kv-heads-do-not-divide", List.of(g.dense(f, 1, 6, 3, 8),
                g.dense(f, 1, 4, 5, 8), g.dense(f, 1, 4, 5, 8)), IAE, "must divide",
                (ctx, x) -> ctx.attention(x.get(0), x.get(1), x.get(2))));
        out.add(Case.negative(Op.ATTENTION, "rank-3-q", List.of(g.dense(f, 6, 3, 8), g.dense(f, 1, 6, 5, 8),
                g.dense(f, 1, 6, 5, 8)), IAE, "q has shape [6, 3, 8]", (ctx, x) -> ctx.attention(x.get(0), x.get(1), x.get(2))));
        out.add(Case.negative(Op.ATTENTION, "kv-lengths-i64", List.of(g.dense(f, 2, 2, 3, 8), g.dense(f, 2, 2, 5, 8),
                g.dense(f, 2, 2, 5, 8), Input.dense(HostTensor.of(DType.I64, new long[] {2}, 1, 2))), IAE, "kvLens is i64",
                (ctx, x) -> ctx.attention(x.get(0), x.get(1), x.get(2), Attention.defaults().kvLengths(x.get(3)))));
        out.add(Case.negative(Op.ATTENTION, "mask-does-not-broadcast", List.of(g.dense(f, 1, 2, 3, 8),
                g.dense(f, 1, 2, 5, 8), g.dense(f, 1, 2, 5, 8), g.dense(f, 3, 4)), IAE, "mask [3, 4]",
                (ctx, x) -> ctx.attention(x.get(0), x.get(1), x.get(2), Attention.defaults().mask(x.get(3)))));
        out.add(Case.negative(Op.SOFTMAX, "axis-out-of-range", List.of(g.dense(f, 3, 4)), IAE, "axis 2",
                (ctx, x) -> ctx.softmax(x.get(0), 2)));
        out.add(Case.negative(Op.SOFTMAX, "integer-input", List.of(g.dense(DType.I32, 3, 4)), IAE, "x is i32",
                (ctx, x) -> ctx.softmax(x.get(0))));
        out.add(Case.negative(Op.LAYER_NORM, "gamma-wrong-shape", List.of(g.dense(f, 3, 4), g.dense(f, 3)), IAE,
                "gamma has shape [3]", (ctx, x) -> ctx.layerNorm(x.get(0), x.get(1), null, 1e-5)));
        out.add(Case.negative(Op.RMS_NORM, "negative-eps", List.of(g.dense(f, 3, 4)), IAE, "eps",
                (ctx, x) -> ctx.rmsNorm(x.get(0), null, -1)));
        out.add(Case.negative(Op.ROPE, "odd-head-dim", List.of(g.dense(f, 1, 2, 3, 7)), IAE, "rotaryDims",
                (ctx, x) -> ctx.rope(x.get(0), Rope.halfSplit())));
        out.add(Case.negative(Op.ROPE, "float-positions", List.of(g.dense(f, 1, 2, 3, 8), g.dense(f, 3)), IAE,
                "positions is f32", (ctx, x) -> ctx.rope(x.get(0), Rope.halfSplit().positions(x.get(1)))));
        out.add(Case.negative(Op.ADD, "shapes-do-not-broadcast", List.of(g.dense(f, 3, 4), g.dense(f, 3)), IAE,
                "do not broadcast", (ctx, x) -> ctx.add(x.get(0), x.get(1))));
        out.add(Case.negative(Op.ADD, "bool-arithmetic", List.of(g.dense(DType.BOOL, 3), g.dense(DType.BOOL, 3)), IAE,
                "bool", (ctx, x) -> ctx.add(x.get(0), x.get(1))));
        out.add(Case.negative(Op.MUL, "out-is-strided", List.of(g.dense(f, 4, 4), g.dense(f, 4, 4), g.dense(f, 4, 4)),
                IAE, "contiguous", (ctx, x) -> ctx.mul(x.get(0), x.get(1), x.get(2).transpose(0, 1))));
        out.add(Case.negative(Op.ADD, "out-overlaps-broadcast-row", List.of(g.dense(f, 4, 4)), IAE,
                "overlaps input 1", (ctx, x) -> ctx.add(x.get(0), x.get(0).slice(0, 0, 1), x.get(0))));
        out.add(Case.negative(Op.EXP, "integer-input", List.of(g.dense(DType.I64, 4)), IAE, "x is i64",
                (ctx, x) -> ctx.exp(x.get(0))));
        out.add(Case.negative(Op.MEAN, "integer-input", List.of(g.dense(DType.I32, 4)), IAE, "x is i32",
                (ctx, x) -> ctx.mean(x.get(0), 0)));
        out.add(Case.negative(Op.MAX, "empty-axis", List.of(g.dense(f, 3, 0)), IAE, "empty",
                (ctx, x) -> ctx.max(x.get(0), 1)));
        out.add(Case.negative(Op.EMBEDDING, "float-ids", List.of(g.dense(f, 5, 3), g.dense(f, 4)), IAE, "ids is f32",
                (ctx, x) -> ctx.embedding(x.get(0), x.get(1))));
        out.add(Case.negative(Op.CAST, "closed-input", List.of(g.dense(f, 4)), ClosedResourceException.class, "closed",
                (ctx, x) -> {
                    x.get(0).close();
                    return ctx.cast(x.get(0), DType.F16);
                }));
        out.add(Case.negative(Op.ADD, "null-input", List.of(g.dense(f, 4)), IAE, "b is null",
                (ctx, x) -> ctx.add(x.get(0), null)));
        return out;
    }
}
