package io.kuaxin.op;

import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Shape;

/** NumPy broadcasting: shapes are aligned at their last dimension; extents must match or be 1. */
public final class Broadcast {
    private Broadcast() {}

    /**
     * The broadcast shape of {@code a} and {@code b}.
     *
     * @throws InvalidArgumentException naming both arguments and the clashing dimension
     */
    public static Shape shapes(String op, String aName, Shape a, String bName, Shape b) {
        int r = Math.max(a.rank(), b.rank());
        boolean isA = a.rank() == r, isB = b.rank() == r; // whether the result is a (or b) itself, so none is built
        for (int i = 0; i < r; i++) {
            long da = extent(a, r, i), db = extent(b, r, i);
            if (da != db && da != 1 && db != 1) {
                throw new InvalidArgumentException(op + ": " + aName + " " + a + " and " + bName + " " + b
                        + " do not broadcast: dimension " + (i - r) + " is " + da + " vs " + db
                        + "; extents must be equal or 1 (aligned at the last dimension)");
            }
            isA &= db == 1 || da == db;
            isB &= da == 1 || da == db;
        }
        if (isA) return a;
        if (isB) return b;
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = extent(a, r, i);
            out[i] = da == 1 ? extent(b, r, i) : da;
        }
        return Shape.of(out);
    }

    /** Extent {@code i} of {@code s} aligned at the last dimension to rank {@code r}: 1 where {@code s} is shorter. */
    private static long extent(Shape s, int r, int i) { return i < r - s.rank() ? 1 : s.dim(i - (r - s.rank())); }

    /**
     * Checks that {@code x} broadcasts to exactly {@code target} (without growing the target).
     *
     * @throws InvalidArgumentException naming {@code name}
     */
    public static void to(String op, String name, Shape x, Shape target, String targetDesc) {
        boolean ok = x.rank() <= target.rank();
        for (int i = 0; ok && i < x.rank(); i++) {
            long d = x.dim(x.rank() - 1 - i), t = target.dim(target.rank() - 1 - i);
            ok = d == t || d == 1;
        }
        if (!ok) {
            throw new InvalidArgumentException(op + ": " + name + " " + x + " does not broadcast to " + targetDesc + " "
                    + target + "; each extent must equal the target's or be 1 (aligned at the last dimension)");
        }
    }

    /** The first {@code n} extents of {@code s}; {@code s} itself or the scalar shape, not a copy, where it can. */
    public static Shape prefix(Shape s, int n) {
        if (n == s.rank()) return s;
        if (n == 0) return Shape.scalar();
        long[] d = new long[n];
        for (int i = 0; i < n; i++) d[i] = s.dim(i);
        return Shape.of(d);
    }

    /** Whether {@code s} is exactly {@code head} followed by {@code tail}; builds nothing. */
    public static boolean isConcat(Shape s, Shape head, long... tail) {
        int h = head.rank();
        if (s.rank() != h + tail.length) return false;
        for (int i = 0; i < h; i++) if (s.dim(i) != head.dim(i)) return false;
        for (int i = 0; i < tail.length; i++) if (s.dim(h + i) != tail[i]) return false;
        return true;
    }

    /** {@code a} followed by {@code tail}. */
    public static Shape concat(Shape a, long... tail) {
        long[] d = new long[a.rank() + tail.length];
        for (int i = 0; i < a.rank(); i++) d[i] = a.dim(i);
        System.arraycopy(tail, 0, d, a.rank(), tail.length);
        return Shape.of(d);
    }
}
