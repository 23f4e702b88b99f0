package io.kuaxin.conformance;

import io.kuaxin.DType;
import io.kuaxin.Matmul;
import io.kuaxin.kernels.oracle.HostTensor;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.op.Op;

import java.util.ArrayList;
import java.util.List;

/** MATMUL: tails, transposes, strided views, broadcast batches, large K, alpha/beta/c, bias, epilogues. */
final class MatmulCases {
    private MatmulCases() {}

    private static final long[][] MKN = {
            {1, 1, 1}, {0, 4, 3}, {3, 0, 5}, {2, 3, 0}, {7, 13, 5}, {16, 16, 16}, {17, 33, 31}, {65, 31, 47},
            {4, 2048, 9}, {33, 1, 70}};

    static List<Case> all(Gen g) {
        List<Case> out = new ArrayList<>();
        for (DType t : List.of(DType.F32, DType.F16, DType.BF16, DType.F64, DType.I8)) {
            DType od = t == DType.I8 ? DType.I32 : t;
            for (long[] s : MKN) {
                if (t == DType.I8 && s[1] > 512) continue;
                out.add(plain(t, od, s[0], s[1], s[2], g.dense(t, s[0], s[1]), g.dense(t, s[1], s[2]), false, false, "dense"));
            }
            // Transposed operands, both as flags on plain storage and as column-major views.
            out.add(plain(t, od, 9, 20, 11, g.dense(t, 20, 9), g.dense(t, 11, 20), true, true, "transA-transB"));
            out.add(plain(t, od, 9, 20, 11, g.transposed(t, 9, 20), g.transposed(t, 20, 11), false, false, "column-major-views"));
            out.add(plain(t, od, 9, 20, 11, g.padded(t, 9, 20), g.padded(t, 20, 11), false, false, "padded-rows"));
            out.add(plain(t, od, 9, 20, 11, g.transposed(t, 20, 9), g.dense(t, 20, 11), true, false, "transA-of-view"));
            // Batched with broadcast batch dims.
            out.add(batched(t, od, g.dense(t, 2, 3, 5, 7), g.dense(t, 3, 7, 4), "batch-2x3-by-3"));
            out.add(batched(t, od, g.dense(t, 4, 1, 6, 8), g.dense(t, 1, 3, 8, 5), "batch-broadcast-both"));
            out.add(batched(t, od, g.dense(t, 3, 10, 12), g.dense(t, 12, 6), "batch-shared-b"));
            out.add(batched(t, od, g.padded(t, 3, 10, 12), g.dense(t, 12, 6), "batch-strided-a-shared-b"));
            if (t == DType.I8) continue;
            // alpha, beta·c (broadcast and in place), bias, epilogues, other output dtypes.
            for (Epilogue e : Epilogue.values()) {
                out.add(full(t, t, e, 1f, 0f, g, false, true, "bias-" + e.name().toLowerCase()));
            }
            out.add(full(t, t, Epilogue.NONE, 0.5f, 2f, g, true, false, "alpha-beta-c"));
            out.add(full(t, t, Epilogue.GELU_TANH, -1.5f, 0.25f, g, true, true, "alpha-beta-c-bias-gelu"));
            out.add(cRow(t, g));
            out.add(inPlace(t, g));
            DType other = t == DType.F32 ? DType.BF16 : DType.F32;
            out.add(full(t, other, Epilogue.NONE, 1f, 0f, g, false, false, "out-" + other.label()));
        }
        return out;
    }

    private static MatmulAttrs attrs(boolean ta, boolean tb, DType od) {
        return new MatmulAttrs(ta, tb, 1f, 0f, false, false, Epilogue.NONE, od);
    }

    private static Case plain(DType t, DType od, long m, long k, long n, Input a, Input b, boolean ta, boolean tb,
                              String desc) {
        Matmul opts = Matmul.options();
        if (ta) opts = opts.transposeA();
        if (tb) opts = opts.transposeB();
        Matmul o = opts;
        return Case.positive(Op.MATMUL, t.label(), m + "x" + k + "x" + n + "-" + desc, List.of(a, b),
                attrs(ta, tb, od), Math.sqrt(Math.max(k, 1)), (ctx, in) -> ctx.matmul(in.get(0), in.get(1), o));
    }

    private static Case batched(DType t, DType od, Input a, Input b, String desc) {
        long k = a.logical().shape()[a.logical().rank() - 1];
        return Case.positive(Op.MATMUL, t.label(), desc, List.of(a, b), attrs(false, false, od), Math.sqrt(k),
                (ctx, in) -> ctx.matmul(in.get(0), in.get(1)));
    }

    /** 2×[13, 24]·[24, 19] with optional c [13, 19] and bias [19]. */
    private static Case full(DType t, DType od, Epilogue e, float alpha, float beta, Gen g, boolean withC,
                             boolean withBias, String desc) {
        List<Input> in = new ArrayList<>(List.of(g.dense(t, 2, 13, 24), g.dense(t, 24, 19)));
        if (withC) in.add(g.dense(DType.F32, 2, 13, 19));
        if (withBias) in.add(Input.dense(g.range(t, -0.5, 0.5, 19)));
        MatmulAttrs at = new MatmulAttrs(false, false, alpha, beta, withC, withBias, e, od);
        return Case.positive(Op.MATMUL, t.label(), desc, in, at, Math.sqrt(24), (ctx, x) -> {
            Matmul o = Matmul.options().alpha(alpha).epilogue(e).outDtype(od);
            if (withC) o = o.accumulate(x.get(2), beta);
            if (withBias) o = o.bias(x.get(withC ? 3 : 2));
            return ctx.matmul(x.get(0), x.get(1), o);
        });
    }

    /** c broadcast from one row [N] (a bias given as c), c in the input dtype. */
    private static Case cRow(DType t, Gen g) {
        List<Input> in = List.of(g.dense(t, 5, 40), g.transposed(t, 40, 23), g.dense(t, 23));
        MatmulAttrs at = new MatmulAttrs(false, false, 1f, 1f, true, false, Epilogue.NONE, t);
        return Case.positive(Op.MATMUL, t.label(), "c-broadcast-row", in, at, Math.sqrt(40),
                (ctx, x) -> ctx.matmul(x.get(0), x.get(1), Matmul.options().accumulate(x.get(2), 1f)));
    }

    /** out += a·b in place: c is the output tensor itself. */
    private static Case inPlace(DType t, Gen g) {
        HostTensor c = g.t(t, 6, 10);
        List<Input> in = List.of(g.dense(t, 6, 30), g.dense(t, 30, 10), Input.dense(c));
        MatmulAttrs at = new MatmulAttrs(false, false, 1f, 1f, true, false, Epilogue.NONE, t);
        return Case.positive(Op.MATMUL, t.label(), "accumulate-in-place", in, at, Math.sqrt(30),
                (ctx, x) -> ctx.matmul(x.get(0), x.get(1), Matmul.options().accumulate(x.get(2), 1f), x.get(2)));
    }
}
