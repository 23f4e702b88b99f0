package io.kuaxin.kernels.cpu;

/** Element-wise epilogue fused into GEMM after bias. */
public enum Activation {
    NONE, RELU,
    /** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    GELU_TANH,
    /** 0.5·x·(1 + erf(x/√2)). */
    GELU_ERF,
    /** x·sigmoid(x). */
    SILU
}
