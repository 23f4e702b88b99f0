package io.kuaxin.spi;

import io.kuaxin.DType;

/**
 * What a kernel sees of a tensor: the address of element 0, its dtype, extents and element strides (which may be
 * zero for broadcast dimensions, or describe a transposed or sliced view). Validated by the front door.
 * The arrays are the tensor's own (not copied, as this is built for every op): read them, never write them.
 */
public record TensorRef(long address, DType dtype, long[] shape, long[] strides) {
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
}
