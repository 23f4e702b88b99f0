package io.kuaxin.kernels.oracle;

import io.kuaxin.DType;

import java.util.Arrays;
import java.util.Random;

/**
 * A host tensor for the oracle: logical elements in row-major order as doubles (integers exact up to 2^53), a
 * dtype and a shape. Views (permute, slice, expand) are materialised, so every oracle loop is plain indexing.
 *
 * @param data the elements, already representable in {@code dtype} (see {@link Rounding})
 */
public record HostTensor(DType dtype, long[] shape, double[] data) {
    public HostTensor {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " elements, got "
                    + data.length);
        }
    }

    /** A tensor of {@code data} rounded to {@code dtype}. */
    public static HostTensor of(DType dtype, long[] shape, double... data) {
        double[] d = data.clone();
        for (int i = 0; i < d.length; i++) d[i] = Rounding.round(dtype, d[i]);
        return new HostTensor(dtype, shape.clone(), d);
    }

    public static HostTensor zeros(DType dtype, long... shape) {
        return new HostTensor(dtype, shape.clone(), new double[(int) numel(shape)]);
    }

    /**
     * Uniform random values in {@code [lo, hi)} rounded to {@code dtype} (integers: uniform integers in
     * {@code [lo, hi)}; bool: 0/1).
     */
    public static HostTensor random(DType dtype, long[] shape, Random rnd, double lo, double hi) {
        double[] d = new double[(int) numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = switch (dtype) {
                case BOOL -> rnd.nextBoolean() ? 1 : 0;
                case I8, U8, I32, I64 -> Math.floor(lo + rnd.nextDouble() * (hi - lo));
                default -> lo + rnd.nextDouble() * (hi - lo);
            };
        }
        return of(dtype, shape, d);
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public int rank() { return shape.length; }

    public long numel() { return data.length; }

    /** Row-major strides. */
    public long[] strides() {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** The element at a multi-index. */
    public double get(long... idx) {
        long[] st = strides();
        long off = 0;
        for (int i = 0; i < idx.length; i++) off += idx[i] * st[i];
        return data[(int) off];
    }

    /** Same values as another dtype, unrounded (for inputs whose dtype only labels them). */
    public HostTensor withDtype(DType t) { return new HostTensor(t, shape, data); }

    /** Dimension {@code i} of the result is dimension {@code order[i]} of this. */
    public HostTensor permute(int... order) {
        long[] ns = new long[shape.length];
        for (int i = 0; i < order.length; i++) ns[i] = shape[order[i]];
        long[] st = strides();
        double[] out = new double[data.length];
        long[] idx = new long[shape.length];
        for (int n = 0; n < out.length; n++) {
            long off = 0;
            for (int i = 0; i < order.length; i++) off += idx[i] * st[order[i]];
            out[n] = data[(int) off];
            Index.next(idx, ns);
        }
        return new HostTensor(dtype, ns, out);
    }

    /** Indices {@code [start, end)} along {@code axis}. */
    public HostTensor slice(int axis, long start, long end) {
        long[] ns = shape.clone();
        ns[axis] = end - start;
        long[] st = strides();
        double[] out = new double[(int) numel(ns)];
        long[] idx = new long[shape.length];
        for (int n = 0; n < out.length; n++) {
            long off = 0;
            for (int i = 0; i < idx.length; i++) off += (i == axis ? idx[i] + start : idx[i]) * st[i];
            out[n] = data[(int) off];
            Index.next(idx, ns);
        }
        return new HostTensor(dtype, ns, out);
    }

    /** Broadcast to {@code target} (NumPy rules). */
    public HostTensor expand(long... target) {
        double[] out = new double[(int) numel(target)];
        long[] idx = new long[target.length];
        for (int n = 0; n < out.length; n++) {
            out[n] = data[(int) Index.broadcastOffset(idx, shape, strides())];
            Index.next(idx, target);
        }
        return new HostTensor(dtype, target.clone(), out);
    }

    @Override
    public String toString() {
        return dtype.label() + Arrays.toString(shape);
    }
}
