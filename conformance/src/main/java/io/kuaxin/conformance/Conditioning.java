package io.kuaxin.conformance;

import io.kuaxin.DType;
import io.kuaxin.kernels.oracle.HostTensor;
import io.kuaxin.kernels.oracle.Oracle;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;

import java.util.List;

/**
 * Each output element's condition number κ for the ops whose {@link Tolerance} scales with it: how many ulps of
 * the result one ulp of error in the argument is worth.
 */
final class Conditioning {
    private static final double H = 1e-6;

    private Conditioning() {}

    /** κ per output element, or null when the op's bound does not use it. */
    static double[] of(Op op, OpAttributes attrs, List<HostTensor> logical) {
        return switch (op) {
            case SILU, GELU_TANH, GELU_ERF, EXP -> unary(op, attrs, logical.getFirst());
            case SOFTMAX -> softmax(logical.getFirst(), ((AxisAttrs) attrs).axis());
            default -> null;
        };
    }

    /** {@code |x·f'(x)/f(x)|} by a central difference of the fp64 oracle itself. */
    private static double[] unary(Op op, OpAttributes attrs, HostTensor x) {
        double[] v = x.data(), up = new double[v.length], down = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            up[i] = v[i] * (1 + H);
            down[i] = v[i] * (1 - H);
        }
        double[] f = eval(op, attrs, x.shape(), v), fu = eval(op, attrs, x.shape(), up),
                fd = eval(op, attrs, x.shape(), down);
        double[] k = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double c = Math.abs(fu[i] - fd[i]) / (2 * H * Math.abs(f[i]));
            k[i] = Double.isFinite(c) ? c : 0;
        }
        return k;
    }

    private static double[] eval(Op op, OpAttributes attrs, long[] shape, double[] v) {
        return Oracle.run(op, attrs, List.of(new HostTensor(DType.F64, shape, v))).data();
    }

    /** {@code |x_j − max| + n/2}: the exponent's argument, and an n-long sum in the normaliser. */
    private static double[] softmax(HostTensor x, int axis) {
        long[] sh = x.shape();
        double[] v = x.data(), k = new double[v.length];
        if (v.length == 0) return k;
        int n = (int) sh[axis], inner = 1;
        for (int i = axis + 1; i < sh.length; i++) inner *= (int) sh[i];
        int outer = v.length / (n * inner);
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * n * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) if (Double.isFinite(v[base + j * inner])) max = Math.max(max, v[base + j * inner]);
                for (int j = 0; j < n; j++) {
                    double c = Math.abs(v[base + j * inner] - max) + n / 2.0;
                    k[base + j * inner] = Double.isFinite(c) ? c : 0;
                }
            }
        }
        return k;
    }
}
