package io.kuaxin.kernels.oracle;

/**
 * The activations in double precision, written so that no tail cancels: {@code 1 + erf(x/√2)} is {@code erfc(|x|/√2)}
 * for negative x and {@code 1 + tanh(u)} is {@code 2·sigmoid(2u)}, so gelu keeps its full relative precision
 * where it is tiny (x ≪ 0). Java has no erf; this one and gelu_erf are computed in double-double and land within an
 * ulp of the correctly rounded value (checked against tabulated values in the tests), so that the oracle's own error
 * does not eat the few-ulp tolerance of the f64 cases it judges.
 * <p>Public so that tests elsewhere compare kernels against these same fp64 functions instead of keeping their own
 * copies. Stateless: safe to call from any thread.
 */
public final class Functions {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final Dd INV_SQRT_2 = new Dd(0x1.6a09e667f3bcdp-1, -0x1.bdd3413b26456p-55);

    private Functions() {}

    public static double silu(double x) { return x / (1 + Math.exp(-x)); }

    /** gelu, tanh form, in fp64: 0.5·x·(1 + tanh(u))  = x / (1 + e^(−2u)). */
    public static double geluTanh(double x) { return x / (1 + Math.exp(-2 * SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))); }

    /**
     * 0.5·x·(1 + erf(x/√2)), within about half an ulp: computed in double-double from x/√2 and x²/2 taken exactly
     * ({@link Dd}), so neither the argument's rounding nor the series' own rounding reaches the result.
     */
    public static double geluErf(double x) {
        double a = Math.abs(x);
        if (!(a <= 40)) return Double.isNaN(x) ? x : 0.5 * x * (x < 0 ? 0 : 2);   // 0 or x in double; −∞·0 is NaN
        Dd w = Dd.product(a, a).scalb(-1);                                           // z² = x²/2, exact
        if (a < 3 * Math.sqrt(2)) {
            Dd erf = Dd.of(a).times(Dd.SQRT_2_OVER_PI).times(maclaurin(w));            // erf(|x|/√2)
            return Dd.of(0.5 * x).times(x < 0 ? Dd.ONE.minus(erf) : Dd.ONE.plus(erf)).value();
        }
        // e^(−z²)·(0.5·x/(√π·F)) with the exponential's scaling applied last: the negative tail is subnormal far out
        Dd half = Dd.of(0.5 * x).times(Dd.INV_SQRT_PI).dividedBy(laplace(Dd.of(a).times(INV_SQRT_2)));
        Dd tail = w.negate().expTimes(half);                                        // 0.5·x·erfc(|x|/√2)
        return x < 0 ? tail.value() : Dd.of(x).minus(tail).value();
    }

    /** erf(x) within about half an ulp, in double-double like {@link #geluErf}. */
    public static double erf(double x) {
        double z = Math.abs(x);
        if (!(z <= 27)) return Double.isNaN(x) ? x : Math.signum(x);               // erfc(27) underflows
        Dd w = Dd.product(z, z);
        Dd r = z < 3 ? Dd.of(z).times(Dd.INV_SQRT_PI).times(maclaurin(w)).times(2)
                : Dd.ONE.minus(w.negate().expTimes(Dd.INV_SQRT_PI.dividedBy(laplace(Dd.of(z)))));
        return x < 0 ? -r.value() : r.value();
    }

    /**
     * Σ (−w)^n / (n!·(2n+1)), so that erf(z) = 2z/√π · Σ at w = z². An alternating series, used only for z &lt; 3:
     * its largest term there is ~10³ and 1 − erf ≥ 2·10^−5, about 25 of double-double's 106 bits lost to
     * cancellation, 80 kept.
     */
    private static Dd maclaurin(Dd w) {
        Dd power = Dd.ONE, sum = Dd.ONE;
        for (int n = 1; n < MACLAURIN.length; n++) {
            power = power.times(w);
            Dd t = power.times(MACLAURIN[n]);
            sum = sum.plus(t);
            if (Math.abs(t.hi()) < 1e-34 * Math.abs(sum.hi())) break;
        }
        return sum;
    }

    /** (−1)^n / (n!·(2n+1)) in double-double, past where w = 9's terms fall below 10^−34. */
    private static final Dd[] MACLAURIN = new Dd[120];
    static {
        Dd factorial = Dd.ONE;
        MACLAURIN[0] = Dd.ONE;
        for (int n = 1; n < MACLAURIN.length; n++) {
            factorial = factorial.times(n);
            Dd c = Dd.ONE.dividedBy(factorial.times(2 * n + 1));
            MACLAURIN[n] = n % 2 == 0 ? c : c.negate();
        }
    }

    /**
     * Laplace's continued fraction F = z + (1/2)/(z + 1/(z + (3/2)/(z + …))), so that erfc(z) = e^(−z²)/(√π·F);
     * for z ≥ 3 only, evaluated from the tail with 1100/z² + 15 terms: more than double-double precision needs at
     * every z from 3 to 27 (102 at 3, 48 at 5, 13 at 27, against 6000 terms).
     */
    private static Dd laplace(Dd z) {
        Dd f = z;
        for (int n = (int) (1100 / (z.hi() * z.hi())) + 15; n >= 1; n--) f = z.plus(Dd.of(n * 0.5).dividedBy(f));
        return f;
    }
}
