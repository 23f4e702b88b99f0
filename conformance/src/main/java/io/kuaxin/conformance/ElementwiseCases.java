package io.kuaxin.conformance;

import io.kuaxin.DType;
import io.kuaxin.OpContext;
import io.kuaxin.Tensor;
import io.kuaxin.kernels.oracle.HostTensor;
import io.kuaxin.op.CastAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;

import java.util.ArrayList;
import java.util.List;

/** Binary arithmetic with broadcasting and promotion, activations, every cast pair, copies of any view. */
final class ElementwiseCases {
    private ElementwiseCases() {}

    private static final List<Op> BINARY = List.of(Op.ADD, Op.SUB, Op.MUL, Op.DIV);
    private static final List<Op> UNARY = List.of(Op.SILU, Op.GELU_TANH, Op.GELU_ERF, Op.RELU, Op.EXP);

    static List<Case> all(Gen g) {
        List<Case> out = new ArrayList<>();
        for (Op op : BINARY) {
            for (DType t : Gen.NUMERIC) binary(out, g, op, t);
            mixed(out, g, op);
        }
        for (Op op : UNARY) for (DType t : Gen.FLOATS) unary(out, g, op, t);
        for (DType from : Gen.ALL) for (DType to : Gen.ALL) out.add(cast(g, from, to));
        for (DType t : Gen.ALL) copies(out, g, t);
        return out;
    }

    static Tensor binaryCall(OpContext ctx, Op op, Tensor a, Tensor b) { return call(ctx, op, a, b, null); }

    static Tensor unaryCall(OpContext ctx, Op op, Tensor x) { return unaryCall(ctx, op, x, null); }

    private static Tensor call(OpContext ctx, Op op, Tensor a, Tensor b, Tensor o) {
        return switch (op) {
            case ADD -> o == null ? ctx.add(a, b) : ctx.add(a, b, o);
            case SUB -> o == null ? ctx.sub(a, b) : ctx.sub(a, b, o);
            case MUL -> o == null ? ctx.mul(a, b) : ctx.mul(a, b, o);
            default -> o == null ? ctx.div(a, b) : ctx.div(a, b, o);
        };
    }

    /** Divisors stay away from 0 for floats (integers include 0: x / 0 = 0 is defined). */
    private static Input rhs(Gen g, Op op, DType t, long... shape) {
        if (op == Op.DIV && t.isFloatingPoint()) return Input.dense(g.range(t, 0.5, 2, shape));
        return g.dense(t, shape);
    }

    private static void binary(List<Case> out, Gen g, Op op, DType t) {
        long[][][] shapes = {{{0}, {0}}, {{1}, {1}}, {{37}, {37}}, {{3, 17}, {17}}, {{4, 1, 5}, {3, 1}}, {{}, {5}},
                {{2, 3, 4, 5}, {2, 1, 4, 1}}};
        for (long[][] s : shapes) {
            out.add(Case.positive(op, t.label(), java.util.Arrays.toString(s[0]) + "+" + java.util.Arrays.toString(s[1]),
                    List.of(g.dense(t, s[0]), rhs(g, op, t, s[1])), OpAttributes.NONE, 1,
                    (ctx, x) -> call(ctx, op, x.get(0), x.get(1), null)));
        }
        out.add(Case.positive(op, t.label(), "transposed-and-broadcast-views",
                List.of(g.transposed(t, 13, 6), op == Op.DIV && t.isFloatingPoint()
                        ? Input.viewed(g.range(t, 0.5, 2, 1, 6), new ViewOp.Expand(13, 6)) : g.broadcast(t, 0, 13, 6)),
                OpAttributes.NONE, 1, (ctx, x) -> call(ctx, op, x.get(0), x.get(1), null)));
        out.add(Case.positive(op, t.label(), "in-place-out-is-a", List.of(g.dense(t, 9, 11), rhs(g, op, t, 9, 11)),
                OpAttributes.NONE, 1, (ctx, x) -> call(ctx, op, x.get(0), x.get(1), x.get(0))));
        out.add(Case.positive(op, t.label(), "large-4099", List.of(g.dense(t, 4099), rhs(g, op, t, 4099)),
                OpAttributes.NONE, 1, (ctx, x) -> call(ctx, op, x.get(0), x.get(1), null)));
    }

    /** Promotion: the result dtype follows io.kuaxin.op.Promotion. */
    private static void mixed(List<Case> out, Gen g, Op op) {
        DType[][] pairs = {{DType.F32, DType.BF16}, {DType.F16, DType.BF16}, {DType.I32, DType.F16}, {DType.I8, DType.U8},
                {DType.BOOL, DType.I32}, {DType.F64, DType.I64}, {DType.BOOL, DType.F32}};
        for (DType[] p : pairs) {
            DType rt = p[1];
            Input b = op == Op.DIV && rt.isFloatingPoint() ? Input.dense(g.range(rt, 0.5, 2, 4, 7)) : g.dense(rt, 4, 7);
            out.add(Case.positive(op, p[0].label() + "+" + rt.label(), "promote", List.of(g.dense(p[0], 7), b),
                    OpAttributes.NONE, 1, (ctx, x) -> call(ctx, op, x.get(0), x.get(1), null)));
        }
    }

    private static void unary(List<Case> out, Gen g, Op op, DType t) {
        long[][] shapes = {{0}, {1}, {13}, {5, 33}, {3000}};
        for (long[] s : shapes) {
            out.add(Case.positive(op, t.label(), java.util.Arrays.toString(s), List.of(Input.dense(g.range(t, -6, 6, s))),
                    OpAttributes.NONE, 1, (ctx, x) -> unaryCall(ctx, op, x.get(0), null)));
        }
        out.add(Case.positive(op, t.label(), "padded-view", List.of(g.padded(t, 7, 19)), OpAttributes.NONE, 1,
                (ctx, x) -> unaryCall(ctx, op, x.get(0), null)));
        out.add(Case.positive(op, t.label(), "in-place", List.of(Input.dense(g.range(t, -4, 4, 6, 10))),
                OpAttributes.NONE, 1, (ctx, x) -> unaryCall(ctx, op, x.get(0), x.get(0))));
    }

    private static Tensor unaryCall(OpContext ctx, Op op, Tensor x, Tensor o) {
        return switch (op) {
            case SILU -> o == null ? ctx.silu(x) : ctx.silu(x, o);
            case GELU_TANH -> o == null ? ctx.geluTanh(x) : ctx.geluTanh(x, o);
            case GELU_ERF -> o == null ? ctx.geluErf(x) : ctx.geluErf(x, o);
            case RELU -> o == null ? ctx.relu(x) : ctx.relu(x, o);
            default -> o == null ? ctx.exp(x) : ctx.exp(x, o);
        };
    }

    /** Random values plus the edge cases of rounding and saturation: ties, overflow, NaN, infinities, -0. */
    private static Case cast(Gen g, DType from, DType to) {
        double[] special = {0.5, -0.5, 1.5, 2.5, -2.5, 127.5, -128.7, 255.9, 300, -300, 65520, 1e10, -1e10, -0.0,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.00390625, 1.0009765625, 3e-8};
        HostTensor r = g.range(from, -300, 300, 41);
        double[] d = r.data().clone();
        for (int i = 0; i < special.length; i++) d[i * 2] = special[i];
        HostTensor x = HostTensor.of(from, new long[] {41}, d);
        return Case.positive(Op.CAST, from.label() + "->" + to.label(), "edges", List.of(Input.dense(x)),
                new CastAttrs(to), 1, (ctx, in) -> ctx.cast(in.get(0), to));
    }

    private static void copies(List<Case> out, Gen g, DType t) {
        out.add(Case.positive(Op.COPY, t.label(), "transposed", List.of(g.transposed(t, 5, 9)), OpAttributes.NONE, 1,
                (ctx, x) -> ctx.copy(x.get(0))));
        out.add(Case.positive(Op.COPY, t.label(), "padded", List.of(g.padded(t, 4, 3, 6)), OpAttributes.NONE, 1,
                (ctx, x) -> ctx.copy(x.get(0))));
        out.add(Case.positive(Op.COPY, t.label(), "broadcast", List.of(g.broadcast(t, 1, 3, 7, 2)), OpAttributes.NONE,
                1, (ctx, x) -> ctx.copy(x.get(0))));
        out.add(Case.positive(Op.CAST, t.label() + "->" + t.label(), "cast-into-out-of-padded-view",
                List.of(g.padded(t, 3, 11)), new CastAttrs(t), 1,
                (ctx, x) -> ctx.cast(x.get(0), ctx.copy(x.get(0)))));
    }
}
