package io.kuaxin.backend.cpu;

import io.kuaxin.kernels.cpu.PackedB;
import io.kuaxin.kernels.cpu.ops.MatmulKernel;
import io.kuaxin.spi.PackedWeight;
import io.kuaxin.spi.TensorRef;

import java.util.Arrays;

/**
 * Weights packed by {@code Ops.prepack}, found again by address when a matmul's {@code b} is one of them. Host
 * addresses are unique while allocated and the runtime closes an entry before freeing its memory, so one table
 * serves every CPU device.
 *
 * <p>The table is a sorted array replaced on every change (packing and closing are rare; every matmul looks up):
 * a lookup is a binary search over a snapshot, without a lock and without boxing the address.
 */
final class CpuPackedWeights {
    /** Addresses in ascending order and their entries, index for index; replaced whole, never changed. */
    private record Table(long[] addresses, Entry[] entries) {}

    private static volatile Table table = new Table(new long[0], new Entry[0]);

    private CpuPackedWeights() {}

    /** One packed weight: its view (shape and strides), its GEMM panels and the matmul kernel that reads them. */
    private record Entry(long address, long[] shape, long[] strides, PackedB packed, CpuOpTable.Gemm kernel)
            implements PackedWeight {
        @Override
        public long bytes() { return packed.bytes(); }

        @Override
        public void close() { remove(this); }
    }

    /** Packs {@code w} for the GEMM; {@code null} when the GEMM does not pack that dtype or layout. */
    static PackedWeight pack(TensorRef w) {
        PackedB p = MatmulKernel.pack(w);
        if (p == null) return null;
        CpuOpTable.Gemm kernel = new CpuOpTable.Gemm(MatmulKernel.name(w.dtype()) + ".prepacked", null, p);
        Entry e = new Entry(w.address(), w.shape().clone(), w.strides().clone(), p, kernel);
        return add(e) ? e : null; // false: another view of that address won
    }

    private static synchronized boolean add(Entry e) {
        Table t = table;
        int i = Arrays.binarySearch(t.addresses, e.address);
        if (i >= 0) return false;
        int at = -i - 1, n = t.addresses.length;
        long[] a = new long[n + 1];
        Entry[] v = new Entry[n + 1];
        System.arraycopy(t.addresses, 0, a, 0, at);
        System.arraycopy(t.entries, 0, v, 0, at);
        a[at] = e.address;
        v[at] = e;
        System.arraycopy(t.addresses, at, a, at + 1, n - at);
        System.arraycopy(t.entries, at, v, at + 1, n - at);
        table = new Table(a, v);
        return true;
    }

    private static synchronized void remove(Entry e) {
        Table t = table;
        int i = Arrays.binarySearch(t.addresses, e.address);
        if (i < 0 || t.entries[i] != e) return; // closed before, or never the one registered
        int n = t.addresses.length;
        long[] a = new long[n - 1];
        Entry[] v = new Entry[n - 1];
        System.arraycopy(t.addresses, 0, a, 0, i);
        System.arraycopy(t.entries, 0, v, 0, i);
        System.arraycopy(t.addresses, i + 1, a, i, n - 1 - i);
        System.arraycopy(t.entries, i + 1, v, i, n - 1 - i);
        table = new Table(a, v);
    }

    /**
     * The matmul kernel on the panels packed for {@code b} when {@code b} is a packed weight, possibly broadcast
     * over batch dimensions (stride 0); else {@code null}. Made once per weight, so finding it allocates nothing.
     */
    static CpuOpTable.Kernel kernel(TensorRef b) {
        Table t = table;
        if (t.addresses.length == 0) return null;
        int at = Arrays.binarySearch(t.addresses, b.address());
        if (at < 0) return null;
        Entry e = t.entries[at];
        int r = b.rank();
        if (r < 2) return null;
        for (int i = 0; i < r - 2; i++) if (b.strides()[i] != 0 && b.shape()[i] != 1) return null;
        long[] s = b.shape(), st = b.strides();
        if (!Arrays.equals(e.shape, 0, 2, s, r - 2, r) || !Arrays.equals(e.strides, 0, 2, st, r - 2, r)) return null;
        return e.kernel;
    }
}
