package io.kuaxin.kernels.cpu.ops;

import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.MemorySegment;

/** f64 matmul: B's column gathered once per (batch, j), dot products in double, rows over the pool. */
final class F64Matmul {
    private F64Matmul() {}

    static void run(MatmulAttrs at, TensorRef a, TensorRef b, TensorRef c, TensorRef bias, TensorRef out,
                    long[] aBatch, long[] bBatch, int m, int n, int k) {
        int r = a.rank();
        // Element (i, q) of op(A) and (q, j) of op(B) through strides; transposes just swap them.
        long aI = at.transA() ? a.strides()[r - 1] : a.strides()[r - 2], aQ = at.transA() ? a.strides()[r - 2] : a.strides()[r - 1];
        long bQ = at.transB() ? b.strides()[r - 1] : b.strides()[r - 2], bJ = at.transB() ? b.strides()[r - 2] : b.strides()[r - 1];
        MemorySegment ma = a.segment(), mb = b.segment(), mo = out.segment();
        MemorySegment mc = at.hasC() ? c.segment() : null;
        long[] cRows = at.hasC() ? Rows.bases(c.shape(), c.strides(), c.rank() - 1) : null;
        double[] bv = new double[n];
        if (at.hasBias()) Access.load(bias.segment(), bias.dtype(), 0, bias.strides()[0], n, bv);
        int batches = aBatch.length;
        Parallel.rows(batches * m, 2L * n * k, (from, to) -> {
            double[] arow = new double[k], bcol = new double[k], o = new double[n], cr = new double[n];
            for (int row = from; row < to; row++) {
                int p = row / m, i = row % m;
                Access.load(ma, a.dtype(), aBatch[p] + i * aI, aQ, k, arow);
                for (int j = 0; j < n; j++) {
                    Access.load(mb, b.dtype(), bBatch[p] + j * bJ, bQ, k, bcol);
                    double s = 0;
                    for (int q = 0; q < k; q++) s += arow[q] * bcol[q];
                    o[j] = at.alpha() * s;
                }
                if (mc != null) {
                    Access.load(mc, c.dtype(), cRows[row], c.strides()[c.rank() - 1], n, cr);
                    for (int j = 0; j < n; j++) o[j] += at.beta() * cr[j];
                }
                for (int j = 0; j < n; j++) o[j] = epilogue(at, o[j] + bv[j]);
                Access.store(mo, out.dtype(), (long) row * n, 1, n, o);
            }
        });
    }

    private static double epilogue(MatmulAttrs at, double x) {
        return switch (at.epilogue()) {
            case NONE -> x;
            case RELU -> x > 0 || Double.isNaN(x) ? x : 0;
            case GELU_TANH -> Activations.geluTanh(x);
            case GELU_ERF -> Activations.geluErf(x);
            case SILU -> Activations.silu(x);
        };
    }
}
