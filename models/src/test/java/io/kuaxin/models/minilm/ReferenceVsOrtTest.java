package io.kuaxin.models.minilm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kuaxin.models.text.BatchEncoding;

/**
 * The fp64 reference encoder (built only from {@link MiniLmWeights} and the tokenizer) against ONNX Runtime
 * running the same .onnx: validates the weight mapping, the tokenizer-to-input path and {@link OrtEmbedder}.
 */
class ReferenceVsOrtTest {
    private static OrtEmbedder ort;

    @BeforeAll
    static void session() {
        long t0 = System.nanoTime();
        ort = new OrtEmbedder(TestModel.bytes(), 1);
        System.out.printf("ORT session: %.0f ms%n", (System.nanoTime() - t0) / 1e6);
    }

    @AfterAll
    static void close() {
        ort.close();
    }

    private static double cosine(double[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static void compare(String what, BatchEncoding batch) {
        ReferenceEncoder ref = new ReferenceEncoder(TestModel.weights());
        long t0 = System.nanoTime();
        double[][][] hidden = ref.forward(batch);
        long t1 = System.nanoTime();
        float[] ortHidden = ort.lastHiddenState(batch);
        long t2 = System.nanoTime();
        int seq = batch.sequenceLength();
        int dim = 384;
        assertEquals(batch.batchSize() * seq * dim, ortHidden.length);
        double maxDiff = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int t = 0; t < seq; t++) {
                if (batch.attentionMask()[b * seq + t] == 0) {
                    continue; // pad rows are never pooled; ORT and fp64 may differ there
                }
                for (int h = 0; h < dim; h++) {
                    maxDiff = Math.max(maxDiff, Math.abs(hidden[b][t][h] - ortHidden[(b * seq + t) * dim + h]));
                }
            }
        }
        double[][] refEmb = ReferenceEncoder.meanPool(hidden, batch);
        float[][] ortEmb = OrtEmbedder.meanPoolNormalize(ortHidden, batch.attentionMask(), batch.batchSize(), seq, dim);
        double minCos = 1;
        for (int b = 0; b < batch.batchSize(); b++) {
            double c = cosine(refEmb[b], ortEmb[b]);
            minCos = Math.min(minCos, c);
            assertTrue(c >= 0.99999, what + " row " + b + ": cosine " + c);
        }
        System.out.printf("%s [%d x %d]: min cosine 1 - %.1e, max |hidden diff| %.2e, fp64 ref %.0f ms, ORT %.1f ms%n",
                what, batch.batchSize(), seq, 1 - minCos, maxDiff, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        assertTrue(maxDiff < 1e-4, what + ": max hidden-state difference " + maxDiff);
    }

    @Test
    void singleSentences() {
        for (String s : List.of("The quick brown fox jumps over the lazy dog.",
                "Café crème brûlée in Zürich, naïve résumé!",
                "机器学习是人工智能的一个分支")) {
            compare("'" + s + "'", TestModel.tokenizer().encodeBatch(List.of(s)));
        }
    }

    @Test
    void paddedBatchMatchesAndEqualsUnpadded() {
        List<String> texts = List.of(
                "Sentence embeddings map text to dense vectors for semantic search.",
                "hi",
                "The cat sat on the mat, and then it fell asleep in the warm afternoon sun.",
                "ONNX Runtime is the reference.");
        BatchEncoding batch = TestModel.tokenizer().encodeBatch(texts);
        compare("padded batch", batch);
        // A padded row's embedding must equal the same sentence run alone (masked mean, masked attention).
        float[][] padded = ort.embed(batch);
        for (int b = 0; b < texts.size(); b++) {
            float[] alone = ort.embed(TestModel.tokenizer().encodeBatch(List.of(texts.get(b))))[0];
            assertArrayEquals(alone, padded[b], 1e-5f, "row " + b);
        }
    }

    @Test
    void embeddingIsUnitLengthAndSemanticallySane() {
        float[][] e = ort.embed(TestModel.tokenizer().encodeBatch(List.of(
                "A man is playing a guitar.", "Someone plays an instrument.", "The stock market fell sharply today.")));
        double n = 0;
        for (float v : e[0]) {
            n += v * v;
        }
        assertEquals(1.0, n, 1e-5);
        double related = 0;
        double unrelated = 0;
        for (int i = 0; i < 384; i++) {
            related += e[0][i] * e[1][i];
            unrelated += e[0][i] * e[2][i];
        }
        assertTrue(related > unrelated + 0.2, "related " + related + " vs unrelated " + unrelated);
    }

    @Test
    void erfIsAccurate() {
        assertEquals(0.0, ReferenceEncoder.erf(0), 0);
        assertEquals(0.8427007929497149, ReferenceEncoder.erf(1), 1e-15);
        assertEquals(-0.9953222650189527, ReferenceEncoder.erf(-2), 1e-15);
        assertEquals(0.9999999845827421, ReferenceEncoder.erf(4), 1e-15);
        assertEquals(0.1124629160182849, ReferenceEncoder.erf(0.1), 1e-15);
    }
}
