package io.kuaxin.models.onnx;

import java.util.List;
import java.util.Map;

/**
 * A graph node ({@code NodeProto}). {@code index} is its position in the graph's node list (topological order
 * in a valid ONNX graph). Omitted optional inputs are empty strings, as in the file.
 */
public record OnnxNode(int index, String name, String opType, String domain, List<String> inputs,
                       List<String> outputs, Map<String, OnnxAttribute> attributes) {

    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public String output(int i) {
        return outputs.get(i);
    }

    public OnnxAttribute attribute(String attrName) {
        return attributes.get(attrName);
    }

    /** INT attribute value, or {@code defaultValue} when absent. */
    public long intAttribute(String attrName, long defaultValue) {
        OnnxAttribute a = attributes.get(attrName);
        return a == null ? defaultValue : a.i();
    }

    /** FLOAT attribute value, or {@code defaultValue} when absent. */
    public float floatAttribute(String attrName, float defaultValue) {
        OnnxAttribute a = attributes.get(attrName);
        return a == null ? defaultValue : a.f();
    }

    @Override
    public String toString() {
        return "#" + index + " " + opType + (name.isEmpty() ? "" : " '" + name + "'") + " " + inputs + " -> " + outputs
                + (attributes.isEmpty() ? "" : " " + attributes.values());
    }
}
