package io.kuaxin.models.minilm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.kuaxin.models.onnx.OnnxModel;
import io.kuaxin.models.onnx.OnnxReader;
import io.kuaxin.models.text.WordPieceTokenizer;

/** Loads the real model once per test JVM (inflating 90 MB from the jar takes ~1 s). */
public final class TestModel {
    private static MemorySegment bytes;
    private static OnnxModel model;
    private static MiniLmWeights weights;
    private static WordPieceTokenizer tokenizer;
    public static long readNanos;
    public static long parseNanos;

    private TestModel() {
    }

    public static synchronized MemorySegment bytes() {
        if (bytes == null) {
            long t0 = System.nanoTime();
            bytes = MiniLmArtifact.locate().readOnnx(Arena.global()); // lives for the test JVM
            readNanos = System.nanoTime() - t0;
        }
        return bytes;
    }

    public static synchronized OnnxModel model() {
        if (model == null) {
            MemorySegment b = bytes();
            long t0 = System.nanoTime();
            model = OnnxReader.read(b);
            parseNanos = System.nanoTime() - t0;
        }
        return model;
    }

    public static synchronized MiniLmWeights weights() {
        if (weights == null) {
            weights = MiniLmWeights.from(model());
        }
        return weights;
    }

    public static synchronized WordPieceTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = MiniLmArtifact.locate().loadTokenizer();
        }
        return tokenizer;
    }
}
