package io.kuaxin.conformance;

import io.kuaxin.Attention;
import io.kuaxin.DType;
import io.kuaxin.Matmul;
import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.CastAttrs;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.op.ReduceAttrs;

import java.util.ArrayList;
import java.util.List;

/**
 * Property-style cases: random shapes (0..70, many primes), dtypes, layouts and options from a fixed seed, so a
 * failure reproduces from its id. Plain seeded generation rather than jqwik: the cases must be data that both
 * the per-backend JUnit factory and the JUnit-free {@link ConformanceRunner} can enumerate and report.
 */
final class RandomCases {
    private RandomCases() {}

    static List<Case> all(Gen g, int count) {
        List<Case> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String tag = "random-" + i;
            out.add(switch (i % 8) {
                case 0 -> matmul(g, tag);
                case 1 -> attention(g, tag);
                case 2 -> softmax(g, tag);
                case 3 -> norm(g, tag);
                case 4 -> binary(g, tag);
                case 5 -> cast(g, tag);
                case 6 -> reduce(g, tag);
                default -> matmulEpilogue(g, tag);
            });
        }
        return out;
    }

    private static DType pick(Gen g, List<DType> ts) { return ts.get(g.rnd.nextInt(ts.size())); }

    private static int dim(Gen g) {
        int[] edge = {0, 1, 2, 3, 5, 7, 13, 16, 17, 31, 32, 33, 61, 64, 67};
        if (g.rnd.nextInt(4) == 0) {
            int e = edge[g.rnd.nextInt(edge.length)];
            if (e <= g.maxDim) return e;
        }
        return g.nextInt(1, g.maxDim);
    }

    /** Dense, transposed or padded, at random. */
    private static Input layout(Gen g, DType t, long... shape) {
        if (shape.length < 2 || g.rnd.nextInt(3) == 0) return g.dense(t, shape);
        return g.rnd.nextBoolean() ? g.transposed(t, shape) : g.padded(t, shape);
    }

    private static Case matmul(Gen g, String tag) {
        DType t = pick(g, List.of(DType.F32, DType.F16, DType.BF16, DType.I8));
        int m = dim(g), k = dim(g), n = dim(g);
        boolean ta = g.rnd.nextBoolean(), tb = g.rnd.nextBoolean();
        Input a = ta ? layout(g, t, k, m) : layout(g, t, m, k);
        Input b = tb ? layout(g, t, n, k) : layout(g, t, k, n);
        DType od = t == DType.I8 ? DType.I32 : t;
        Matmul o = Matmul.options();
        if (ta) o = o.transposeA();
        if (tb) o = o.transposeB();
        Matmul opts = o;
        return Case.positive(Op.MATMUL, t.label(), tag + "-" + m + "x" + k + "x" + n + (ta ? "-ta" : "") + (tb ? "-tb" : ""),
                List.of(a, b), new MatmulAttrs(ta, tb, 1f, 0f, false, false, Epilogue.NONE, od), Math.sqrt(Math.max(k, 1)),
                (ctx, x) -> ctx.matmul(x.get(0), x.get(1), opts));
    }

    private static Case matmulEpilogue(Gen g, String tag) {
        DType t = pick(g, Gen.DEVICE_FLOATS);
        int bt = g.nextInt(1, 3), m = dim(g), k = dim(g), n = dim(g);
        Epilogue e = Epilogue.values()[g.rnd.nextInt(Epilogue.values().length)];
        float alpha = (float) (g.rnd.nextDouble() * 2 - 1);
        List<Input> in = List.of(g.dense(t, bt, m, k), g.dense(t, k, n), g.dense(t, n));
        return Case.positive(Op.MATMUL, t.label(), tag + "-bias-" + e.name().toLowerCase() + "-" + bt + "x" + m + "x" + k + "x" + n,
                in, new MatmulAttrs(false, false, alpha, 0f, false, true, e, t), Math.sqrt(Math.max(k, 1)),
                (ctx, x) -> ctx.matmul(x.get(0), x.get(1), Matmul.options().alpha(alpha).bias(x.get(2)).epilogue(e)));
    }

    private static Case attention(Gen g, String tag) {
        DType t = pick(g, Gen.DEVICE_FLOATS);
        int hkv = g.nextInt(1, 3), group = g.nextInt(1, 3), lkv = g.nextInt(0, Math.min(45, g.maxDim)),
                d = 2 * g.nextInt(1, Math.min(20, Math.max(1, g.maxDim / 2)));
        int lq = g.rnd.nextBoolean() ? 1 : g.nextInt(0, Math.max(lkv, 1));
        int b = g.nextInt(1, 2);
        boolean causal = g.rnd.nextBoolean();
        List<Input> in = List.of(g.dense(t, b, hkv * group, lq, d), g.dense(t, b, hkv, lkv, d), g.dense(t, b, hkv, lkv, d));
        return Case.positive(Op.ATTENTION, t.label(), tag + "-b" + b + "-h" + hkv * group + "/" + hkv + "-" + lq + "x" + lkv
                        + "-d" + d + (causal ? "-causal" : ""), in,
                new AttentionAttrs((float) (1 / Math.sqrt(d)), causal, false, false), 1,
                (ctx, x) -> ctx.attention(x.get(0), x.get(1), x.get(2), Attention.defaults().withCausal(causal)));
    }

    private static Case softmax(Gen g, String tag) {
        DType t = pick(g, Gen.FLOATS);
        long[] s = {dim(g), dim(g)};
        int axis = g.rnd.nextInt(2);
        return Case.positive(Op.SOFTMAX, t.label(), tag + "-" + s[0] + "x" + s[1] + "-axis" + axis, List.of(layout(g, t, s)),
                new AxisAttrs(axis), 1, (ctx, x) -> ctx.softmax(x.get(0), axis));
    }

    private static Case norm(Gen g, String tag) {
        DType t = pick(g, Gen.FLOATS);
        long rows = dim(g), d = g.nextInt(1, Math.min(300, 4 * g.maxDim));
        boolean layer = g.rnd.nextBoolean();
        Op op = layer ? Op.LAYER_NORM : Op.RMS_NORM;
        List<Input> in = layer ? List.of(layout(g, t, rows, d), g.dense(t, d), g.dense(t, d)) : List.of(layout(g, t, rows, d), g.dense(t, d));
        return Case.positive(op, t.label(), tag + "-" + rows + "x" + d, in, new NormAttrs(1e-5, true, layer), Math.sqrt(d),
                (ctx, x) -> layer ? ctx.layerNorm(x.get(0), x.get(1), x.get(2), 1e-5) : ctx.rmsNorm(x.get(0), x.get(1), 1e-5));
    }

    private static Case binary(Gen g, String tag) {
        Op op = List.of(Op.ADD, Op.SUB, Op.MUL).get(g.rnd.nextInt(3));
        DType t = pick(g, Gen.NUMERIC);
        long r = dim(g), c = dim(g);
        Input b = g.rnd.nextBoolean() ? g.dense(t, c) : g.dense(t, r, 1);
        return Case.positive(op, t.label(), tag + "-" + r + "x" + c, List.of(layout(g, t, r, c), b), OpAttributes.NONE, 1,
                (ctx, x) -> switch (op) {
                    case ADD -> ctx.add(x.get(0), x.get(1));
                    case SUB -> ctx.sub(x.get(0), x.get(1));
                    default -> ctx.mul(x.get(0), x.get(1));
                });
    }

    private static Case cast(Gen g, String tag) {
        DType from = pick(g, Gen.ALL), to = pick(g, Gen.ALL);
        long r = dim(g), c = dim(g);
        Input x = from.isFloatingPoint() ? Input.dense(g.range(from, -300, 300, r, c)) : layout(g, from, r, c);
        return Case.positive(Op.CAST, from.label() + "->" + to.label(), tag + "-" + r + "x" + c, List.of(x),
                new CastAttrs(to), 1, (ctx, in) -> ctx.cast(in.get(0), to));
    }

    private static Case reduce(Gen g, String tag) {
        Op op = List.of(Op.SUM, Op.MAX, Op.MEAN, Op.ARGMAX).get(g.rnd.nextInt(4));
        DType t = pick(g, op == Op.MEAN ? Gen.FLOATS : Gen.NUMERIC);
        long r = g.nextInt(1, Math.min(40, g.maxDim)), c = g.nextInt(1, Math.min(40, g.maxDim));
        int axis = g.rnd.nextInt(2);
        boolean keep = g.rnd.nextBoolean();
        return Case.positive(op, t.label(), tag + "-" + r + "x" + c + "-axis" + axis, List.of(layout(g, t, r, c)),
                new ReduceAttrs(axis, keep), Math.sqrt(axis == 0 ? r : c),
                (ctx, x) -> ReduceCases.call(ctx, op, x.get(0), axis, keep));
    }
}
