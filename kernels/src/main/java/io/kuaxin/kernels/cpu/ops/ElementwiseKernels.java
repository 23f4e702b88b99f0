package io.kuaxin.kernels.cpu.ops;

import io.kuaxin.DType;
import io.kuaxin.op.Op;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.MemorySegment;

/**
 * Element-wise CPU kernels. Inputs have the output's shape (the front door expands broadcasts to stride-0 views)
 * and any strides; the output is dense. Rows run along the last dimension, split over the shared pool.
 */
public final class ElementwiseKernels {
    private ElementwiseKernels() {}

    /** ADD/SUB/MUL/DIV with the promoted output dtype; integers in exact long arithmetic, wrapping. */
    public static void binary(Op op, TensorRef a, TensorRef b, TensorRef out) {
        if (FastF32.binary(op, a, b, out)) return;
        Layout la = Layout.of(a), lb = Layout.of(b), lo = Layout.of(out);
        long[] ra = Rows.bases(la.shape, la.strides, la.last()), rb = Rows.bases(lb.shape, lb.strides, lb.last());
        long[] ro = Rows.bases(lo.shape, lo.strides, lo.last());
        int n = (int) lo.shape[lo.last()];
        long sa = la.strides[la.last()], sb = lb.strides[lb.last()];
        MemorySegment ma = a.segment(), mb = b.segment(), mo = out.segment();
        DType t = out.dtype();
        boolean integer = !t.isFloatingPoint();
        Parallel.rows(ro.length, n, (from, to) -> {
            if (integer) {
                long[] x = new long[n], y = new long[n];
                for (int r = from; r < to; r++) {
                    Access.loadLong(ma, a.dtype(), ra[r], sa, n, x);
                    Access.loadLong(mb, b.dtype(), rb[r], sb, n, y);
                    for (int p = 0; p < n; p++) {
                        x[p] = switch (op) {
                            case ADD -> x[p] + y[p];
                            case SUB -> x[p] - y[p];
                            case MUL -> x[p] * y[p];
                            default -> y[p] == 0 ? 0 : x[p] / y[p];
                        };
                    }
                    Access.storeWrapping(mo, t, ro[r], 1, n, x);
                }
            } else {
                double[] x = new double[n], y = new double[n];
                for (int r = from; r < to; r++) {
                    Access.load(ma, a.dtype(), ra[r], sa, n, x);
                    Access.load(mb, b.dtype(), rb[r], sb, n, y);
                    switch (op) {
                        case ADD -> { for (int p = 0; p < n; p++) x[p] += y[p]; }
                        case SUB -> { for (int p = 0; p < n; p++) x[p] -= y[p]; }
                        case MUL -> { for (int p = 0; p < n; p++) x[p] *= y[p]; }
                        default -> { for (int p = 0; p < n; p++) x[p] /= y[p]; }
                    }
                    Access.store(mo, t, ro[r], 1, n, x);
                }
            }
        });
    }

    /** SILU, GELU_TANH, GELU_ERF, RELU, EXP on floats, computed in double, rounded once. */
    public static void unary(Op op, TensorRef x, TensorRef out) {
        if (FastF32.unary(op, x, out)) return;
        Layout lx = Layout.of(x), lo = Layout.of(out);
        long[] rx = Rows.bases(lx.shape, lx.strides, lx.last()), ro = Rows.bases(lo.shape, lo.strides, lo.last());
        int n = (int) lo.shape[lo.last()];
        long sx = lx.strides[lx.last()];
        MemorySegment mx = x.segment(), mo = out.segment();
        Parallel.rows(ro.length, 20L * n, (from, to) -> {
            double[] v = new double[n];
            for (int r = from; r < to; r++) {
                Access.load(mx, x.dtype(), rx[r], sx, n, v);
                switch (op) {
                    case SILU -> { for (int p = 0; p < n; p++) v[p] = Activations.silu(v[p]); }
                    case GELU_TANH -> { for (int p = 0; p < n; p++) v[p] = Activations.geluTanh(v[p]); }
                    case GELU_ERF -> { for (int p = 0; p < n; p++) v[p] = Activations.geluErf(v[p]); }
                    case RELU -> { for (int p = 0; p < n; p++) v[p] = v[p] > 0 || Double.isNaN(v[p]) ? v[p] : 0; }
                    default -> { for (int p = 0; p < n; p++) v[p] = Math.exp(v[p]); }
                }
                Access.store(mo, out.dtype(), ro[r], 1, n, v);
            }
        });
    }

    /** CAST: integer to integer exactly (saturating); everything else through double, as a cast rounds. */
    public static void cast(TensorRef x, TensorRef out) {
        Layout lx = Layout.of(x), lo = Layout.of(out);
        long[] rx = Rows.bases(lx.shape, lx.strides, lx.last()), ro = Rows.bases(lo.shape, lo.strides, lo.last());
        int n = (int) lo.shape[lo.last()];
        long sx = lx.strides[lx.last()];
        MemorySegment mx = x.segment(), mo = out.segment();
        boolean ints = !x.dtype().isFloatingPoint() && !out.dtype().isFloatingPoint();
        Parallel.rows(ro.length, n, (from, to) -> {
            double[] v = new double[n];
            long[] w = new long[n];
            for (int r = from; r < to; r++) {
                if (ints) {
                    Access.loadLong(mx, x.dtype(), rx[r], sx, n, w);
                    Access.storeSaturating(mo, out.dtype(), ro[r], 1, n, w);
                } else {
                    Access.load(mx, x.dtype(), rx[r], sx, n, v);
                    Access.store(mo, out.dtype(), ro[r], 1, n, v);
                }
            }
        });
    }

    /** Shape and strides with rank 0 treated as {@code [1]}, so every kernel has a last axis. */
    record Layout(long[] shape, long[] strides) {
        static Layout of(TensorRef t) {
            return t.rank() == 0 ? new Layout(new long[] {1}, new long[] {1}) : new Layout(t.shape(), t.strides());
        }

        int last() { return shape.length - 1; }
    }
}
