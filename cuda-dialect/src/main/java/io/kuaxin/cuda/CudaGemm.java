package io.kuaxin.cuda;

import io.kuaxin.DType;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Matmul and strided copies as vendor GEMM-Ex calls on one stream.
 *
 * <p>Row-major ↔ column-major: Kuaxin's output {@code C[M,N]} (row-major) is the BLAS's column-major {@code Cᵀ}
 * ({@code N×M}, {@code ldc = N}), and {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}, so the BLAS sees {@code m=N, n=M}, B first and A
 * second. Each operand is passed as stored: a row-major matrix is a column-major transpose with {@code ld} = its
 * row stride, a column-major one (a transposed view) is itself with {@code ld} = its column stride; the op flag
 * absorbs the difference. Only a matrix with no unit stride is gathered into a temporary first.
 *
 * <p>Batches: the leading dims are folded into as few {@code GemmStridedBatchedEx} calls as their strides allow
 * (stride 0 expresses a broadcast); dims that do not fold become a host loop of calls.
 *
 * <p>{@code c} and the bias cost extra calls, arranged so the result is rounded to the output dtype once: c is
 * copied exactly into {@code out} (skipped when {@code out} is {@code c}) and beta goes to the main GEMM
 * ({@code out ← alpha·A·B + beta·out}); a bias alone is broadcast-copied into {@code out} and the main GEMM adds it
 * with beta 1; with both, a rank-1 GEMM ({@code k = 1}) first forms {@code bias ⊗ ones + beta·c} (the one case that
 * rounds twice).
 *
 * <p>Strided gather: {@code C(1×L) = 1·B(1×L, ldb = stride)} copies a strided row with one GEMM (m = k = 1), and
 * the batch stride walks the rows; a broadcast row ({@code stride 0}) is {@code C = x·ones(1×L)} instead. GEMM-Ex
 * with fp32 accumulation is exact for these copies (except that -0 becomes +0).
 *
 * <p>One instance per call, on the stream's thread.
 */
final class CudaGemm {
    private final CudaStream s;
    private final CudaRuntime rt;
    private final DialectEnums e;
    private final List<Long> temps = new ArrayList<>();

    CudaGemm(CudaStream s) {
        this.s = s;
        this.rt = s.rt;
        this.e = rt.enums;
    }

    /** A BLAS operand: address, op flag, leading dimension, batch strides (elements). */
    private record Operand(long address, int op, int ld, long[] batchStrides) {}

    String matmul(KernelCall call, MatmulAttrs at) {
        return matmul(call.input(0), call.input(1), at.hasC() ? call.input(at.cIndex()) : null,
                at.hasBias() ? call.input(at.biasIndex()) : null, call.output(0), at);
    }

    /** The GEMM of {@code at} on these operands ({@code c}, {@code bias} null where {@code at} has none). */
    String matmul(TensorRef a, TensorRef b, TensorRef c, TensorRef bias, TensorRef out, MatmulAttrs at) {
        int r = out.rank(), nb = r - 2;
        long m = out.shape()[r - 2], n = out.shape()[r - 1];
        long k = at.transA() ? a.shape()[r - 2] : a.shape()[r - 1];
        long batch = 1;
        for (int i = 0; i < nb; i++) batch *= out.shape()[i];
        String kernel = CudaKernels.gemmName(rt) + " " + a.dtype().label() + "x" + b.dtype().label() + "->"
                + out.dtype().label();
        if (m == 0 || n == 0 || batch == 0) return kernel;
        String reduction = s.reductionMode(at.allowReducedPrecisionReduction());
        boolean cInPlace = c != null && c.address() == out.address() && java.util.Arrays.equals(c.strides(), out.strides())
                && c.dtype() == out.dtype();
        long[] sc = contiguousStrides(out.shape());
        try {
            // Each step rounds to the output dtype once: c and the bias are copied exactly first, and beta·c (or
            // bias + beta·c) is left to the GEMM that reads them. Only "c and bias" rounds twice.
            if (c != null && !cInPlace) gather(c, out.address(), out.dtype(), 1f);
            float beta = c != null ? at.beta() : 0f;
            if (bias != null && c != null) {
                addBias(bias, out, m, n, batch, beta); // out = bias ⊗ ones + beta·c
                beta = 1f;
            } else if (bias != null) {
                long[] bs = new long[r];
                bs[r - 1] = bias.strides()[0];
                gather(new TensorRef(bias.address(), bias.dtype(), out.shape(), bs), out.address(), out.dtype(), 1f);
                beta = 1f;
            }
            // BLAS: Cᵀ(N×M) = op1(X1)·op2(X2) with op1(X1) = op(B)ᵀ and op2(X2) = op(A)ᵀ.
            Operand x1 = operand(b, !at.transB());
            Operand x2 = operand(a, !at.transA());
            float mainBeta = beta;
            forEachBatch(out.shape(), nb, x1.batchStrides(), x2.batchStrides(), sc, (o1, o2, oc, count, s1, s2, s3) ->
                    gemm(x1.op(), x2.op(), n, m, k, at.alpha(),
                            x1.address() + o1 * b.dtype().byteSize(), b.dtype(), x1.ld(), s1,
                            x2.address() + o2 * a.dtype().byteSize(), a.dtype(), x2.ld(), s2,
                            mainBeta, out.address() + oc * out.dtype().byteSize(), out.dtype(), n, s3, count));
            syncIfTemps();
        } finally {
            freeTemps();
        }
        return kernel + (c != null ? " +c" : "") + (bias != null ? " +bias" : "") + " " + reduction;
    }

    String copy(KernelCall call) {
        TensorRef x = call.input(0), out = call.output(0);
        try {
            gather(x, out.address(), out.dtype(), 1f);
            syncIfTemps();
        } finally {
            freeTemps();
        }
        return x.isContiguous() ? rt.sym.name("cudaMemcpyAsync") : CudaKernels.gemmName(rt) + " gather";
    }

    /** The operand for the matrix {@code needT ? Qᵀ : Q}, Q being {@code x}'s last two dims; gathers if needed. */
    private Operand operand(TensorRef x, boolean needT) {
        int r = x.rank();
        long rows = x.shape()[r - 2], cols = x.shape()[r - 1];
        long rs = x.strides()[r - 2], cs = x.strides()[r - 1];
        long[] bstr = java.util.Arrays.copyOf(x.strides(), r - 2);
        if (rows == 0 || cols == 0) { // K = 0: nothing is read; any ld that satisfies ld >= rows will do
            return new Operand(x.address(), needT ? e.opN() : e.opT(), (int) Math.max(1, Math.max(rows, cols)), bstr);
        }
        // Row-major storage: column-major Qᵀ (cols×rows) with ld = row stride.
        if (cs == 1 || cols == 1) {
            long ld = rows == 1 ? cols : rs;
            if (ld >= cols && ld <= Integer.MAX_VALUE) return new Operand(x.address(), needT ? e.opN() : e.opT(), (int) ld, bstr);
        }
        // Column-major storage (a transposed view): column-major Q (rows×cols) with ld = column stride.
        if (rs == 1 || rows == 1) {
            long ld = cols == 1 ? rows : cs;
            if (ld >= rows && ld <= Integer.MAX_VALUE) return new Operand(x.address(), needT ? e.opT() : e.opN(), (int) ld, bstr);
        }
        long tmp = temp(x.numel() * x.dtype().byteSize());
        gather(x, tmp, x.dtype(), 1f);
        long[] st = contiguousStrides(x.shape());
        return new Operand(tmp, needT ? e.opN() : e.opT(), (int) cols, java.util.Arrays.copyOf(st, r - 2));
    }

    /** {@code out[b] = bias ⊗ ones + beta·out[b]}: Cᵀ(N×M) = bias(N×1)·ones(1×M) + beta·Cᵀ, one call for all batches. */
    private void addBias(TensorRef bias, TensorRef out, long m, long n, long batch, float beta) {
        long sb = bias.strides()[0];
        long addr = bias.address();
        int op = e.opN(), ld = (int) Math.max(1, n);
        if (n > 1 && sb != 1) {
            if (sb >= 1 && sb <= Integer.MAX_VALUE) {
                op = e.opT(); // stored as a 1×N column-major matrix with ld = stride
                ld = (int) sb;
            } else {
                addr = temp(n * bias.dtype().byteSize());
                gather(bias, addr, bias.dtype(), 1f);
            }
        }
        long ones = s.device.ones(bias.dtype(), m);
        gemm(op, e.opN(), n, m, 1, 1f, addr, bias.dtype(), ld, 0, ones, bias.dtype(), 1, 0,
                beta, out.address(), out.dtype(), n, m * n, batch);
    }

    /**
     * Copies any strided {@code src} into contiguous {@code dst} (dtype {@code dstType}), scaled by {@code scale}:
     * one memcpy if contiguous, GEMM-Ex for float dtypes, else one memcpy per contiguous run (integer dtypes have no
     * exact GEMM-Ex copy; slow for short runs, but correct).
     */
    private void gather(TensorRef src, long dst, DType dstType, float scale) {
        long numel = src.numel();
        if (numel == 0) return;
        if (src.isContiguous() && src.dtype() == dstType && scale == 1f) {
            s.copyD2D(src.address(), dst, numel * dstType.byteSize());
            return;
        }
        if (!CudaKernels.floatType(rt, src.dtype())) {
            copyRuns(src, dst);
            return;
        }
        // Collapse dims: drop size-1 dims, merge neighbours whose strides nest.
        List<long[]> dims = new ArrayList<>(); // {size, stride}
        for (int i = 0; i < src.rank(); i++) {
            long size = src.shape()[i], st = src.strides()[i];
            if (size == 1) continue;
            if (!dims.isEmpty() && dims.getLast()[1] == st * size) {
                // outer dim nests around this one: keep the inner stride, multiply the size
                long[] last = dims.getLast();
                last[0] *= size;
                last[1] = st;
            } else {
                dims.add(new long[]{size, st});
            }
        }
        if (dims.isEmpty()) dims.add(new long[]{1, 1});
        int d = dims.size();
        long len = dims.get(d - 1)[0], sl = dims.get(d - 1)[1];
        long rows = d >= 2 ? dims.get(d - 2)[0] : 1, sr = d >= 2 ? dims.get(d - 2)[1] : 0;
        int outer = Math.max(0, d - 2);
        long[] idx = new long[outer];
        long dstOff = 0, es = src.dtype().byteSize(), ds = dstType.byteSize();
        while (true) {
            long off = 0;
            for (int i = 0; i < outer; i++) off += idx[i] * dims.get(i)[1];
            long from = src.address() + off * es, to = dst + dstOff * ds;
            if (sl >= 1 && sl <= Integer.MAX_VALUE) { // C(1×len) = scale·one(1×1)·row(1×len, ld = stride)
                gemm(e.opN(), e.opN(), 1, len, 1, scale, s.device.ones(src.dtype(), 1), src.dtype(), 1, 0,
                        from, src.dtype(), (int) sl, sr, 0f, to, dstType, 1, len, rows);
            } else {                              // broadcast row: C(1×len) = scale·x(1×1)·ones(1×len)
                gemm(e.opN(), e.opN(), 1, len, 1, scale, from, src.dtype(), 1, sr,
                        s.device.ones(src.dtype(), len), src.dtype(), 1, 0, 0f, to, dstType, 1, len, rows);
            }
            dstOff += rows * len;
            int i = outer - 1;
            while (i >= 0 && ++idx[i] == dims.get(i)[0]) idx[i--] = 0;
            if (i < 0) break;
        }
    }

    /** A strided copy as one D2D memcpy per contiguous innermost run (same dtype). */
    private void copyRuns(TensorRef src, long dst) {
        int r = src.rank();
        long es = src.dtype().byteSize();
        long run = r == 0 ? 1 : src.shape()[r - 1];
        boolean unit = r == 0 || src.strides()[r - 1] == 1 || run == 1;
        int outer = unit ? r - 1 : r;
        long chunk = unit ? run : 1;
        long[] idx = new long[Math.max(outer, 0)];
        long to = dst;
        while (true) {
            long off = 0;
            for (int i = 0; i < idx.length; i++) off += idx[i] * src.strides()[i];
            s.copyD2D(src.address() + off * es, to, chunk * es);
            to += chunk * es;
            int i = idx.length - 1;
            while (i >= 0 && ++idx[i] == src.shape()[i]) idx[i--] = 0;
            if (i < 0) return;
        }
    }

    @FunctionalInterface
    private interface BatchCall {
        void run(long offA, long offB, long offC, long count, long strideA, long strideB, long strideC);
    }

    /** Folds the batch dims into strided batches and loops over the rest (offsets and strides in elements). */
    private static void forEachBatch(long[] shape, int nb, long[] sa, long[] sb, long[] sc, BatchCall f) {
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < nb; i++) if (shape[i] != 1) dims.add(i);
        if (dims.isEmpty()) {
            f.run(0, 0, 0, 1, 0, 0, 0);
            return;
        }
        int inner = dims.getLast();
        long count = shape[inner], ga = sa[inner], gb = sb[inner], gc = sc[inner];
        int split = dims.size() - 1;
        while (split > 0) {
            int d = dims.get(split - 1);
            if (sa[d] != ga * count || sb[d] != gb * count || sc[d] != gc * count) break;
            count *= shape[d];
            split--;
        }
        List<Integer> outer = dims.subList(0, split);
        long[] idx = new long[outer.size()];
        while (true) {
            long oa = 0, ob = 0, oc = 0;
            for (int i = 0; i < idx.length; i++) {
                int d = outer.get(i);
                oa += idx[i] * sa[d];
                ob += idx[i] * sb[d];
                oc += idx[i] * sc[d];
            }
            f.run(oa, ob, oc, count, ga, gb, gc);
            int i = idx.length - 1;
            while (i >= 0 && ++idx[i] == shape[outer.get(i)]) idx[i--] = 0;
            if (i < 0) return;
        }
    }

    private static long[] contiguousStrides(long[] shape) {
        long[] st = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc *= shape[i];
        }
        return st;
    }

    /** One GEMM-Ex (batch 1) or GemmStridedBatchedEx, fp32 accumulation (fp64 for f64 inputs). */
    private void gemm(int opA, int opB, long m, long n, long k, float alpha, long a, DType at, int lda, long sa,
                      long b, DType bt, int ldb, long sb, float beta, long c, DType ct, long ldcL, long sc, long batch) {
        int ldc = toInt(ldcL, "ldc");
        MemorySegment al = s.scalars.asSlice(0, 8), be = s.scalars.asSlice(16, 8);
        boolean f64 = at == DType.F64;
        if (f64) {
            al.set(JAVA_DOUBLE, 0, alpha);
            be.set(JAVA_DOUBLE, 0, beta);
        } else {
            al.set(JAVA_FLOAT, 0, alpha);
            be.set(JAVA_FLOAT, 0, beta);
        }
        int compute = f64 ? e.computeF64() : e.computeF32();
        int im = toInt(m, "m"), in = toInt(n, "n"), ik = toInt(k, "k");
        int ta = e.dataType(at), tb = e.dataType(bt), tc = e.dataType(ct);
        MemorySegment pa = MemorySegment.ofAddress(a), pb = MemorySegment.ofAddress(b), pc = MemorySegment.ofAddress(c);
        int st;
        String name;
        if (batch == 1) {
            name = "cublasGemmEx";
            st = rt.sym.gemmEx(s.blas, opA, opB, im, in, ik, al, pa, ta, lda, pb, tb, ldb, be, pc, tc, ldc, compute,
                    e.gemmAlgoDefault());
        } else {
            name = "cublasGemmStridedBatchedEx";
            st = rt.sym.gemmStridedBatchedEx(s.blas, opA, opB, im, in, ik, al, pa, ta, lda, sa, pb, tb, ldb, sb, be,
                    pc, tc, ldc, sc, toInt(batch, "batch count"), compute, e.gemmAlgoDefault());
        }
        rt.errors.checkBlas(st, name, s.device);
    }

    private static int toInt(long v, String what) {
        if (v > Integer.MAX_VALUE) {
            throw new InvalidArgumentException("matmul: " + what + " = " + v + " exceeds the 32-bit BLAS API; split"
                    + " the operation");
        }
        return (int) v;
    }

    private long temp(long bytes) {
        long addr = s.device.allocate(Math.max(bytes, 1));
        temps.add(addr);
        return addr;
    }

    /** Temporaries are freed after the work that reads them: wait for it first. */
    private void syncIfTemps() {
        if (!temps.isEmpty()) s.synchronize();
    }

    private void freeTemps() {
        if (temps.isEmpty()) return;
        rt.sym.streamSynchronize(s.stream); // also after a failure: the queued work may still read them
        for (long t : temps) s.device.free(t);
        temps.clear();
    }
}
