package io.kuaxin.conformance;

import io.kuaxin.DType;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.kernels.oracle.HostTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One op input: host data uploaded densely, then viewed (sliced, transposed, expanded) on the device; the oracle
 * sees the same views applied on the host.
 */
public record Input(HostTensor base, List<ViewOp> views) {
    public static Input dense(HostTensor t) { return new Input(t, List.of()); }

    public static Input viewed(HostTensor base, ViewOp... views) { return new Input(base, List.of(views)); }

    /** The logical values the op sees. */
    public HostTensor logical() {
        HostTensor h = base;
        for (ViewOp v : views) h = v.apply(h);
        return h;
    }

    public DType dtype() { return base.dtype(); }

    /** Uploads into {@code scope} and applies the views (owned by the scope too). */
    public Tensor upload(Scope scope) {
        DType t = base.dtype();
        double[] d = base.data();
        Tensor x;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(Math.max(1, (long) d.length * t.byteSize()), 8);
            for (int i = 0; i < d.length; i++) t.setFromDouble(seg, i, d[i]);
            x = scope.copyOf(seg.asSlice(0, (long) d.length * t.byteSize()), t, Shape.of(base.shape()));
        }
        for (ViewOp v : views) x = v.apply(x);
        return x;
    }

    @Override
    public String toString() {
        return base + (views.isEmpty() ? "" : " " + views);
    }
}
