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
            case GELU_TANH -> 0.5f * x * (1f + (float) Math.tanh(0.7978845608f * (x + 0.044715f * x * x * x)));
            case GELU_ERF -> 0.5f * x * (1f + erf(x * 0.70710678f));
            case SILU -> x / (1f + (float) Math.exp(-x));
        };
    }

    /** erf via Numerical Recipes' erfc Chebyshev fit (fractional error < 1.2e-7 everywhere). */
    static float erf(float x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return (float) (x >= 0 ? 1.0 - r : r - 1.0);
    }
}
