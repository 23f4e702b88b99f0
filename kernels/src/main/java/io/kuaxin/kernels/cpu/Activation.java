package io.kuaxin.kernels.cpu;

/** Element-wise epilogue fused into GEMM after bias. */
public enum Activation {
    NONE, RELU,
    /** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    GELU_TANH,
    /** 0.5·x·(1 + erf(x/√2)). */
    GELU_ERF,
    /** x·sigmoid(x). */
    SILU;

    /** The activation of one value in fp32 (the scalar kernels and vector tails use this). */
    public float apply(float x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> x > 0f ? x : 0f;
            // x·sigmoid(2u) = 0.5·x·(1 + tanh(u)), without 1 + tanh cancelling to 0 for x ≪ 0
            case GELU_TANH -> (float) (x / (1 + Math.exp(-1.5957691216057308 * (x + 0.044715 * x * x * x))));
            case GELU_ERF -> geluErf(x);
            case SILU -> (float) (x / (1 + Math.exp(-x)));  // in double: e^−x overflows fp32 below −88
        };
    }

    /**
     * 0.5·x·(1 + erf(x/√2)) with {@code 1 + erf(x/√2) = erfc(|x|/√2)} for x < 0, so the negative tail keeps its
     * relative precision instead of cancelling to 0; the argument and exponent in double.
     */
    static float geluErf(float x) {
        double c = erfc(Math.abs(x) * 0.7071067811865476);
        return (float) (0.5 * x * (x < 0 ? c : 2 - c));
    }

    /** erfc(z), z ≥ 0, by Numerical Recipes' Chebyshev fit (fractional error < 1.2e-7 everywhere). */
    static double erfc(double z) {
        double t = 1.0 / (1.0 + 0.5 * z);
        return t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
    }

    /** erf via {@link #erfc}. */
    static float erf(float x) {
        double r = erfc(Math.abs(x));
        return (float) (x >= 0 ? 1.0 - r : r - 1.0);
    }
}
