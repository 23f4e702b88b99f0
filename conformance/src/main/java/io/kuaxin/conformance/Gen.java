package io.kuaxin.conformance;

import io.kuaxin.DType;
import io.kuaxin.kernels.oracle.HostTensor;

import java.util.List;
import java.util.Random;

/** Seeded input generation for the case families. */
final class Gen {
    static final List<DType> FLOATS = List.of(DType.F32, DType.F16, DType.BF16, DType.F64);
    static final List<DType> DEVICE_FLOATS = List.of(DType.F32, DType.F16, DType.BF16);
    static final List<DType> NUMERIC = List.of(DType.F32, DType.F16, DType.BF16, DType.F64, DType.I8, DType.U8,
            DType.I32, DType.I64);
    static final List<DType> ALL = List.of(DType.values());

    final Random rnd;
    /** Largest extent the random cases draw (small in the seed sweep, so 32 seeds stay cheap). */
    final int maxDim;

    Gen(long seed) { this(seed, 70); }

    Gen(long seed, int maxDim) {
        this.rnd = new Random(seed);
        this.maxDim = maxDim;
    }

    /** Floats uniform in [-1, 1); integers uniform in [-8, 8) (u8: [0, 8)); bool 0/1. */
    HostTensor t(DType dt, long... shape) {
        return dt.isFloatingPoint() ? range(dt, -1, 1, shape) : range(dt, dt == DType.U8 ? 0 : -8, 8, shape);
    }

    HostTensor range(DType dt, double lo, double hi, long... shape) {
        return HostTensor.random(dt, shape, rnd, lo, hi);
    }

    Input dense(DType dt, long... shape) { return Input.dense(t(dt, shape)); }

    /** The logical shape, stored with its last two dimensions swapped (a column-major view). */
    Input transposed(DType dt, long... shape) {
        long[] s = shape.clone();
        int r = s.length;
        s[r - 1] = shape[r - 2];
        s[r - 2] = shape[r - 1];
        return Input.viewed(t(dt, s), ViewOp.transposeLast(r));
    }

    /** The logical shape as a slice of a wider tensor: rows padded by 3 elements, starting at offset 1. */
    Input padded(DType dt, long... shape) {
        long[] s = shape.clone();
        int r = s.length;
        s[r - 1] = shape[r - 1] + 3;
        return Input.viewed(t(dt, s), new ViewOp.Slice(r - 1, 1, 1 + shape[r - 1]));
    }

    /** A broadcast view: dimension {@code axis} stored with extent 1 and expanded (stride 0). */
    Input broadcast(DType dt, int axis, long... shape) {
        long[] s = shape.clone();
        s[axis] = 1;
        return Input.viewed(t(dt, s), new ViewOp.Expand(shape));
    }

    int nextInt(int lo, int hiInclusive) { return lo + rnd.nextInt(hiInclusive - lo + 1); }

    static long[] dims(long... d) { return d; }
}
