package io.kuaxin.op;

/** An element-wise activation fused after a matmul's bias: {@code out = act(alpha·A·B + beta·C + bias)}. */
public enum Epilogue {
    NONE,
    /** max(x, 0). */
    RELU,
    /** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    GELU_TANH,
    /** 0.5·x·(1 + erf(x/√2)). */
    GELU_ERF,
    /** x·sigmoid(x). */
    SILU
}
