package io.kuaxin.backend.cpu;

import io.kuaxin.DType;
import io.kuaxin.op.Op;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.MemorySegment;
import java.util.List;

/** Maps ops to CPU kernels and declares which ops and dtypes run here. */
final class CpuKernels {
    private CpuKernels() {}

    /** A kernel chosen on the caller's thread and run on the stream's worker. */
    interface Kernel {
        String name();

        void run(KernelCall call);
    }

    private record Named(String name, java.util.function.Consumer<KernelCall> body) implements Kernel {
        @Override
        public void run(KernelCall call) { body.accept(call); }
    }

    static String implementationName() { return "scalar"; }

    static String unsupportedReason(Op op, List<DType> dtypes) {
        return switch (op) {
            case COPY -> null;
            default -> "the cpu backend has no " + op.label() + " kernel yet";
        };
    }

    static Kernel select(KernelCall call) {
        return switch (call.op()) {
            case COPY -> call.input(0).isContiguous()
                    ? new Named("cpu.copy.dense", CpuKernels::copyDense)
                    : new Named("cpu.copy.strided", CpuKernels::copyStrided);
            default -> throw new IllegalStateException("no cpu kernel for " + call.op()); // front door checked
        };
    }

    private static void copyDense(KernelCall c) {
        TensorRef in = c.input(0), out = c.output(0);
        long bytes = in.numel() * in.dtype().byteSize();
        CpuStream.at(out.address(), bytes).copyFrom(CpuStream.at(in.address(), bytes));
    }

    /** Gathers any strided view (transposed, sliced, broadcast) into a dense output, element by element. */
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
        long[] idx = new long[rank];
        long[] shape = in.shape(), strides = in.strides();
        long srcOff = 0;
        for (long i = 0; i < n; i++) {
            MemorySegment.copy(src, srcOff * es, dst, i * es, es);
            for (int d = rank - 1; d >= 0; d--) {
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
