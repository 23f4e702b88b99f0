package io.kuaxin.kernels.cpu.ops;

import io.kuaxin.DType;
import io.kuaxin.kernels.cpu.CpuKernels;
import io.kuaxin.kernels.cpu.CpuThreads;
import io.kuaxin.op.Op;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Dense fp32 fast paths of the generic op kernels: taken only when every tensor involved is F32 and contiguous (for
 * binary ops, both inputs have the output's shape, so no stride-0 broadcast), computed in fp32 by
 * {@link CpuKernels#instance()} on flat runs or dense rows. Each entry point returns false when the generic path must
 * run. Small calls stay on the calling thread and allocate no row buffers and no lambdas.
 */
final class FastF32 {
    /** Element-wise ops split over the pool only from this many elements (they are memory-bound). */
    static final int PARALLEL_ELEMENTS = 1 << 16;

    private FastF32() {}

    private static boolean dense(TensorRef t) { return t.dtype() == DType.F32 && t.isContiguous(); }

    private static int intNumel(TensorRef t) {
        long n = t.numel();
        return n > Integer.MAX_VALUE ? -1 : (int) n;
    }

    static boolean binary(Op op, TensorRef a, TensorRef b, TensorRef out) {
        if (!dense(a) || !dense(b) || !dense(out)) return false;
        if (!Arrays.equals(a.shape(), out.shape()) || !Arrays.equals(b.shape(), out.shape())) return false;
        int n = intNumel(out);
        if (n < 0) return false;
        if (n == 0) return true;
        CpuKernels.Binary k = switch (op) {
            case ADD -> CpuKernels.Binary.ADD;
            case SUB -> CpuKernels.Binary.SUB;
            case MUL -> CpuKernels.Binary.MUL;
            case DIV -> CpuKernels.Binary.DIV;
            default -> null;
        };
        if (k == null) return false;
        // Absolute indices into Access.ALL (no segment per operand): all three are dense with n elements, and the
        // kernel reads and writes exactly [index, index + n) of each.
        long ia = Access.index(a), ib = Access.index(b), io = Access.index(out);
        MemorySegment ma = Access.ALL, mb = Access.ALL, mo = Access.ALL;
        if (ia < 0 || ib < 0 || io < 0) {
            ma = a.segment();
            mb = b.segment();
            mo = out.segment();
            ia = ib = io = 0;
        }
        CpuKernels kern = CpuKernels.instance();
        int chunks = chunks(n, PARALLEL_ELEMENTS);
        if (chunks <= 1) {
            kern.binary(k, ma, ia, mb, ib, mo, io, n);
        } else {
            MemorySegment sa = ma, sb = mb, so = mo;
            long oa = ia, ob = ib, oo = io;
            CpuThreads.run(chunks, CpuThreads.MIN_PARALLEL_FLOPS, c -> {
                long from = (long) n * c / chunks, to = (long) n * (c + 1) / chunks;
                kern.binary(k, sa, oa + from, sb, ob + from, so, oo + from, (int) (to - from));
            });
        }
        return true;
    }

    static boolean unary(Op op, TensorRef x, TensorRef out) {
        if (!dense(x) || !dense(out) || !Arrays.equals(x.shape(), out.shape())) return false;
        int n = intNumel(out);
        if (n < 0) return false;
        if (n == 0) return true;
        CpuKernels.Unary k = switch (op) {
            case SILU -> CpuKernels.Unary.SILU;
            case GELU_TANH -> CpuKernels.Unary.GELU_TANH;
            case GELU_ERF -> CpuKernels.Unary.GELU_ERF;
            case RELU -> CpuKernels.Unary.RELU;
            case EXP -> CpuKernels.Unary.EXP;
            default -> null;
        };
        if (k == null) return false;
        long ix = Access.index(x), io = Access.index(out); // as in binary: dense, exactly n elements each
        MemorySegment mx = Access.ALL, mo = Access.ALL;
        if (ix < 0 || io < 0) {
            mx = x.segment();
            mo = out.segment();
            ix = io = 0;
        }
        CpuKernels kern = CpuKernels.instance();
        int chunks = chunks(n, k == CpuKernels.Unary.RELU ? PARALLEL_ELEMENTS : PARALLEL_ELEMENTS / 8);
        if (chunks <= 1) {
            kern.unary(k, mx, ix, mo, io, n);
        } else {
            MemorySegment sx = mx, so = mo;
            long ox = ix, oo = io;
            CpuThreads.run(chunks, CpuThreads.MIN_PARALLEL_FLOPS, c -> {
                long from = (long) n * c / chunks, to = (long) n * (c + 1) / chunks;
                kern.unary(k, sx, ox + from, so, oo + from, (int) (to - from));
            });
        }
        return true;
    }

    /** Pieces for n elements: 1 below {@code min}, else a few per thread, each at least {@code min / 4}. */
    private static int chunks(int n, int min) {
        int threads = CpuThreads.threads();
        if (n < min || threads <= 1) return 1;
        return (int) Math.max(1, Math.min(4L * threads, n / (min / 4)));
    }

    static boolean norm(boolean layer, TensorRef x, TensorRef gamma, TensorRef beta, TensorRef out, double eps) {
        if (x.rank() == 0 || !dense(x) || !dense(out) || !Arrays.equals(x.shape(), out.shape())) return false;
        int d = (int) x.shape()[x.rank() - 1];
        if (gamma != null && (!dense(gamma) || gamma.numel() != d)) return false;
        if (beta != null && (!dense(beta) || beta.numel() != d)) return false;
        long total = x.numel();
        if (total > Integer.MAX_VALUE) return false;
        if (total == 0 || d == 0) return true;
        int rows = (int) (total / d);
        MemorySegment mx = x.segment(), mo = out.segment();
        MemorySegment mg = gamma == null ? null : gamma.segment(), mb = beta == null ? null : beta.segment();
        CpuKernels kern = CpuKernels.instance();
        if (serial(rows, 8L * d)) {
            kern.normRows(layer, mx, 0, mo, 0, rows, d, mg, mb, eps);
        } else {
            Parallel.rows(rows, 8L * d, (from, to) ->
                    kern.normRows(layer, mx, (long) from * d, mo, (long) from * d, to - from, d, mg, mb, eps));
        }
        return true;
    }

    static boolean softmax(TensorRef x, TensorRef out, int axis) {
        if (x.rank() == 0 || axis != x.rank() - 1 || !dense(x) || !dense(out) || !Arrays.equals(x.shape(), out.shape())) {
            return false;
        }
        int n = (int) x.shape()[axis];
        long total = x.numel();
        if (total > Integer.MAX_VALUE) return false;
        if (total == 0 || n == 0) return true;
        int rows = (int) (total / n);
        MemorySegment mx = x.segment(), mo = out.segment();
        CpuKernels kern = CpuKernels.instance();
        if (serial(rows, 25L * n)) {
            kern.softmaxRows(mx, 0, mo, 0, rows, n);
        } else {
            Parallel.rows(rows, 25L * n, (from, to) ->
                    kern.softmaxRows(mx, (long) from * n, mo, (long) from * n, to - from, n));
        }
        return true;
    }

    /** Whether {@link Parallel#rows} would run on the calling thread anyway (then no lambda is built). */
    private static boolean serial(int rows, long workPerRow) {
        return rows <= 1 || CpuThreads.threads() <= 1 || workPerRow * rows < CpuThreads.MIN_PARALLEL_FLOPS;
    }
}
