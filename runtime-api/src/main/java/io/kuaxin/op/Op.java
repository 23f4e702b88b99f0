package io.kuaxin.op;

/**
 * The op catalog's identities, each declared with its {@link OpSpec}: the attribute record it takes, its inputs,
 * dtype rules, shape inference and kernel contract. That one declaration makes an op callable through
 * {@code Ops.call(op, attrs, inputs...)}; backends declare which ops and dtypes they run through
 * {@code DeviceBackend.unsupportedReason}.
 */
public enum Op {
    MATMUL(MatmulSpec.SPEC),
    ATTENTION(AttentionSpec.SPEC),
    SOFTMAX(NnSpecs.SOFTMAX),
    LAYER_NORM(NnSpecs.NORM),
    RMS_NORM(NnSpecs.NORM),
    ROPE(NnSpecs.ROPE),
    ADD(ElementwiseSpecs.BINARY),
    SUB(ElementwiseSpecs.BINARY),
    MUL(ElementwiseSpecs.BINARY),
    DIV(ElementwiseSpecs.BINARY),
    SILU(ElementwiseSpecs.UNARY),
    GELU_TANH(ElementwiseSpecs.UNARY),
    GELU_ERF(ElementwiseSpecs.UNARY),
    RELU(ElementwiseSpecs.UNARY),
    EXP(ElementwiseSpecs.UNARY),
    CAST(ElementwiseSpecs.CAST),
    COPY(ElementwiseSpecs.COPY),
    SUM(ReduceSpecs.REDUCE),
    MAX(ReduceSpecs.REDUCE),
    MEAN(ReduceSpecs.REDUCE),
    ARGMAX(ReduceSpecs.REDUCE),
    EMBEDDING(ReduceSpecs.EMBEDDING);

    private final String label = name().toLowerCase(java.util.Locale.ROOT);
    private final OpSpec<?> spec;

    Op(OpSpec<?> spec) { this.spec = spec; }

    /** Lower-case name used in reports and the support matrix, e.g. {@code layer_norm}. */
    public String label() { return label; }

    /** The op's spec: attributes, inputs, dtype rules, output inference. */
    public OpSpec<?> spec() { return spec; }
}
