package io.kuaxin.models.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@code GraphProto}: nodes in file order, initializers, inputs/outputs. Immutable. */
public final class OnnxGraph {
    private final String name;
    private final List<OnnxNode> nodes;
    private final Map<String, OnnxTensor> initializers;
    private final List<OnnxValueInfo> inputs;
    private final List<OnnxValueInfo> outputs;
    private final List<OnnxValueInfo> valueInfo;

    OnnxGraph(String name, List<OnnxNode> nodes, List<OnnxTensor> initializers, List<OnnxValueInfo> inputs,
              List<OnnxValueInfo> outputs, List<OnnxValueInfo> valueInfo) {
        this.name = name;
        this.nodes = List.copyOf(nodes);
        Map<String, OnnxTensor> m = new LinkedHashMap<>();
        for (OnnxTensor t : initializers) {
            m.put(t.name(), t); // ONNX requires unique names; a duplicate would be last-wins like ORT
        }
        this.initializers = Collections.unmodifiableMap(m);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.valueInfo = List.copyOf(valueInfo);
    }

    public String name() {
        return name;
    }

    public List<OnnxNode> nodes() {
        return nodes;
    }

    /** Initializers by name, in file order. */
    public Map<String, OnnxTensor> initializers() {
        return initializers;
    }

    /** The initializer called {@code tensorName}, or null. */
    public OnnxTensor initializer(String tensorName) {
        return initializers.get(tensorName);
    }

    /** All declared inputs (for IR &lt; 4 these may include initializers). */
    public List<OnnxValueInfo> inputs() {
        return inputs;
    }

    /** Inputs that are not initializers: what a caller must feed. */
    public List<OnnxValueInfo> runtimeInputs() {
        List<OnnxValueInfo> r = new ArrayList<>();
        for (OnnxValueInfo v : inputs) {
            if (!initializers.containsKey(v.name())) {
                r.add(v);
            }
        }
        return r;
    }

    public List<OnnxValueInfo> outputs() {
        return outputs;
    }

    public List<OnnxValueInfo> valueInfo() {
        return valueInfo;
    }

    /** Number of nodes per op type, in order of first appearance. */
    public Map<String, Integer> opCounts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (OnnxNode n : nodes) {
            m.merge(n.opType(), 1, Integer::sum);
        }
        return m;
    }

    /** The node producing each tensor name (graph inputs and initializers have none). */
    public Map<String, OnnxNode> producers() {
        Map<String, OnnxNode> m = new HashMap<>();
        for (OnnxNode n : nodes) {
            for (String o : n.outputs()) {
                m.put(o, n);
            }
        }
        return m;
    }

    /** The nodes consuming each tensor name, in graph order. */
    public Map<String, List<OnnxNode>> consumers() {
        Map<String, List<OnnxNode>> m = new HashMap<>();
        for (OnnxNode n : nodes) {
            for (String i : n.inputs()) {
                if (!i.isEmpty()) {
                    m.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
                }
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "OnnxGraph[" + name + ", " + nodes.size() + " nodes, " + initializers.size() + " initializers]";
    }
}
