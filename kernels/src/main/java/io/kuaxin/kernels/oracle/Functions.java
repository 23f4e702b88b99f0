package io.kuaxin.kernels.oracle;

/** The activations in double precision, with an erf accurate to ~1e-15 (Java has none). */
final class Functions {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private Functions() {}

    static double silu(double x) { return x / (1 + Math.exp(-x)); }

    static double geluTanh(double x) { return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))); }

    static double geluErf(double x) { return 0.5 * x * (1 + erf(x / Math.sqrt(2))); }

    /** Maclaurin series below 2.5 (converges fast there); a continued fraction for erfc above. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (Double.isNaN(x)) return x;
        double r;
        if (ax < 2.5) {
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else if (ax > 6) {
            r = 1;
        } else {
            // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
            double f = ax;
            for (int n = 120; n >= 1; n--) f = ax + (n / 2.0) / f;
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }
}
