package io.kuaxin.models.minilm;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kuaxin.models.onnx.OnnxGraph;
import io.kuaxin.models.onnx.OnnxModel;

/**
 * The BERT parameters of all-MiniLM-L6-v2 taken from its ONNX graph, as heap {@code float[]} with shapes.
 *
 * <p>The parameters are found from the graph's dataflow, not from initializer names ({@link MiniLmGraphMatcher}).
 *
 * <p>Names follow the Hugging Face BERT state dict, but linear weights keep ONNX's <b>[in, out]</b> layout (the
 * transpose of PyTorch's {@code Linear.weight}): {@code y = x · W + b} with {@code x} a row vector.
 */
public final class MiniLmWeights {
    /** One parameter: HF-style name, the ONNX initializer it came from, shape, row-major data. */
    public record Param(String name, String onnxName, int[] shape, float[] data) {
        public Param {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        public int numel() {
            return data.length;
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape) + " <- " + onnxName;
        }
    }

    /** One encoder layer. Linear weights are [in, out]. */
    public record Layer(int index,
                        Param query, Param queryBias, Param key, Param keyBias, Param value, Param valueBias,
                        Param attentionOutput, Param attentionOutputBias,
                        Param attentionLnGamma, Param attentionLnBeta,
                        Param ffnIn, Param ffnInBias, Param ffnOut, Param ffnOutBias,
                        Param outputLnGamma, Param outputLnBeta) {

        public List<Param> params() {
            return List.of(query, queryBias, key, keyBias, value, valueBias, attentionOutput, attentionOutputBias,
                    attentionLnGamma, attentionLnBeta, ffnIn, ffnInBias, ffnOut, ffnOutBias, outputLnGamma,
                    outputLnBeta);
        }
    }

    private final MiniLmConfig config;
    private final Param wordEmbeddings;
    private final Param positionEmbeddings;
    private final Param tokenTypeEmbeddings;
    private final Param embeddingLnGamma;
    private final Param embeddingLnBeta;
    private final List<Layer> layers;
    private final double layerNormEps;
    private final double attentionScale;

    MiniLmWeights(MiniLmConfig config, Param word, Param pos, Param type, Param lnG, Param lnB,
                          List<Layer> layers, double eps, double scale) {
        this.config = config;
        this.wordEmbeddings = word;
        this.positionEmbeddings = pos;
        this.tokenTypeEmbeddings = type;
        this.embeddingLnGamma = lnG;
        this.embeddingLnBeta = lnB;
        this.layers = List.copyOf(layers);
        this.layerNormEps = eps;
        this.attentionScale = scale;
    }

    /** Reads the artifact's .onnx (in a temporary arena) and maps it. */
    public static MiniLmWeights load(MiniLmArtifact artifact) {
        try (Arena arena = Arena.ofConfined()) {
            return from(artifact.readOnnxModel(arena)); // all data is copied to float[] before the arena closes
        }
    }

    /** Maps {@code model} expecting {@link MiniLmConfig#ALL_MINILM_L6_V2}. */
    public static MiniLmWeights from(OnnxModel model) {
        return from(model.graph(), MiniLmConfig.ALL_MINILM_L6_V2);
    }

    /** Maps {@code graph}, failing unless it is a BERT encoder of exactly the {@code expected} dimensions. */
    public static MiniLmWeights from(OnnxGraph graph, MiniLmConfig expected) {
        return new MiniLmGraphMatcher(graph, expected).match();
    }

    public MiniLmConfig config() {
        return config;
    }

    /** [vocab, hidden]. */
    public Param wordEmbeddings() {
        return wordEmbeddings;
    }

    /** [maxPositions, hidden]; row t is added at position t. */
    public Param positionEmbeddings() {
        return positionEmbeddings;
    }

    /** [typeVocab, hidden]. */
    public Param tokenTypeEmbeddings() {
        return tokenTypeEmbeddings;
    }

    public Param embeddingLnGamma() {
        return embeddingLnGamma;
    }

    public Param embeddingLnBeta() {
        return embeddingLnBeta;
    }

    public List<Layer> layers() {
        return layers;
    }

    public Layer layer(int i) {
        return layers.get(i);
    }

    /** ε read from the graph's LayerNorm pattern (1e-12 as float). */
    public double layerNormEps() {
        return layerNormEps;
    }

    /** Score scale read from the graph (the Div after Q·Kᵀ): 1/√32. */
    public double attentionScale() {
        return attentionScale;
    }

    /** All parameters: embeddings (5) then each layer's 16, in the order above. */
    public List<Param> all() {
        List<Param> r = new ArrayList<>(5 + 16 * layers.size());
        r.addAll(List.of(wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings, embeddingLnGamma, embeddingLnBeta));
        for (Layer l : layers) {
            r.addAll(l.params());
        }
        return r;
    }

    /** All parameters by HF-style name. */
    public Map<String, Param> byName() {
        Map<String, Param> m = new LinkedHashMap<>();
        for (Param p : all()) {
            m.put(p.name(), p);
        }
        return Collections.unmodifiableMap(m);
    }

    public long parameterCount() {
        long n = 0;
        for (Param p : all()) {
            n += p.numel();
        }
        return n;
    }
}
