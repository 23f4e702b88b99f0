package io.kuaxin;

import java.util.Arrays;

/**
 * An immutable tensor shape: up to {@value #MAX_RANK} non-negative extents whose product (and byte size for any
 * {@link DType}) fits in a {@code long}.
 *
 * <p>Instances are value-like: {@link #equals} compares extents. Thread-safe.
 */
public final class Shape {
    /** Largest rank a tensor may have. */
    public static final int MAX_RANK = 8;

    private static final Shape SCALAR = new Shape(new long[0]);
    private final long[] dims;
    private final long numel;

    private Shape(long[] dims) {
        this.dims = dims;
        long n = 1;
        for (long d : dims) n *= d; // checked in of()
        this.numel = n;
    }

    /**
     * Returns the shape with the given extents.
     *
     * @throws InvalidArgumentException if an extent is negative, the rank exceeds {@value #MAX_RANK}, or the
     *                                  element count times 8 bytes overflows a {@code long}
     */
    public static Shape of(long... dims) {
        if (dims.length == 0) return SCALAR;
        if (dims.length > MAX_RANK) {
            throw new InvalidArgumentException("rank " + dims.length + " exceeds the maximum of " + MAX_RANK);
        }
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new InvalidArgumentException("dimension " + i + " of " + Arrays.toString(dims)
                        + " is negative (" + dims[i] + "); extents must be >= 0");
            }
            try {
                n = Math.multiplyExact(n, dims[i]);
                Math.multiplyExact(n, 8L);
            } catch (ArithmeticException e) {
                throw new InvalidArgumentException("shape " + Arrays.toString(dims)
                        + " has too many elements: its byte size overflows a long");
            }
        }
        return new Shape(dims.clone());
    }

    /** Same as {@link #of(long...)} for {@code int} extents. */
    public static Shape of(int... dims) {
        return of(Arrays.stream(dims).asLongStream().toArray());
    }

    /** The scalar shape (rank 0, one element). */
    public static Shape scalar() { return SCALAR; }

    public int rank() { return dims.length; }

    /** Extent of dimension {@code i}; negative {@code i} counts from the end. */
    public long dim(int i) {
        return dims[axis(i)];
    }

    /** Normalises a possibly negative axis, or throws {@link InvalidArgumentException}. */
    public int axis(int i) {
        int a = i < 0 ? i + dims.length : i;
        if (a < 0 || a >= dims.length) {
            throw new InvalidArgumentException("axis " + i + " is out of range for rank " + dims.length);
        }
        return a;
    }

    /** The extents themselves, for kernel descriptions that only read them. */
    long[] dims() { return dims; }

    /** A copy of the extents. */
    public long[] toArray() { return dims.clone(); }

    /** Number of elements (1 for a scalar, 0 if any extent is 0). */
    public long numel() { return numel; }

    /** Row-major (C order) strides in elements. */
    public long[] contiguousStrides() {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(dims[i], 1);
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(dims); }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) b.append(", ");
            b.append(dims[i]);
        }
        return b.append(']').toString();
    }
}
