package io.kuaxin.kernels.cpu.ops;

import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.RopeAttrs;
import io.kuaxin.op.RopeMode;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.MemorySegment;

/**
 * Row-wise CPU kernels: softmax (any axis), layer/RMS norm and RoPE (last axis). Each row is gathered into a
 * double buffer (any dtype, any stride), computed in double, and rounded once into the dense output.
 */
public final class RowKernels {
    private RowKernels() {}

    public static void softmax(TensorRef x, TensorRef out, int axis) {
        if (FastF32.softmax(x, out, axis)) return;
        long[] rx = Rows.bases(x.shape(), x.strides(), axis), ro = Rows.bases(out.shape(), out.strides(), axis);
        int n = (int) x.shape()[axis];
        long sx = x.strides()[axis], so = out.strides()[axis];
        MemorySegment mx = x.segment(), mo = out.segment();
        Parallel.rows(ro.length, 25L * n, (from, to) -> {
            double[] v = new double[n];
            for (int r = from; r < to; r++) {
                Access.load(mx, x.dtype(), rx[r], sx, n, v);
                double max = Double.NEGATIVE_INFINITY;
                for (int p = 0; p < n; p++) max = Math.max(max, v[p]);
                double sum = 0;
                for (int p = 0; p < n; p++) {
                    v[p] = Math.exp(v[p] - max);
                    sum += v[p];
                }
                double inv = 1 / sum;
                for (int p = 0; p < n; p++) v[p] *= inv;
                Access.store(mo, out.dtype(), ro[r], so, n, v);
            }
        });
    }

    /** Layer norm ({@code layer}) or RMS norm over the last dimension; gamma/beta may be null. */
    public static void norm(boolean layer, TensorRef x, TensorRef gamma, TensorRef beta, TensorRef out, NormAttrs at) {
        if (FastF32.norm(layer, x, gamma, beta, out, at.eps())) return;
        int last = x.rank() - 1;
        int d = (int) x.shape()[last];
        long[] rx = Rows.bases(x.shape(), x.strides(), last), ro = Rows.bases(out.shape(), out.strides(), last);
        long sx = x.strides()[last];
        MemorySegment mx = x.segment(), mo = out.segment();
        double[] g = gamma == null ? null : vector(gamma, d), b = beta == null ? null : vector(beta, d);
        double eps = at.eps();
        Parallel.rows(ro.length, 8L * d, (from, to) -> {
            double[] v = new double[d];
            for (int r = from; r < to; r++) {
                Access.load(mx, x.dtype(), rx[r], sx, d, v);
                double mean = 0;
                if (layer) {
                    for (int p = 0; p < d; p++) mean += v[p];
                    mean /= d;
                }
                double sq = 0;
                for (int p = 0; p < d; p++) {
                    v[p] -= mean;
                    sq += v[p] * v[p];
                }
                double inv = 1 / Math.sqrt(sq / d + eps);
                for (int p = 0; p < d; p++) {
                    double y = v[p] * inv;
                    if (g != null) y *= g[p];
                    if (b != null) y += b[p];
                    v[p] = y;
                }
                Access.store(mo, out.dtype(), ro[r], 1, d, v);
            }
        });
    }

    private static double[] vector(TensorRef t, int d) {
        double[] v = new double[d];
        Access.load(t.segment(), t.dtype(), 0, t.strides()[0], d, v);
        return v;
    }

    /** RoPE; {@code positions} (nullable) has x's shape without the last dimension (expanded by the front door). */
    public static void rope(TensorRef x, TensorRef positions, TensorRef out, RopeAttrs at) {
        int last = x.rank() - 1;
        int d = (int) x.shape()[last], rot = at.rotaryDims(), half = rot / 2;
        long[] rx = Rows.bases(x.shape(), x.strides(), last), ro = Rows.bases(out.shape(), out.strides(), last);
        long sx = x.strides()[last];
        MemorySegment mx = x.segment(), mo = out.segment();
        long[] pos = positions(x, positions, at);
        double[] invFreq = new double[half];
        for (int i = 0; i < half; i++) invFreq[i] = Math.pow(at.base(), -2.0 * i / rot);
        boolean inter = at.mode() == RopeMode.INTERLEAVED;
        Parallel.rows(ro.length, 30L * d, (from, to) -> {
            double[] v = new double[d];
            for (int r = from; r < to; r++) {
                Access.load(mx, x.dtype(), rx[r], sx, d, v);
                double p = pos[r];
                for (int i = 0; i < half; i++) {
                    double angle = p * invFreq[i], c = Math.cos(angle), s = Math.sin(angle);
                    int i0 = inter ? 2 * i : i, i1 = inter ? 2 * i + 1 : i + half;
                    double x0 = v[i0], x1 = v[i1];
                    v[i0] = x0 * c - x1 * s;
                    v[i1] = x0 * s + x1 * c;
                }
                Access.store(mo, out.dtype(), ro[r], 1, d, v);
            }
        });
    }

    /** The position of every row: read from {@code positions} (row-major over x's leading dims) or computed. */
    private static long[] positions(TensorRef x, TensorRef positions, RopeAttrs at) {
        int lead = x.rank() - 1;
        long[] shape = java.util.Arrays.copyOf(x.shape(), lead);
        long rows = 1;
        for (long s : shape) rows *= s;
        long[] pos = new long[Math.toIntExact(rows)];
        if (rows == 0) return pos;
        if (positions != null) {
            long[] bases = Rows.bases(append1(positions.shape()), append1(positions.strides()), lead);
            MemorySegment mp = positions.segment();
            long[] one = new long[1];
            for (int r = 0; r < pos.length; r++) {
                Access.loadLong(mp, positions.dtype(), bases[r], 1, 1, one);
                pos[r] = one[0];
            }
        } else {
            long[] idx = new long[lead];
            for (int r = 0; r < pos.length; r++) {
                pos[r] = at.start() + idx[at.seqAxis()];
                for (int k = lead - 1; k >= 0; k--) {
                    if (++idx[k] < shape[k]) break;
                    idx[k] = 0;
                }
            }
        }
        return pos;
    }

    private static long[] append1(long[] a) {
        long[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = 1;
        return r;
    }
}
