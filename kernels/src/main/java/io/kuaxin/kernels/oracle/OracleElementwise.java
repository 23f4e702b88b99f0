package io.kuaxin.kernels.oracle;

import io.kuaxin.DType;
import io.kuaxin.op.Op;
import io.kuaxin.op.ReduceAttrs;

/** fp64 element-wise ops, reductions and embedding. */
final class OracleElementwise {
    private OracleElementwise() {}

    static double[] binary(Op op, HostTensor a, HostTensor b, DType out, long[] os) {
        HostTensor ae = a.expand(os), be = b.expand(os);
        double[] r = new double[ae.data().length];
        boolean integer = !out.isFloatingPoint();
        boolean wraps = out == DType.I8 || out == DType.U8 || out == DType.I32 || out == DType.I64;
        for (int i = 0; i < r.length; i++) {
            double x = ae.data()[i], y = be.data()[i];
            if (wraps) {
                // in 64-bit integers, then narrowed: a double product of two int32 values past 2^53 would round
                long p = (long) x, q = (long) y;
                long v = switch (op) {
                    case ADD -> p + q;
                    case SUB -> p - q;
                    case MUL -> p * q;
                    default -> q == 0 ? 0 : p / q;
                };
                r[i] = switch (out) {
                    case I8 -> (byte) v;
                    case U8 -> v & 0xff;
                    case I32 -> (int) v;
                    default -> v;
                };
                continue;
            }
            r[i] = switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                default -> integer ? (y == 0 ? 0 : truncate(x / y)) : x / y;
            };
        }
        return r;
    }

    private static double truncate(double v) { return v < 0 ? Math.ceil(v) : Math.floor(v); }

    static double[] unary(Op op, HostTensor x) {
        double[] r = new double[x.data().length];
        for (int i = 0; i < r.length; i++) {
            double v = x.data()[i];
            r[i] = switch (op) {
                case SILU -> Functions.silu(v);
                case GELU_TANH -> Functions.geluTanh(v);
                case GELU_ERF -> Functions.geluErf(v);
                case RELU -> Math.max(v, 0);
                default -> Math.exp(v);
            };
        }
        return r;
    }

    static double[] reduce(Op op, HostTensor x, ReduceAttrs at) {
        long[] sh = x.shape();
        int n = (int) sh[at.axis()];
        int inner = 1, outer = 1;
        for (int i = at.axis() + 1; i < sh.length; i++) inner *= (int) sh[i];
        for (int i = 0; i < at.axis(); i++) outer *= (int) sh[i];
        double[] r = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                double acc = op == Op.MAX || op == Op.ARGMAX ? Double.NEGATIVE_INFINITY : 0;
                int arg = 0;
                for (int j = 0; j < n; j++) {
                    double v = x.data()[(o * n + j) * inner + in];
                    switch (op) {
                        case SUM, MEAN -> acc += v;
                        default -> {
                            if (Double.isNaN(acc)) break; // the first NaN wins
                            if (Double.isNaN(v) || v > acc || j == 0) {
                                acc = v;
                                arg = j;
                            }
                        }
                    }
                }
                r[o * inner + in] = op == Op.MEAN ? acc / n : op == Op.ARGMAX ? arg : acc;
            }
        }
        return r;
    }

    static double[] embedding(HostTensor table, HostTensor ids) {
        int v = (int) table.shape()[0], d = (int) table.shape()[1];
        double[] r = new double[ids.data().length * d];
        for (int i = 0; i < ids.data().length; i++) {
            double id = ids.data()[i];
            if (id < 0 || id >= v) continue; // out of range: zeros, by definition
            System.arraycopy(table.data(), (int) id * d, r, i * d, d);
        }
        return r;
    }
}
