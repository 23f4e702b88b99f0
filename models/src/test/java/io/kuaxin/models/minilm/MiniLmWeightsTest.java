package io.kuaxin.models.minilm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kuaxin.models.onnx.OnnxGraph;
import io.kuaxin.models.onnx.OnnxReader;

class MiniLmWeightsTest {

    @Test
    void shapesAndCounts() {
        MiniLmWeights w = TestModel.weights();
        assertEquals(6, w.layers().size());
        assertEquals(5 + 16 * 6, w.all().size());
        assertEquals(22_565_376L, w.parameterCount());
        assertArrayEquals(new int[] {30522, 384}, w.wordEmbeddings().shape());
        assertArrayEquals(new int[] {512, 384}, w.positionEmbeddings().shape());
        assertArrayEquals(new int[] {2, 384}, w.tokenTypeEmbeddings().shape());
        for (MiniLmWeights.Layer l : w.layers()) {
            assertArrayEquals(new int[] {384, 384}, l.query().shape());
            assertArrayEquals(new int[] {384, 1536}, l.ffnIn().shape());
            assertArrayEquals(new int[] {1536, 384}, l.ffnOut().shape());
            assertArrayEquals(new int[] {1536}, l.ffnInBias().shape());
            assertEquals(384 * 384, l.attentionOutput().data().length);
        }
        assertEquals(1e-12, w.layerNormEps(), 1e-18);
        assertEquals(1 / Math.sqrt(32), w.attentionScale(), 1e-7);
        // every initializer except the int64 position_ids is used exactly once
        Set<String> used = new HashSet<>();
        for (MiniLmWeights.Param p : w.all()) {
            assertTrue(used.add(p.onnxName()), "used twice: " + p.onnxName());
        }
        assertEquals(101, used.size());
    }

    @Test
    void namedInitializersLandWhereTheirNamesSay() {
        // The mapping never reads names; where the exporter kept them (biases, LayerNorms, embeddings) they must agree.
        for (MiniLmWeights.Param p : TestModel.weights().all()) {
            if (!p.onnxName().startsWith("onnx::")) {
                assertEquals(p.name(), p.onnxName());
            }
        }
        Map<String, MiniLmWeights.Param> byName = TestModel.weights().byName();
        assertEquals("onnx::MatMul_787", byName.get("encoder.layer.0.attention.self.query.weight").onnxName());
        assertEquals("onnx::MatMul_791", byName.get("encoder.layer.0.attention.self.value.weight").onnxName());
        assertEquals("onnx::MatMul_864", byName.get("encoder.layer.5.output.dense.weight").onnxName());
        assertSame(TestModel.weights().layer(3).key(), byName.get("encoder.layer.3.attention.self.key.weight"));
    }

    @Test
    void layoutIsInOut() {
        // x·W must use W[in][out]: row k of the [384,1536] FFN-in weight is contiguous 1536 floats.
        MiniLmWeights.Param ffnIn = TestModel.weights().layer(0).ffnIn();
        float[] raw = TestModel.model().graph().initializer(ffnIn.onnxName()).toFloatArray();
        assertArrayEquals(raw, ffnIn.data());
    }

    @Test
    void wrongShapesFailClearly() {
        OnnxGraph g = TestModel.model().graph();
        IllegalArgumentException layers = assertThrows(IllegalArgumentException.class,
                () -> MiniLmWeights.from(g, new MiniLmConfig(12, 384, 12, 1536, 30522, 512, 2, 1e-12)));
        assertTrue(layers.getMessage().contains("expected 25 LayerNorms"), layers.getMessage());

        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class,
                () -> MiniLmWeights.from(g, new MiniLmConfig(6, 384, 16, 1536, 30522, 512, 2, 1e-12)));
        assertTrue(heads.getMessage().contains("attention scores scaled by"), heads.getMessage());

        IllegalArgumentException hidden = assertThrows(IllegalArgumentException.class,
                () -> MiniLmWeights.from(g, new MiniLmConfig(6, 768, 12, 3072, 30522, 512, 2, 1e-12)));
        assertTrue(hidden.getMessage().contains("word_embeddings") && hidden.getMessage().contains("[30522, 384]"),
                hidden.getMessage());
    }

    @Test
    void nonBertGraphFailsClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MiniLmWeights.from(OnnxReader.read(new byte[] {0x3A, 0x00}))); // ModelProto with an empty graph
        assertTrue(e.getMessage().contains("input_ids"), e.getMessage());
    }
}
