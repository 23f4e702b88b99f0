package io.kuaxin.spi;

import io.kuaxin.DType;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a kernel sees of a tensor: the address of element 0, its dtype, extents and element strides (which may be
 * zero for broadcast dimensions, or describe a transposed or sliced view). Validated by the front door.
 * The arrays are the tensor's own (not copied): read them, never write them.
 *
 * <p>A tensor builds its ref once and hands the same one to every op, so what a ref computes on first use
 * ({@link #segment}) is computed once per tensor, not once per op. Immutable and thread-safe; equality is the
 * identity of its arrays, as it would be for a record of these components.
 */
public final class TensorRef {
    private final long address;
    private final DType dtype;
    private final long[] shape;
    private final long[] strides;
    /** Built on first use; a racing second build is an equal segment, and its fields are final, so no lock. */
    private MemorySegment segment;
    /** {@link #derived}'s one slot. */
    private Object derived;

    /**
     * @param address the address of element 0 (host-visible for the CPU backend, a device address otherwise)
     * @param dtype   the element type
     * @param shape   the extents, kept (not copied)
     * @param strides the element strides, one per extent, kept (not copied)
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code shape} and {@code strides} differ in length
     */
    public TensorRef(long address, DType dtype, long[] shape, long[] strides) {
        this.address = address;
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = Objects.requireNonNull(shape, "shape");
        this.strides = Objects.requireNonNull(strides, "strides");
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape has " + shape.length + " extents but strides has "
                    + strides.length);
        }
    }

    public long address() { return address; }

    public DType dtype() { return dtype; }

    /** The extents: the tensor's own array, read-only by contract. */
    public long[] shape() { return shape; }

    /** The element strides: the tensor's own array, read-only by contract. */
    public long[] strides() { return strides; }

    public int rank() { return shape.length; }

    public long numel() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Whether the elements are dense in row-major order. */
    public boolean isContiguous() {
        if (numel() == 0) return true;
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /**
     * A segment at {@link #address} over every byte an element of this view can occupy (strides are non-negative;
     * front doors guarantee it), or {@link MemorySegment#NULL} when the view has no elements. Meaningful where the
     * address is host memory (the CPU backend); built on the first call and the same segment afterwards, so a
     * kernel that indexes through it allocates nothing per op. Accesses through it are bounds-checked against the
     * view's extent. The segment is not tied to a scope: like the address, it is valid only while the tensor's
     * memory is, which the front door guarantees for the op that received this ref.
     */
    public MemorySegment segment() {
        MemorySegment s = segment;
        if (s == null) segment = s = span();
        return s;
    }

    /**
     * What a backend derives from this ref alone, such as a kernel's own description of the view: made by
     * {@code make} on first use and kept, so an op on the same tensor gets it again without building it. There is
     * one slot: asked for another type, the ref makes that and keeps the newer one. {@code make} must depend on
     * this ref alone and its result must be immutable (threads may race to make it; each gets a valid one).
     *
     * @throws NullPointerException if {@code make} returns null
     */
    public <T> T derived(Class<T> type, Function<TensorRef, T> make) {
        Object d = derived;
        if (type.isInstance(d)) return type.cast(d);
        T t = Objects.requireNonNull(make.apply(this), "derived");
        derived = t;
        return t;
    }

    private MemorySegment span() {
        long last = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) return MemorySegment.NULL;
            last += (shape[i] - 1) * strides[i];
        }
        return MemorySegment.ofAddress(address).reinterpret((last + 1) * dtype.byteSize());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorRef r && r.address == address && r.dtype == dtype && r.shape == shape
                && r.strides == strides;
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, dtype, System.identityHashCode(shape), System.identityHashCode(strides));
    }

    @Override
    public String toString() {
        return "TensorRef[address=0x" + Long.toHexString(address) + ", dtype=" + dtype.label() + ", shape="
                + java.util.Arrays.toString(shape) + ", strides=" + java.util.Arrays.toString(strides) + "]";
    }
}
