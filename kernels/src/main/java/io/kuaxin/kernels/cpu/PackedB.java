package io.kuaxin.kernels.cpu;

import io.kuaxin.DType;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The right-hand operand of a GEMM packed once into the panels {@link CpuGemm} streams through its register tile:
 * {@code op(B)} as {@link CpuKernels#NR}-wide, K-deep fp32 panels (F16/BF16 converted while packing), zero beyond N.
 * A weight multiplied on every call is packed here once instead of on every call.
 *
 * <p>Immutable once built: a snapshot of B at {@link #pack} time, safe to share between threads. It does not watch B;
 * whoever keeps one must make sure B does not change while it is used in B's place.
 */
public final class PackedB {
    private static final AtomicLong IDS = new AtomicLong();

    final int k, n;
    final float[] panels;
    /** Unique per pack: lets a thread tell that it meets the same weight again without holding on to it. */
    final long id = IDS.getAndIncrement();

    private PackedB(int k, int n, float[] panels) {
        this.k = k;
        this.n = n;
        this.panels = panels;
    }

    /**
     * Packs {@code op(B)} ({@code K×N}; B row-major at {@code bOffset} with leading dimension {@code ldb}, transposed
     * when {@code transB}).
     *
     * @throws IllegalArgumentException for negative sizes, a leading dimension too small, or N·K beyond one array
     */
    public static PackedB pack(boolean transB, int k, int n, MemorySegment b, DType bType, long bOffset, long ldb) {
        Objects.requireNonNull(b, "b");
        Elements.checkFloat(bType, "B");
        if (k < 0 || n < 0) throw new IllegalArgumentException("negative size");
        if (ldb < (transB ? k : n)) throw new IllegalArgumentException("ldb too small");
        int panels = CpuGemm.ceilDiv(n, CpuKernels.NR);
        if ((long) panels * CpuKernels.NR * k > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("N·K too large to pack");
        float[] dst = new float[panels * CpuKernels.NR * k];
        for (int p = 0; p < panels; p++) CpuGemm.packPanel(CpuKernels.instance(), dst, p, transB, k, n, b, bType, bOffset, ldb);
        return new PackedB(k, n, dst);
    }

    /** K, the shared dimension. */
    public int k() { return k; }

    /** N, the columns of op(B) and of C. */
    public int n() { return n; }

    /** Bytes held. */
    public long bytes() { return 4L * panels.length; }
}
