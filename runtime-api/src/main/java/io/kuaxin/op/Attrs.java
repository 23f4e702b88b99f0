package io.kuaxin.op;

import io.kuaxin.InvalidArgumentException;

/** Checks shared by the attribute records' constructors. */
final class Attrs {
    private Attrs() {}

    static void finite(String op, String name, double v) {
        if (!Double.isFinite(v)) {
            throw new InvalidArgumentException(op + ": " + name + " must be finite, was " + v);
        }
    }

    static void nonNegative(String op, String name, double v) {
        finite(op, name, v);
        if (v < 0) throw new InvalidArgumentException(op + ": " + name + " must be >= 0, was " + v);
    }

    static <T> T nonNull(String op, String name, T v) {
        if (v == null) throw new InvalidArgumentException(op + ": " + name + " must not be null");
        return v;
    }
}
