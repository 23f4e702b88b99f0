package io.kuaxin.kernels.oracle;

/**
 * The activations in double precision, written so that no tail cancels: {@code 1 + erf(x/√2)} is {@code erfc(|x|/√2)}
 * for negative x and {@code 1 + tanh(u)} is {@code 2·sigmoid(2u)}, so gelu keeps its full relative precision
 * where it is tiny (x ≪ 0). Java has no erf; this one is accurate to a few ulps everywhere (checked against
 * tabulated values in the tests).
 * <p>Public so that tests elsewhere compare kernels against these same fp64 functions instead of keeping their own
 * copies. Stateless: safe to call from any thread.
 */
public final class Functions {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double INV_SQRT_2 = 1 / Math.sqrt(2);

    private Functions() {}

    public static double silu(double x) { return x / (1 + Math.exp(-x)); }

    /** gelu, tanh form, in fp64: 0.5·x·(1 + tanh(u))  = x / (1 + e^(−2u)). */
    public static double geluTanh(double x) { return x / (1 + Math.exp(-2 * SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))); }

    /** 0.5·x·(1 + erf(x/√2)) = 0.5·x·erfc(−x/√2). */
    public static double geluErf(double x) {
        if (Double.isNaN(x)) return x;
        double c = erfcOfScaled(Math.abs(x));
        return 0.5 * x * (x < 0 ? c : 2 - c);
    }

    /** erf(x) to a few ulps. */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        double r = ax < 0.5 ? maclaurin(ax) : 1 - erfc(ax, -ax * ax, 0);
        return x < 0 ? -r : r;
    }

    /** erfc(a/√2) for a ≥ 0, with e^(−a²/2) from a²'s exact two-part product (a² rounded would cost ~a² ulps). */
    private static double erfcOfScaled(double a) {
        double p = a * a, e = Math.fma(a, a, -p);
        return erfc(a * INV_SQRT_2, -p / 2, -e / 2);
    }

    /**
     * erfc(z) for z ≥ 0, given −z² as {@code hi + lo}: 1 − erf below 0.5 (erf ≤ 0.53 there, no cancellation),
     * Laplace's continued fraction {@code e^(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …))))} above, evaluated
     * from the tail with enough terms for full double precision (it converges slowest at z = 0.5).
     */
    private static double erfc(double z, double hi, double lo) {
        if (z < 0.5) return 1 - maclaurin(z);
        if (z > 27) return 0;                       // e^(−z²) underflows
        int terms = z < 1 ? 3000 : z < 2 ? 600 : 200;
        double f = z;
        for (int n = terms; n >= 1; n--) f = z + (n / 2.0) / f;
        return Math.exp(hi) * (1 + lo) / Math.sqrt(Math.PI) / f;
    }

    /** erf(z) by its Maclaurin series, for small z ≥ 0. */
    private static double maclaurin(double z) {
        double term = z, sum = z, z2 = z * z;
        for (int n = 1; n < 200; n++) {
            term *= -z2 / n;
            double t = term / (2 * n + 1);
            sum += t;
            if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
