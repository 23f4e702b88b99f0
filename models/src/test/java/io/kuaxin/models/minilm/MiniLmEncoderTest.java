package io.kuaxin.models.minilm;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.models.text.BatchEncoding;
import io.kuaxin.models.text.WordPieceTokenizer;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Kuaxin's forward pass on the CPU backend against ONNX Runtime on the same .onnx, in one process. */
class MiniLmEncoderTest {
    @Test
    void embeddingsMatchOnnxRuntime() {
        MiniLmArtifact artifact = MiniLmArtifact.locate();
        List<String> sentences = List.of("The quick brown fox jumps over the lazy dog.",
                "A man is playing a guitar.", "今天天气很好", "Short.");
        try (Arena arena = Arena.ofShared(); Kuaxin kx = Kuaxin.open()) {
            var onnx = artifact.readOnnx(arena);
            MiniLmWeights w = MiniLmWeights.from(io.kuaxin.models.onnx.OnnxReader.read(onnx));
            WordPieceTokenizer tok = artifact.loadTokenizer();
            BatchEncoding batch = tok.encodeBatch(sentences); // padded: exercises the mask
            Device cpu = kx.device("cpu");
            float[][] ours;
            try (MiniLmEncoder enc = new MiniLmEncoder(cpu, w, Ops.withFallback(io.kuaxin.FallbackPolicy.FAIL))) {
                ours = enc.embed(batch);
                assertEquals("cpu:0", enc.provenance().get("matmul").device());
            }
            float[][] ref;
            try (OrtEmbedder ort = new OrtEmbedder(onnx, 1)) {
                ref = ort.embed(batch);
            }
            for (int i = 0; i < sentences.size(); i++) {
                double dot = 0, na = 0, nb = 0;
                for (int j = 0; j < ref[i].length; j++) {
                    dot += (double) ours[i][j] * ref[i][j];
                    na += (double) ours[i][j] * ours[i][j];
                    nb += (double) ref[i][j] * ref[i][j];
                }
                double cos = dot / Math.sqrt(na * nb);
                assertTrue(cos >= 0.99999, sentences.get(i) + ": cosine " + cos);
            }
            cpu.synchronize();
            assertEquals(0, cpu.memoryStats().allocatedBytes(), "every activation and weight was freed");
        }
    }

    /**
     * A forward leaves nothing behind: after the first call, device memory in use stays at the weights' size, for a
     * right-padded batch (the packed path) and for a mask with holes (the padded path). Intermediate tensors join the
     * weights' scope, so one left open would grow this with every call until the encoder closes.
     */
    @Test
    void repeatedForwardsHoldNoMemoryBeyondTheWeights() {
        MiniLmArtifact artifact = MiniLmArtifact.locate();
        try (Arena arena = Arena.ofShared(); Kuaxin kx = Kuaxin.open()) {
            MiniLmWeights w = MiniLmWeights.from(io.kuaxin.models.onnx.OnnxReader.read(artifact.readOnnx(arena)));
            BatchEncoding padded = artifact.loadTokenizer().encodeBatch(
                    List.of("The quick brown fox jumps over the lazy dog.", "Short.", "A man is playing a guitar."));
            long[] holes = padded.attentionMask().clone();
            holes[2] = 0; // a hole inside the first sentence: not right-padded, so the padded path runs
            BatchEncoding holed = new BatchEncoding(padded.batchSize(), padded.sequenceLength(), padded.inputIds(),
                    holes, padded.tokenTypeIds(), padded.lengths());
            Device cpu = kx.device("cpu");
            try (MiniLmEncoder enc = new MiniLmEncoder(cpu, w, Ops.withFallback(io.kuaxin.FallbackPolicy.FAIL))) {
                cpu.synchronize();
                long weights = cpu.memoryStats().allocatedBytes();
                for (BatchEncoding batch : List.of(padded, holed)) {
                    for (int i = 0; i < 3; i++) {
                        enc.embed(batch);
                        cpu.synchronize();
                        assertEquals(weights, cpu.memoryStats().allocatedBytes(),
                                "bytes in use after forward " + (i + 1) + " beyond the weights' " + weights);
                    }
                }
            }
        }
    }
}
