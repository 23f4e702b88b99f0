package io.kuaxin.backend.cpu;

import io.kuaxin.kernels.cpu.PackedB;
import io.kuaxin.kernels.cpu.ops.MatmulKernel;
import io.kuaxin.spi.PackedWeight;
import io.kuaxin.spi.TensorRef;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Weights packed by {@code Ops.prepack}, found again by address when a matmul's {@code b} is one of them. Host
 * addresses are unique while allocated and the runtime closes an entry before freeing its memory, so one map serves
 * every CPU device.
 */
final class CpuPackedWeights {
    private static final Map<Long, Entry> BY_ADDRESS = new ConcurrentHashMap<>();

    private CpuPackedWeights() {}

    /** One packed weight: its view (shape and strides) and its GEMM panels. */
    private record Entry(long address, long[] shape, long[] strides, PackedB packed) implements PackedWeight {
        @Override
        public long bytes() { return packed.bytes(); }

        @Override
        public void close() { BY_ADDRESS.remove(address, this); }
    }

    /** Packs {@code w} for the GEMM; {@code null} when the GEMM does not pack that dtype or layout. */
    static PackedWeight pack(TensorRef w) {
        PackedB p = MatmulKernel.pack(w);
        if (p == null) return null;
        Entry e = new Entry(w.address(), w.shape().clone(), w.strides().clone(), p);
        return BY_ADDRESS.putIfAbsent(w.address(), e) == null ? e : null; // another view of that address won
    }

    /**
     * The panels packed for {@code b} when {@code b} is a packed weight, possibly broadcast over batch dimensions
     * (stride 0); else {@code null}.
     */
    static PackedB find(TensorRef b) {
        if (BY_ADDRESS.isEmpty()) return null;
        Entry e = BY_ADDRESS.get(b.address());
        if (e == null) return null;
        int r = b.rank();
        if (r < 2) return null;
        for (int i = 0; i < r - 2; i++) if (b.strides()[i] != 0 && b.shape()[i] != 1) return null;
        long[] s = b.shape(), st = b.strides();
        if (!Arrays.equals(e.shape, 0, 2, s, r - 2, r) || !Arrays.equals(e.strides, 0, 2, st, r - 2, r)) return null;
        return e.packed;
    }
}
