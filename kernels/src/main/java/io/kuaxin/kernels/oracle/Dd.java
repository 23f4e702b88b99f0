package io.kuaxin.kernels.oracle;

/**
 * A double-double: the unevaluated sum {@code hi + lo} with {@code |lo| ≤ ulp(hi)/2}, about 106 bits. The oracle
 * computes erf and gelu in it so that its own rounding stays far below the ulp of the fp64 results it judges: an
 * fp64 oracle a few ulps off would eat the tolerance of every f64 case (the classic error-free transformations:
 * Knuth's two-sum, and the product's low part from one fma).
 * <p>Immutable; safe to share between threads.
 */
record Dd(double hi, double lo) {
    static final Dd ONE = new Dd(1, 0);
    /** √(2/π), 1/√π and ln 2 to double-double precision. */
    static final Dd SQRT_2_OVER_PI = new Dd(0x1.9884533d43651p-1, -0x1.cbc0d30ebfd15p-55);
    static final Dd INV_SQRT_PI = new Dd(0x1.20dd750429b6dp-1, 0x1.1ae3a914fed80p-57);
    static final Dd LN2 = new Dd(0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56);

    static Dd of(double x) { return new Dd(x, 0); }

    /** x·y exactly, as a double-double. */
    static Dd product(double x, double y) {
        double p = x * y;
        return new Dd(p, Math.fma(x, y, -p));
    }

    Dd plus(Dd o) {
        double s = hi + o.hi, v = s - hi;
        double e = (hi - (s - v)) + (o.hi - v);        // two-sum: s + e = hi + o.hi exactly
        return normalized(s, e + lo + o.lo);
    }

    Dd negate() { return new Dd(-hi, -lo); }

    Dd minus(Dd o) { return plus(o.negate()); }

    Dd times(Dd o) {
        double p = hi * o.hi;
        return normalized(p, Math.fma(hi, o.hi, -p) + (hi * o.lo + lo * o.hi));
    }

    Dd times(double d) { return times(of(d)); }

    Dd dividedBy(Dd o) {
        double q = hi / o.hi;
        Dd r = minus(o.times(q));                       // one correction step doubles the quotient's bits
        return normalized(q, (r.hi + r.lo) / o.hi);
    }

    /** Multiplication by a power of two: exact unless it leaves the normal range. */
    Dd scalb(int k) { return new Dd(Math.scalb(hi, k), Math.scalb(lo, k)); }

    /**
     * e^this · m for finite arguments below ~709: this = k·ln 2 + r with |r| ≤ ln2/2 (r in double-double, so the
     * reduction loses nothing), e^r by its Taylor series to ~10^−33, times m, then the exact scaling by 2^k last, so
     * that a result in the subnormal range is rounded once instead of e^this first.
     */
    Dd expTimes(Dd m) {
        int k = (int) Math.rint(hi / LN2.hi);
        Dd r = minus(LN2.times(k));
        Dd term = ONE, sum = ONE;
        for (int n = 1; n < 40 && Math.abs(term.hi) > 1e-34; n++) {
            term = term.times(r).dividedBy(of(n));
            sum = sum.plus(term);
        }
        return sum.times(m).scalb(k);
    }

    double value() { return hi + lo; }

    private static Dd normalized(double hi, double lo) {
        double s = hi + lo;
        return new Dd(s, lo - (s - hi));
    }
}
