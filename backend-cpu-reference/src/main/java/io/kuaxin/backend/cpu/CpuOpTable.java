package io.kuaxin.backend.cpu;

import io.kuaxin.DType;
import io.kuaxin.kernels.cpu.Sgemm;
import io.kuaxin.kernels.cpu.ops.AttentionKernel;
import io.kuaxin.kernels.cpu.ops.ElementwiseKernels;
import io.kuaxin.kernels.cpu.ops.MatmulKernel;
import io.kuaxin.kernels.cpu.ops.ReduceKernels;
import io.kuaxin.kernels.cpu.ops.RowKernels;
import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpSpecs;
import io.kuaxin.op.ReduceAttrs;
import io.kuaxin.op.RopeAttrs;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The CPU backend's op table: maps each op call to a kernel and declares which ops and dtypes run here. The
 * arithmetic inside those kernels is {@link io.kuaxin.kernels.cpu.CpuKernels}.
 */
final class CpuOpTable {
    private CpuOpTable() {}

    /**
     * A kernel chosen on the caller's thread and run there or on the stream's own thread. It reads the call only while
     * {@link #run} runs and keeps no ref of it (the call may be a recycled slot), only its immutable attributes.
     */
    interface Kernel {
        String name();

        void run(KernelCall call);
    }

    private record Named(String name, java.util.function.Consumer<KernelCall> body) implements Kernel {
        @Override
        public void run(KernelCall call) { body.accept(call); }
    }

    /** The arithmetic implementation chosen once at start-up (Vector API or scalar; {@code kuaxin.cpu.scalar}). */
    static String implementationName() { return io.kuaxin.kernels.cpu.CpuKernels.instance().name(); }

    /**
     * Every op × dtype combination the catalog's dtype rules accept runs here; anything else is refused with the
     * rule's reason. {@link #select} has a kernel for each accepted combination (the conformance suite checks it).
     */
    static String unsupportedReason(Op op, List<DType> dtypes) {
        String bad = OpSpecs.dtypeError(op, dtypes);
        return bad == null ? null : "no cpu kernel for " + op.label() + " " + dtypes + ": " + bad;
    }

    /** The kernels that depend on the op alone, made once: choosing one for a call allocates nothing. */
    private static final Kernel[] BY_OP = new Kernel[Op.values().length];
    private static final Kernel COPY_DENSE = new Named("cpu.copy.dense", CpuOpTable::copyDense);
    private static final Kernel COPY_STRIDED = new Named("cpu.copy.strided", CpuOpTable::copyStrided);

    static {
        for (Op op : Op.values()) {
            if (op != Op.COPY && op != Op.MATMUL) BY_OP[op.ordinal()] = byOp(op);
        }
    }

    static Kernel select(KernelCall call) {
        Op op = call.op();
        return switch (op) {
            case COPY -> call.input(0).isContiguous() ? COPY_DENSE : COPY_STRIDED;
            case MATMUL -> matmul(call);
            default -> BY_OP[op.ordinal()];
        };
    }

    private static Kernel byOp(Op op) {
        return switch (op) {
            case COPY, MATMUL -> throw new IllegalArgumentException(op + " depends on the call");
            case ATTENTION -> new Named("cpu.flash-attention", c -> {
                AttentionAttrs at = (AttentionAttrs) c.attributes();
                AttentionKernel.run(at, c.input(0), c.input(1), c.input(2), opt(c, at.maskIndex()),
                        opt(c, at.kvLensIndex()), c.output(0));
            });
            case SOFTMAX -> new Named("cpu.softmax",
                    c -> RowKernels.softmax(c.input(0), c.output(0), ((AxisAttrs) c.attributes()).axis()));
            case LAYER_NORM, RMS_NORM -> new Named("cpu." + op.label(), c -> {
                NormAttrs at = (NormAttrs) c.attributes();
                RowKernels.norm(op == Op.LAYER_NORM, c.input(0), opt(c, at.gammaIndex()), opt(c, at.betaIndex()),
                        c.output(0), at);
            });
            case ROPE -> new Named("cpu.rope", c -> {
                RopeAttrs at = (RopeAttrs) c.attributes();
                RowKernels.rope(c.input(0), at.hasPositions() ? c.input(1) : null, c.output(0), at);
            });
            case ADD, SUB, MUL, DIV -> new Named("cpu." + op.label(),
                    c -> ElementwiseKernels.binary(op, c.input(0), c.input(1), c.output(0)));
            case SILU, GELU_TANH, GELU_ERF, RELU, EXP -> new Named("cpu." + op.label(),
                    c -> ElementwiseKernels.unary(op, c.input(0), c.output(0)));
            case CAST -> new Named("cpu.cast", c -> ElementwiseKernels.cast(c.input(0), c.output(0)));
            case SUM, MAX, MEAN, ARGMAX -> new Named("cpu." + op.label(),
                    c -> ReduceKernels.reduce(op, c.input(0), c.output(0), ((ReduceAttrs) c.attributes()).axis()));
            case EMBEDDING -> new Named("cpu.embedding",
                    c -> ReduceKernels.embedding(c.input(0), c.input(1), c.output(0)));
        };
    }

    /** Kuaxin's GEMM or, for plain fp32 products, whatever {@link GemmSelector} picks (timed while it trials). */
    private static Kernel matmul(KernelCall call) {
        MatmulAttrs at = (MatmulAttrs) call.attributes();
        Kernel packed = at.transB() ? null : CpuPackedWeights.kernel(call.input(1));
        if (packed != null) return packed; // Kuaxin's GEMM on its panels, whatever GemmSelector would pick
        long flops = MatmulKernel.sgemmFlops(at, call.input(0), call.input(1), call.output(0));
        GemmSelector.Choice ch = flops < 0 ? GemmSelector.OURS : GemmSelector.instance().choose(flops);
        Sgemm sgemm = ch.sgemm();
        if (ch.trial() == null) return sgemm == null ? GEMM[call.input(0).dtype().ordinal()] : blas(sgemm);
        // one of a size's trial calls: timed for the selector, so a kernel of its own
        return new Named(sgemm == null ? MatmulKernel.name(call.input(0).dtype()) : "cpu.gemm." + sgemm.name(), c -> {
            long t0 = System.nanoTime();
            gemm(c, sgemm, null);
            GemmSelector.record(ch, System.nanoTime() - t0, flops);
        });
    }

    /**
     * A matmul on one GEMM: Kuaxin's (packing b per call, or on {@code packed}, the panels of b made by
     * {@code Ops.prepack}) or an external {@code sgemm}. Holds nothing of a call, so one serves every call that
     * chose it.
     */
    record Gemm(String name, Sgemm sgemm, io.kuaxin.kernels.cpu.PackedB packed) implements Kernel {
        @Override
        public void run(KernelCall c) { gemm(c, sgemm, packed); }
    }

    private static void gemm(KernelCall c, Sgemm sgemm, io.kuaxin.kernels.cpu.PackedB packed) {
        MatmulAttrs at = (MatmulAttrs) c.attributes();
        MatmulKernel.run(at, c.input(0), c.input(1), opt(c, at.cIndex()), opt(c, at.biasIndex()), c.output(0), sgemm,
                packed);
    }

    /** Kuaxin's GEMM by input dtype, made once. */
    private static final Kernel[] GEMM = new Kernel[DType.values().length];

    static {
        for (DType t : DType.values()) GEMM[t.ordinal()] = new Gemm(MatmulKernel.name(t), null, null);
    }

    /** The kernel of an external GEMM once the selector has chosen it for a size; there is one such library. */
    private static volatile Gemm blas;

    private static Kernel blas(Sgemm sgemm) {
        Gemm k = blas;
        if (k == null || k.sgemm() != sgemm) blas = k = new Gemm("cpu.gemm." + sgemm.name(), sgemm, null);
        return k;
    }

    /**
     * A rough cost of a call for {@link CpuStream}'s choice of thread: flops for matmul and attention, else the
     * elements read and written.
     */
    static long work(KernelCall call) {
        long elems = 0;
        for (int i = 0; i < call.inputCount(); i++) elems += call.input(i).numel();
        for (int i = 0; i < call.outputCount(); i++) elems += call.output(i).numel();
        return switch (call.op()) {
            case MATMUL -> {
                TensorRef a = call.input(0), o = call.output(0);
                MatmulAttrs at = (MatmulAttrs) call.attributes();
                long k = a.shape()[a.rank() - (at.transA() ? 2 : 1)];
                yield 2 * o.numel() * k;
            }
            case ATTENTION -> {
                TensorRef q = call.input(0), k = call.input(1);
                yield 4 * q.numel() * k.shape()[2];
            }
            default -> elems;
        };
    }

    private static TensorRef opt(KernelCall c, int index) { return index < 0 ? null : c.input(index); }

    private static void copyDense(KernelCall c) {
        TensorRef in = c.input(0), out = c.output(0);
        long bytes = in.numel() * in.dtype().byteSize();
        CpuStream.at(out.address(), bytes).copyFrom(CpuStream.at(in.address(), bytes));
    }

    /**
     * Gathers any strided view (transposed, sliced, broadcast) into a dense output, one innermost row at a time: a
     * row with unit stride (e.g. a head's {@code d} values when merging heads) is one bulk copy, any other row is
     * copied element by element.
     */
    private static void copyStrided(KernelCall c) {
        TensorRef in = c.input(0), out = c.output(0);
        long n = in.numel();
        if (n == 0) return;
        int es = in.dtype().byteSize();
        long span = 1;
        for (int i = 0; i < in.rank(); i++) span += (in.shape()[i] - 1) * in.strides()[i];
        MemorySegment src = CpuStream.at(in.address(), span * es);
        MemorySegment dst = CpuStream.at(out.address(), n * es);
        int rank = in.rank();
        if (rank == 0) {
            MemorySegment.copy(src, 0, dst, 0, es);
            return;
        }
        long[] shape = in.shape(), strides = in.strides();
        long inner = shape[rank - 1], innerStride = strides[rank - 1];
        long[] idx = new long[rank - 1];
        long srcOff = 0;
        for (long row = 0; row < n / inner; row++) {
            long dstOff = row * inner;
            if (innerStride == 1) {
                MemorySegment.copy(src, srcOff * es, dst, dstOff * es, inner * es);
            } else {
                for (long e = 0; e < inner; e++) {
                    MemorySegment.copy(src, (srcOff + e * innerStride) * es, dst, (dstOff + e) * es, es);
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    srcOff += strides[d];
                    break;
                }
                srcOff -= (shape[d] - 1) * strides[d];
                idx[d] = 0;
            }
        }
    }
}
