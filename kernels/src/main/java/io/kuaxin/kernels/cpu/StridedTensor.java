package io.kuaxin.kernels.cpu;

import io.kuaxin.DType;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A 4-D view {@code [d0][d1][d2][d3]} over a segment: element {@code (i0,i1,i2,i3)} lives at element index
 * {@code offset + i0·s0 + i1·s1 + i2·s2 + i3·s3}. Strides are in elements; a stride of 0 broadcasts.
 * For attention the axes are (batch, head, sequence, head-dim); for masks (batch, head, query, key).
 * Create once and reuse: the kernels allocate nothing per call.
 */
public record StridedTensor(MemorySegment segment, DType type, long offset, long s0, long s1, long s2, long s3) {
    public StridedTensor {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(type, "type");
        if (offset < 0) throw new IllegalArgumentException("offset < 0");
    }

    /** Dense row-major {@code [d0][d1][d2][d3]} from offset 0. */
    public static StridedTensor dense(MemorySegment segment, DType type, int d0, int d1, int d2, int d3) {
        return new StridedTensor(segment, type, 0, (long) d1 * d2 * d3, (long) d2 * d3, d3, 1);
    }

    long index(long i0, long i1, long i2, long i3) { return offset + i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3; }
}
