package io.kuaxin.kernels.cpu.ops;

import io.kuaxin.DType;
import io.kuaxin.kernels.cpu.Activation;
import io.kuaxin.kernels.cpu.CpuGemm;
import io.kuaxin.kernels.cpu.PackedB;
import io.kuaxin.kernels.cpu.CpuKernels;
import io.kuaxin.kernels.cpu.Sgemm;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * MATMUL on the CPU. f32/f16/bf16 inputs go to the packed {@link CpuGemm} (halves widened while packing, fp32
 * accumulation, bias and activation fused); f64 runs plain double loops; i8 × i8 uses the exact int32 path.
 * Inputs arrive with the output's batch dims (stride 0 where broadcast) and c with the output's shape.
 * <p>Plain fp32 products ({@link #sgemmFlops} ≥ 0) may instead go to an external {@link Sgemm} such as OpenBLAS;
 * bias and activation then run as a separate pass over the rows of C.
 */
public final class MatmulKernel {
    private MatmulKernel() {}

    /** Which implementation a call with these input dtypes uses; for provenance. */
    public static String name(DType in) {
        return switch (in) {
            case I8 -> "cpu.gemm.s8";
            case F64 -> "cpu.gemm.f64";
            default -> "cpu.gemm." + io.kuaxin.kernels.cpu.CpuKernels.instance().name().replaceAll(" .*", "");
        };
    }

    /** A 2-D operand as BLAS sees it: row-major at {@code off} with leading dimension {@code ld}, maybe transposed. */
    private record Mat(MemorySegment seg, long off, long ld, boolean trans) {}

    public static void run(MatmulAttrs at, TensorRef a, TensorRef b, TensorRef c, TensorRef bias, TensorRef out) {
        run(at, a, b, c, bias, out, null);
    }

    /**
     * The flops of this call when an external {@link Sgemm} could run it (all of A, B and the output fp32, both
     * operands in a BLAS layout, K &gt; 0, leading dimensions within {@code int}); {@code -1} when it could not.
     */
    public static long sgemmFlops(MatmulAttrs at, TensorRef a, TensorRef b, TensorRef out) {
        if (a.dtype() != DType.F32 || b.dtype() != DType.F32 || out.dtype() != DType.F32) return -1;
        if (!blasLayout(a) || !blasLayout(b)) return -1;
        int r = out.rank();
        long m = out.shape()[r - 2], n = out.shape()[r - 1];
        long k = at.transA() ? a.shape()[r - 2] : a.shape()[r - 1];
        if (k == 0) return -1; // BLAS libraries differ on whether beta = 0 clears C when K = 0
        long batches = out.numel() / Math.max(1, m * n);
        return 2 * batches * m * n * k;
    }

    /** Like {@link #run(MatmulAttrs, TensorRef, TensorRef, TensorRef, TensorRef, TensorRef)}; a non-null
     *  {@code sgemm} runs the product when {@link #sgemmFlops} accepted the call. */
    public static void run(MatmulAttrs at, TensorRef a, TensorRef b, TensorRef c, TensorRef bias, TensorRef out,
                           Sgemm sgemm) {
        run(at, a, b, c, bias, out, sgemm, null);
    }

    /**
     * Packs a 2-D weight {@code w} ({@code [K, N]}, row- or column-major) as the {@code b} of later calls with
     * {@code transB = false}; {@code null} when its dtype or layout is not one the GEMM packs.
     */
    public static PackedB pack(TensorRef w) {
        if (w.rank() != 2 || w.numel() == 0 || !blasLayout(w)) return null;
        if (w.dtype() != DType.F32 && w.dtype() != DType.F16 && w.dtype() != DType.BF16) return null;
        long k = w.shape()[0], n = w.shape()[1];
        if (k > Integer.MAX_VALUE || n > Integer.MAX_VALUE || k * n > Integer.MAX_VALUE / 2) return null;
        Mat B = mat(w.segment(), w, 0, false, n, k);
        return PackedB.pack(B.trans, (int) k, (int) n, B.seg, kernelType(w.dtype()), B.off, B.ld);
    }

    /**
     * As {@link #run(MatmulAttrs, TensorRef, TensorRef, TensorRef, TensorRef, TensorRef, Sgemm)}; a non-null
     * {@code packedB}, made by {@link #pack} from this very {@code b} (the caller checks that), is used in place of
     * packing {@code b} when the call does not transpose b and A is F32, F16 or BF16; {@code sgemm} is then unused.
     */
    public static void run(MatmulAttrs at, TensorRef a, TensorRef b, TensorRef c, TensorRef bias, TensorRef out,
                           Sgemm sgemm, PackedB packedB) {
        if (packedB != null && (at.transB() || a.dtype() == DType.F64 || a.dtype() == DType.I8)) packedB = null;
        if (packedB != null) sgemm = null;
        if (sgemm != null && sgemmFlops(at, a, b, out) < 0) sgemm = null;
        int r = out.rank();
        int m = (int) out.shape()[r - 2], n = (int) out.shape()[r - 1];
        int k = (int) (at.transA() ? a.shape()[r - 2] : a.shape()[r - 1]);
        long[] aBatch = batchOffsets(a), bBatch = batchOffsets(b);
        int batches = aBatch.length;
        if (batches == 0 || m == 0 || n == 0) return;
        DType t = a.dtype();
        if (t == DType.F64) {
            F64Matmul.run(at, a, b, c, bias, out, aBatch, bBatch, m, n, k);
            return;
        }
        MemorySegment ma = a.segment(), mb = b.segment(), mo = out.segment();
        if (t == DType.I8) {
            for (int p = 0; p < batches; p++) {
                Mat A = mat(ma, a, aBatch[p], at.transA(), k, m);
                Mat B = mat(mb, b, bBatch[p], at.transB(), n, k);
                CpuGemm.gemmS8(A.trans, B.trans, m, n, k, A.seg, A.off, A.ld, B.seg, B.off, B.ld,
                        mo, (long) p * m * n, n, false);
            }
            return;
        }
        // fp32 accumulator: the output itself when it is f32, else a heap buffer converted at the end.
        boolean direct = out.dtype() == DType.F32;
        MemorySegment acc = direct ? mo : MemorySegment.ofArray(new float[Math.multiplyExact(batches, m * n)]);
        float beta = 0;
        if (at.hasC() && at.beta() != 0) {
            // c's batch layout is the output's (front door expanded it); accumulating in place it is already there
            boolean inPlace = direct && c.dtype() == DType.F32 && c.address() == out.address() && c.isContiguous();
            if (!inPlace) copyToF32(c, acc);
            beta = at.beta();
        }
        MemorySegment biasSeg = null;
        if (at.hasBias() && bias.dtype() == DType.F32 && (bias.strides()[0] == 1 || n == 1)) {
            biasSeg = bias.segment(); // dense fp32 (the usual case): read in place, nothing allocated
        } else if (at.hasBias()) {
            float[] bv = new float[n];
            double[] tmp = new double[n];
            Access.load(bias.segment(), bias.dtype(), 0, bias.strides()[0], n, tmp);
            for (int j = 0; j < n; j++) bv[j] = (float) tmp[j];
            biasSeg = MemorySegment.ofArray(bv);
        }
        Activation act = Activation.valueOf(at.epilogue().name());
        DType kt = kernelType(t);
        if (packedB != null && packedB.k() == k && packedB.n() == n) {
            boolean fold = batches > 1 && foldable(a, b, at, m, aBatch, bBatch);
            for (int p = 0; p < (fold ? 1 : batches); p++) {
                Mat A = mat(ma, a, fold ? 0 : aBatch[p], at.transA(), k, m);
                CpuGemm.gemmPacked(1, A.trans, fold ? batches * m : m, n, k, at.alpha(), A.seg, kt, A.off, A.ld, 0,
                        packedB, beta, acc, (long) p * m * n, n, 0, biasSeg, 0, act);
            }
        } else if (batches > 1 && foldable(a, b, at, m, aBatch, bBatch)) {
            // A shared B and batch-contiguous A rows: one GEMM of (batches·M) rows packs B once.
            Mat A = mat(ma, a, 0, false, k, m);
            Mat B = mat(mb, b, bBatch[0], at.transB(), n, k);
            gemm(sgemm, A, B, kt, batches * m, n, k, at.alpha(), beta, acc, 0, n, biasSeg, act);
        } else {
            for (int p = 0; p < batches; p++) {
                Mat A = mat(ma, a, aBatch[p], at.transA(), k, m);
                Mat B = mat(mb, b, bBatch[p], at.transB(), n, k);
                gemm(sgemm, A, B, kt, m, n, k, at.alpha(), beta, acc, (long) p * m * n, n, biasSeg, act);
            }
        }
        if (!direct) {
            int total = batches * m * n;
            double[] row = new double[n];
            for (long e = 0; e < total; e += n) {
                for (int j = 0; j < n; j++) row[j] = acc.getAtIndex(ValueLayout.JAVA_FLOAT, e + j);
                Access.store(mo, out.dtype(), e, 1, n, row);
            }
        }
    }

    private static void gemm(Sgemm sgemm, Mat A, Mat B, DType kt, int m, int n, int k,
                             float alpha, float beta, MemorySegment acc, long cOff, int ldc, MemorySegment bias,
                             Activation act) {
        if (sgemm == null) {
            CpuGemm.gemm(A.trans, B.trans, m, n, k, alpha, A.seg, kt, A.off, A.ld, B.seg, kt, B.off, B.ld,
                    beta, acc, cOff, ldc, bias, 0, act);
            return;
        }
        sgemm.sgemm(A.trans, B.trans, m, n, k, alpha, A.seg, A.off, A.ld, B.seg, B.off, B.ld, beta, acc, cOff, ldc);
        if (bias == null && act == Activation.NONE) return;
        CpuKernels kern = CpuKernels.instance();
        if (!Parallel.splits(m, 8L * n)) { // a few rows: no lambda to build
            for (int i = 0; i < m; i++) kern.epilogue(acc, cOff + (long) i * ldc, n, bias, 0, act);
            return;
        }
        Parallel.rows(m, 8L * n, (from, to) -> {
            for (int i = from; i < to; i++) kern.epilogue(acc, cOff + (long) i * ldc, n, bias, 0, act);
        });
    }

    /** Whether {@link #mat} can hand this operand to BLAS without gathering it (one unit stride, int-sized ld). */
    private static boolean blasLayout(TensorRef t) {
        int r = t.rank();
        long rows = t.shape()[r - 2], cols = t.shape()[r - 1];
        long sr = t.strides()[r - 2], sc = t.strides()[r - 1];
        long ld;
        if ((sc == 1 || cols <= 1) && (sr >= cols || rows <= 1)) ld = Math.max(sr, cols);
        else if ((sr == 1 || rows <= 1) && (sc >= rows || cols <= 1)) ld = Math.max(sc, rows);
        else return false;
        return ld <= Integer.MAX_VALUE;
    }

    private static DType kernelType(DType t) {
        return switch (t) {
            case F16 -> DType.F16;
            case BF16 -> DType.BF16;
            default -> DType.F32;
        };
    }

    /** {@link #batchOffsets} of a rank-2 operand; shared, so callers only read it. */
    private static final long[] ONE_MATRIX = {0};

    /**
     * Element offsets of each batch matrix (row-major over the batch dims); one offset {@code 0} for rank 2.
     * Read-only: the rank-2 answer is shared.
     */
    static long[] batchOffsets(TensorRef t) {
        int br = t.rank() - 2;
        if (br == 0) return ONE_MATRIX; // the common call: nothing allocated
        long[] shape = new long[br + 1], strides = new long[br + 1];
        for (int i = 0; i < br; i++) {
            shape[i] = t.shape()[i];
            strides[i] = t.strides()[i];
        }
        shape[br] = 1;
        strides[br] = 1;
        return Rows.bases(shape, strides, br);
    }

    /**
     * The stored matrix of {@code t} at {@code base} as BLAS sees {@code op(X)}: its logical extents are
     * {@code [rows, cols]} of the stored view. {@code inner} is the extent of the dimension that must be contiguous
     * when not transposed. Packs into a dense copy when neither dimension is unit-stride.
     */
    private static Mat mat(MemorySegment seg, TensorRef t, long base, boolean trans, long innerIfPlain, long other) {
        int r = t.rank();
        long rows = t.shape()[r - 2], cols = t.shape()[r - 1];
        long sr = t.strides()[r - 2], sc = t.strides()[r - 1];
        if ((sc == 1 || cols <= 1) && (sr >= cols || rows <= 1)) return new Mat(seg, base, Math.max(sr, Math.max(cols, 1)), trans);
        if ((sr == 1 || rows <= 1) && (sc >= rows || cols <= 1)) {
            return new Mat(seg, base, Math.max(sc, Math.max(rows, 1)), !trans); // column-major: the transpose is row-major
        }
        // Neither layout: gather into a dense row-major copy of the same dtype.
        int es = t.dtype().byteSize();
        MemorySegment dense = MemorySegment.ofArray(new byte[Math.toIntExact(rows * cols * es)]);
        for (long i = 0; i < rows; i++) {
            for (long j = 0; j < cols; j++) {
                MemorySegment.copy(seg, (base + i * sr + j * sc) * es, dense, (i * cols + j) * es, es);
            }
        }
        return new Mat(dense, 0, Math.max(cols, 1), trans);
    }

    /** Whether all batches can run as one GEMM with M·batches rows: B shared, A rows evenly spaced, no transA. */
    private static boolean foldable(TensorRef a, TensorRef b, MatmulAttrs at, int m, long[] aBatch, long[] bBatch) {
        if (at.transA()) return false;
        for (long o : bBatch) if (o != bBatch[0]) return false;
        int r = a.rank();
        long sr = a.strides()[r - 2], sc = a.strides()[r - 1];
        if (sc != 1 && a.shape()[r - 1] > 1) return false;
        if (sr < a.shape()[r - 1]) return false;
        for (int p = 0; p < aBatch.length; p++) if (aBatch[p] != (long) p * m * sr) return false;
        return true;
    }

    /** Copies c (output-shaped, any dtype and strides) into the dense f32 accumulator. */
    private static void copyToF32(TensorRef c, MemorySegment acc) {
        int last = c.rank() - 1;
        int n = (int) c.shape()[last];
        long[] rows = Rows.bases(c.shape(), c.strides(), last);
        MemorySegment mc = c.segment();
        double[] v = new double[n];
        for (int r = 0; r < rows.length; r++) {
            Access.load(mc, c.dtype(), rows[r], c.strides()[last], n, v);
            for (int j = 0; j < n; j++) acc.setAtIndex(ValueLayout.JAVA_FLOAT, (long) r * n + j, (float) v[j]);
        }
    }
}
