package io.kuaxin.models.onnx;

/** Malformed or unsupported ONNX/protobuf input. The message names the field and the byte offset. */
public final class OnnxFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final long offset;

    public OnnxFormatException(String field, long offset, String problem) {
        super(problem + " (field " + field + ", byte offset " + offset + ")");
        this.field = field;
        this.offset = offset;
    }

    /** Dotted path of the protobuf field being read, e.g. {@code ModelProto.graph.initializer.dims}. */
    public String field() {
        return field;
    }

    /** Absolute byte offset in the input where the problem was found. */
    public long offset() {
        return offset;
    }
}
