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
     * erf with |error| < 1.2e-7 (Numerical Recipes' Chebyshev fit of erfc): below fp32 resolution for GELU, and
     * branch-free apart from the sign.
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - r : r - 1;
    }
}
