package io.kuaxin.kernels.oracle;

/** Multi-index helpers for the oracle's loops. */
final class Index {
    private Index() {}

    /** Advances a row-major multi-index within {@code shape}. */
    static void next(long[] idx, long[] shape) {
        for (int d = idx.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) return;
            idx[d] = 0;
        }
    }

    /**
     * The flat offset into a tensor of shape {@code shape} (row-major strides {@code st}) of the element that a
     * right-aligned broadcast maps output index {@code outIdx} to.
     */
    static long broadcastOffset(long[] outIdx, long[] shape, long[] st) {
        int lead = outIdx.length - shape.length;
        long off = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != 1) off += outIdx[i + lead] * st[i];
        }
        return off;
    }
}
