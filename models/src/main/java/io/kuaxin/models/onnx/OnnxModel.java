package io.kuaxin.models.onnx;

import java.util.Map;

/**
 * A {@code ModelProto}: header fields, operator-set imports (domain → version, "" is the default ai.onnx
 * domain), metadata and the main graph.
 */
public record OnnxModel(long irVersion, String producerName, String producerVersion, String domain,
                        long modelVersion, Map<String, Long> opsetImports, Map<String, String> metadata,
                        OnnxGraph graph) {

    /** Version of the default ({@code ai.onnx}) operator set, or -1 if not imported. */
    public long opset() {
        Long v = opsetImports.get("");
        if (v == null) {
            v = opsetImports.get("ai.onnx");
        }
        return v == null ? -1 : v;
    }
}
