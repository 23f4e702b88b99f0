package io.kuaxin.op;

/**
 * The op catalog's identities. Each op's inputs, attributes, dtype rules and shape inference live in its spec;
 * backends declare which ops and dtypes they run through {@link io.kuaxin.spi.DeviceBackend#unsupportedReason}.
 */
public enum Op {
    MATMUL, ATTENTION, SOFTMAX, LAYER_NORM, RMS_NORM, ROPE,
    ADD, SUB, MUL, DIV, SILU, GELU_TANH, GELU_ERF, RELU, EXP,
    CAST, COPY, SUM, MAX, MEAN, ARGMAX, EMBEDDING;

    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    /** Lower-case name used in reports and the support matrix, e.g. {@code layer_norm}. */
    public String label() { return label; }
}
