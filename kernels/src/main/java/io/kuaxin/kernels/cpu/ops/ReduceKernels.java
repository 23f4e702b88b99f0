package io.kuaxin.kernels.cpu.ops;

import io.kuaxin.DType;
import io.kuaxin.op.Op;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.MemorySegment;

/** Reductions along one axis and embedding lookups on the CPU. */
public final class ReduceKernels {
    private ReduceKernels() {}

    /**
     * SUM/MAX/MEAN/ARGMAX of {@code x} along {@code axis} into the dense {@code out} (whose element order is the
     * row order of x's other dimensions, with or without keepDims).
     */
    public static void reduce(Op op, TensorRef x, TensorRef out, int axis) {
        long[] rx = Rows.bases(withoutZero(x.shape(), axis), x.strides(), axis);
        int n = (int) x.shape()[axis];
        long sx = x.strides()[axis];
        MemorySegment mx = x.segment(), mo = out.segment();
        DType ot = out.dtype();
        boolean exactInts = op == Op.SUM && !x.dtype().isFloatingPoint();
        Parallel.rows(rx.length, n, (from, to) -> {
            double[] v = new double[n];
            long[] w = new long[Math.max(n, 1)];
            double[] res = new double[1];
            long[] lres = new long[1];
            for (int r = from; r < to; r++) {
                if (exactInts) { // integer sums in long: exact for i64
                    Access.loadLong(mx, x.dtype(), rx[r], sx, n, w);
                    long s = 0;
                    for (int p = 0; p < n; p++) s += w[p];
                    lres[0] = s;
                    Access.storeWrapping(mo, ot, r, 1, 1, lres);
                    continue;
                }
                Access.load(mx, x.dtype(), rx[r], sx, n, v);
                res[0] = switch (op) {
                    case SUM -> sum(v, n);
                    case MEAN -> sum(v, n) / n;
                    case MAX -> v[argmax(v, n)];
                    default -> argmax(v, n);
                };
                Access.store(mo, ot, r, 1, 1, res);
            }
        });
    }

    /** With an empty reduced axis there are still rows (each reduces nothing). */
    private static long[] withoutZero(long[] shape, int axis) {
        long[] s = shape.clone();
        s[axis] = 1;
        return s;
    }

    private static double sum(double[] v, int n) {
        double s = 0;
        for (int p = 0; p < n; p++) s += v[p];
        return s;
    }

    /** First index of the maximum; the first NaN wins. */
    private static int argmax(double[] v, int n) {
        int best = 0;
        for (int p = 0; p < n; p++) {
            if (Double.isNaN(v[p])) return p;
            if (v[p] > v[best]) best = p;
        }
        return best;
    }

    /** Gathers rows of {@code table [V, D]} by {@code ids}; an id outside [0, V) gives zeros. */
    public static void embedding(TensorRef table, TensorRef ids, TensorRef out) {
        long v = table.shape()[0];
        int d = (int) table.shape()[1];
        long[] idShape = ids.rank() == 0 ? new long[] {1} : ids.shape();
        long[] idStrides = ids.rank() == 0 ? new long[] {1} : ids.strides();
        long count = 1;
        for (long s : idShape) count *= s;
        if (count == 0 || d == 0) return;
        // Ids as rows of length 1 along a virtual trailing axis.
        long[] bases = Rows.bases(append(idShape, 1), append(idStrides, 1), idShape.length);
        MemorySegment mt = table.segment(), mi = ids.segment(), mo = out.segment();
        long ts0 = table.strides()[0], ts1 = table.strides()[1];
        DType tt = table.dtype();
        boolean dense = ts1 == 1;
        int es = tt.byteSize();
        Parallel.rows(bases.length, d, (from, to) -> {
            long[] id = new long[1];
            double[] row = dense ? null : new double[d]; // dense rows are copied as bytes: no buffer
            for (int r = from; r < to; r++) {
                Access.loadLong(mi, ids.dtype(), bases[r], 1, 1, id);
                long o = (long) r * d;
                if (id[0] < 0 || id[0] >= v) {
                    mo.asSlice(o * es, (long) d * es).fill((byte) 0);
                } else if (dense) {
                    MemorySegment.copy(mt, id[0] * ts0 * es, mo, o * es, (long) d * es);
                } else {
                    Access.load(mt, tt, id[0] * ts0, ts1, d, row);
                    Access.store(mo, tt, o, 1, d, row);
                }
            }
        });
    }

    private static long[] append(long[] a, long x) {
        long[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = x;
        return r;
    }
}
