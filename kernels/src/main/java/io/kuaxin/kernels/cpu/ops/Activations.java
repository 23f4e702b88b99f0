package io.kuaxin.kernels.cpu.ops;

/**
 * Element-wise activations in double (the CPU kernels' precision for every float type), in forms without
 * cancellation: gelu's negative tail keeps its relative precision ({@code 1 + erf(x/√2) = erfc(|x|/√2)} for x &lt; 0,
 * {@code 1 + tanh(u) = 2/(1 + e^(−2u))}).
 */
public final class Activations {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double INV_SQRT_2 = 1 / Math.sqrt(2);

    private Activations() {}

    public static double silu(double x) { return x / (1 + Math.exp(-x)); }

    public static double geluTanh(double x) {
        return x / (1 + Math.exp(-2 * SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    }

    public static double geluErf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        if (a < SERIES_LIMIT) {
            // erf(a/√2) = √(2/π)·a·S(a²/2) without rounding a/√2 first; 1 ∓ erf with one rounding (fma)
            double p = SQRT_2_OVER_PI * a, s = erfSeries(0.5 * a * a);
            return 0.5 * x * (x < 0 ? Math.fma(-p, s, 1) : Math.fma(p, s, 1));
        }
        double p = a * a;
        // e^(−x²/2) from x²'s exact two-part product: x² rounded would cost ~x² ulps in the tail
        double c = erfc(a * INV_SQRT_2, -p / 2, -Math.fma(a, a, -p) / 2);
        return 0.5 * x * (x < 0 ? c : 2 - c);
    }

    /** |x| below which gelu uses the series: x/√2 &lt; 0.5, where erf ≤ 0.53 and 1 − erf cancels little. */
    private static final double SERIES_LIMIT = 0.5 * Math.sqrt(2);

    /**
     * S(w) = Σ (−w)^n / (n!·(2n+1)) for 0 ≤ w ≤ 1/8 by Horner (fma), so that erf(z) = 2z/√π · S(z²); 13 terms
     * leave the last below 10^−20 of the sum.
     */
    private static double erfSeries(double w) {
        double s = 0;
        for (int n = SERIES.length - 1; n >= 0; n--) s = Math.fma(s, -w, SERIES[n]);
        return s;
    }

    private static final double[] SERIES = new double[13];
    static {
        double factorial = 1;
        for (int n = 0; n < SERIES.length; n++) {
            if (n > 0) factorial *= n;
            SERIES[n] = 1 / (factorial * (2 * n + 1));
        }
    }

    /**
     * erf to double precision: {@code erf(x) = 2x/√π · e^(−x²) · Σ (2x²)^n / (1·3·…·(2n+1))}, a series of positive
     * terms (no cancellation) that converges for every x; beyond |x| = 6, erf is ±1 in double.
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        if (!(z < 6)) return Double.isNaN(x) ? x : Math.signum(x);
        double t = 2 * z * z, term = 1, sum = 1;
        for (int n = 1; n < 200 && term > 1e-17 * sum; n++) {
            term *= t / (2 * n + 1);
            sum += term;
        }
        double r = 2 * z / Math.sqrt(Math.PI) * Math.exp(-z * z) * sum;
        return x < 0 ? -r : r;
    }

    /**
     * erfc(z) for z ≥ 0 to a few ulps, given −z² as {@code hi + lo}: {@code 1 − erf} below 0.5, where erf ≤ 0.53
     * and nothing cancels; above, the continued fraction {@code e^(−z²)/√π · 1/(z + ½/(z + 1/(z + (3/2)/(z + …))))}
     * from its tail, with as many terms as full precision needs at that z (about 1500 at 0.5, 100 beyond 2).
     */
    public static double erfc(double z, double hi, double lo) {
        if (z < 0.5) return 1 - erf(z);
        if (z > 27.3) return 0;                     // e^(−z²) underflows past 27.3
        int terms = z < 1 ? 1500 : z < 2 ? 400 : 100;
        double f = z;
        for (int n = terms; n >= 1; n--) f = z + (n * 0.5) / f;
        return Math.exp(hi) * (1 + lo) / Math.sqrt(Math.PI) / f;
    }
}
