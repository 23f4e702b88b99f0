package io.kuaxin.conformance;

import io.kuaxin.Tensor;
import io.kuaxin.kernels.oracle.HostTensor;

/** A view applied identically to a device tensor and to its host twin: how cases make strided inputs. */
public sealed interface ViewOp {
    Tensor apply(Tensor t);

    HostTensor apply(HostTensor h);

    /** Dimension i of the result is dimension {@code order[i]}. */
    record Permute(int... order) implements ViewOp {
        public Tensor apply(Tensor t) { return t.permute(order); }

        public HostTensor apply(HostTensor h) { return h.permute(order); }

        @Override
        public String toString() { return "permute" + java.util.Arrays.toString(order); }
    }

    /** Indices [start, end) along axis. */
    record Slice(int axis, long start, long end) implements ViewOp {
        public Tensor apply(Tensor t) { return t.slice(axis, start, end); }

        public HostTensor apply(HostTensor h) { return h.slice(axis < 0 ? axis + h.rank() : axis, start, end); }

        @Override
        public String toString() { return "slice(" + axis + "," + start + "," + end + ")"; }
    }

    /** Broadcast view (stride 0). */
    record Expand(long... dims) implements ViewOp {
        public Tensor apply(Tensor t) { return t.expand(dims); }

        public HostTensor apply(HostTensor h) { return h.expand(dims); }

        @Override
        public String toString() { return "expand" + java.util.Arrays.toString(dims); }
    }

    /** Swap the last two dimensions. */
    static ViewOp transposeLast(int rank) {
        int[] o = new int[rank];
        for (int i = 0; i < rank; i++) o[i] = i;
        o[rank - 1] = rank - 2;
        o[rank - 2] = rank - 1;
        return new Permute(o);
    }
}
