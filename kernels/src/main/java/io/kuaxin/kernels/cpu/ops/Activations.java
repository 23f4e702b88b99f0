package io.kuaxin.kernels.cpu.ops;

/** Element-wise activations in double (the CPU kernels' precision for every float type). */
public final class Activations {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double INV_SQRT_2 = 1 / Math.sqrt(2);

    private Activations() {}

    public static double silu(double x) { return x / (1 + Math.exp(-x)); }

    public static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    }

    public static double geluErf(double x) { return 0.5 * x * (1 + erf(x * INV_SQRT_2)); }

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
}
