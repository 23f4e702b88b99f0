package io.kuaxin.conformance;

import io.kuaxin.DType;
import io.kuaxin.kernels.oracle.HostTensor;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.op.ReduceAttrs;

import java.util.ArrayList;
import java.util.List;

/**
 * Values the uniform [−1, 1) inputs never reach: activation tails (|x| up to 20), exp's overflow and underflow
 * (and subnormal results), NaN and ±Inf inputs, softmax rows of −Inf, zero-variance norm rows, f16 results that
 * overflow, and integer add/mul that wraps.
 */
final class ValueRangeCases {
    private static final List<Op> ACTIVATIONS = List.of(Op.SILU, Op.GELU_TANH, Op.GELU_ERF, Op.RELU, Op.EXP);

    private ValueRangeCases() {}

    static List<Case> all(Gen g, int n) {
        List<Case> out = new ArrayList<>();
        for (DType t : Gen.FLOATS) {
            for (Op op : ACTIVATIONS) {
                double lo = op == Op.EXP ? expLow(t) : -20, hi = op == Op.EXP ? expHigh(t) : 20;
                out.add(unary(op, t, "tails-" + n, withSpecials(g.range(t, lo, hi, n), t)));
            }
            out.add(softmaxInfRows(g, t));
            out.add(zeroVariance(g, t, true));
            out.add(zeroVariance(g, t, false));
            for (Op op : List.of(Op.ADD, Op.SUB, Op.MUL, Op.DIV)) {
                out.add(Case.positive(op, t.label(), "nan-inf-" + n, List.of(Input.dense(withSpecials(g.range(t, -4, 4, n), t)),
                                Input.dense(withSpecials(g.range(t, 0.5, 4, n), t))), OpAttributes.NONE, 1,
                        (ctx, x) -> ElementwiseCases.binaryCall(ctx, op, x.get(0), x.get(1))));
            }
            for (Op op : List.of(Op.SUM, Op.MAX, Op.ARGMAX)) {
                out.add(Case.positive(op, t.label(), "nan-inf-rows", List.of(Input.dense(specialRows(t))),
                        new ReduceAttrs(1, false), 2, (ctx, x) -> ReduceCases.call(ctx, op, x.get(0), 1, false)));
            }
        }
        // f16 results past 65504 round to ±Inf
        for (Op op : List.of(Op.ADD, Op.MUL)) {
            double lo = op == Op.ADD ? 30000 : 200, hi = op == Op.ADD ? 65504 : 400;
            out.add(Case.positive(op, "f16", "overflow-" + n, List.of(Input.dense(g.range(DType.F16, lo, hi, n)),
                            Input.dense(g.range(DType.F16, lo, hi, n))), OpAttributes.NONE, 1,
                    (ctx, x) -> ElementwiseCases.binaryCall(ctx, op, x.get(0), x.get(1))));
        }
        // integers wrap around (two's complement), as the spec says; i64 operands stay exact in the oracle's doubles
        for (DType t : List.of(DType.I8, DType.U8, DType.I32, DType.I64)) {
            for (Op op : List.of(Op.ADD, Op.MUL)) {
                double lo = switch (t) {
                    case U8 -> 0;
                    case I8 -> -128;
                    case I32 -> -2147483648.0;
                    default -> op == Op.ADD ? 0x1p62 : -0x1p40;
                };
                double hi = switch (t) {
                    case U8 -> 256;
                    case I8 -> 128;
                    case I32 -> 2147483648.0;
                    default -> op == Op.ADD ? 0x1p63 - 0x1p11 : 0x1p40;
                };
                out.add(Case.positive(op, t.label(), "wrap-" + n, List.of(Input.dense(g.range(t, lo, hi, n)),
                                Input.dense(g.range(t, lo, hi, n))), OpAttributes.NONE, 1,
                        (ctx, x) -> ElementwiseCases.binaryCall(ctx, op, x.get(0), x.get(1))));
            }
        }
        return out;
    }

    private static double expLow(DType t) { return t == DType.F64 ? -760 : t == DType.F16 ? -20 : -110; }

    private static double expHigh(DType t) { return t == DType.F64 ? 720 : t == DType.F16 ? 13 : 95; }

    private static Case unary(Op op, DType t, String desc, HostTensor x) {
        return Case.positive(op, t.label(), desc, List.of(Input.dense(x)), OpAttributes.NONE, 1,
                (ctx, in) -> ElementwiseCases.unaryCall(ctx, op, in.get(0)));
    }

    /** The first elements replaced by NaN, +Inf, −Inf, −0 and the dtype's largest finite values. */
    private static HostTensor withSpecials(HostTensor x, DType t) {
        double max = switch (t) {
            case F16 -> 65504;
            case BF16 -> 3.3895313892515355e38;
            case F32 -> Float.MAX_VALUE;
            default -> Double.MAX_VALUE;
        };
        double[] s = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, max, -max};
        double[] d = x.data().clone();
        for (int i = 0; i < Math.min(s.length, d.length); i++) d[i] = s[i];
        return HostTensor.of(t, x.shape(), d);
    }

    /** Rows: all −Inf; one +Inf; a NaN; −Inf mixed with finite values. */
    private static HostTensor specialRows(DType t) {
        double ni = Double.NEGATIVE_INFINITY;
        return HostTensor.of(t, new long[] {4, 3}, ni, ni, ni, 1, Double.POSITIVE_INFINITY, 2, 0.5, Double.NaN, 3, ni, 0.25, -1);
    }

    private static Case softmaxInfRows(Gen g, DType t) {
        double[] d = specialRows(t).data().clone();
        return Case.positive(Op.SOFTMAX, t.label(), "inf-nan-rows", List.of(Input.dense(HostTensor.of(t, new long[] {4, 3}, d))),
                new AxisAttrs(1), 1, (ctx, x) -> ctx.softmax(x.get(0), 1));
    }

    /** Rows whose values are all equal: the variance is 0 and only eps keeps 1/√(var + eps) finite. */
    private static Case zeroVariance(Gen g, DType t, boolean layer) {
        int d = 16;
        double[] x = new double[3 * d];
        for (int j = 0; j < d; j++) {
            x[j] = 0;
            x[d + j] = 1.5;
            x[2 * d + j] = -3;
        }
        Input in = Input.dense(HostTensor.of(t, new long[] {3, d}, x));
        if (layer) {
            return Case.positive(Op.LAYER_NORM, t.label(), "zero-variance-rows", List.of(in, g.dense(t, d), g.dense(t, d)),
                    new NormAttrs(1e-5, true, true), Math.sqrt(d), (ctx, v) -> ctx.layerNorm(v.get(0), v.get(1), v.get(2), 1e-5));
        }
        x = new double[3 * d];      // rms norm of zeros: 0 · 1/√eps
        return Case.positive(Op.RMS_NORM, t.label(), "zero-rows", List.of(Input.dense(HostTensor.of(t, new long[] {3, d}, x)),
                g.dense(t, d)), new NormAttrs(1e-6, true, false), Math.sqrt(d), (ctx, v) -> ctx.rmsNorm(v.get(0), v.get(1), 1e-6));
    }
}
