package io.kuaxin.models.onnx;

import java.util.List;

/**
 * A node attribute ({@code AttributeProto}). Only the field matching {@link #type()} is meaningful; list fields
 * are empty (never null) when absent.
 */
public record OnnxAttribute(String name, Type type, float f, long i, String s, OnnxTensor t, OnnxGraph g,
                            float[] floats, long[] ints, List<String> strings, List<OnnxTensor> tensors,
                            List<OnnxGraph> graphs) {

    /** {@code AttributeProto.AttributeType} codes. */
    public enum Type {
        UNDEFINED(0), FLOAT(1), INT(2), STRING(3), TENSOR(4), GRAPH(5), FLOATS(6), INTS(7), STRINGS(8), TENSORS(9),
        GRAPHS(10), SPARSE_TENSOR(11), SPARSE_TENSORS(12), TYPE_PROTO(13), TYPE_PROTOS(14);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Type ofCode(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    public float[] floats() {
        return floats.clone();
    }

    public long[] ints() {
        return ints.clone();
    }

    @Override
    public String toString() {
        String v = switch (type) {
            case FLOAT -> Float.toString(f);
            case INT -> Long.toString(i);
            case STRING -> '"' + s + '"';
            case TENSOR -> String.valueOf(t);
            case FLOATS -> java.util.Arrays.toString(floats);
            case INTS -> java.util.Arrays.toString(ints);
            case STRINGS -> strings.toString();
            default -> type.toString();
        };
        return name + "=" + v;
    }
}
