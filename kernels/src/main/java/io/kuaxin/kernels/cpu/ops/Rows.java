package io.kuaxin.kernels.cpu.ops;

/**
 * Splits a strided tensor into rows along one axis: the element offsets of each row's first element, in
 * row-major order of the other dimensions. Kernels then loop {@code base + p·stride[axis]}.
 */
public final class Rows {
    private Rows() {}

    /** Offsets of every row's first element; {@code shape[axis]} is the row length. */
    public static long[] bases(long[] shape, long[] strides, int axis) {
        long rows = 1;
        for (int i = 0; i < shape.length; i++) if (i != axis) rows *= shape[i];
        if (axis >= 0 && axis < shape.length && shape[axis] == 0) rows = 0;
        long[] out = new long[Math.toIntExact(rows)];
        if (rows == 0) return out;
        long[] idx = new long[shape.length];
        long off = 0;
        for (int r = 0; r < out.length; r++) {
            out[r] = off;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (d == axis) continue;
                if (++idx[d] < shape[d]) {
                    off += strides[d];
                    break;
                }
                off -= (shape[d] - 1) * strides[d];
                idx[d] = 0;
            }
        }
        return out;
    }

    /** Row-major strides of a dense tensor of {@code shape}. */
    public static long[] dense(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }
}
