package io.kuaxin.benchmarks.model;

import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.models.minilm.DemoSentences;
import io.kuaxin.models.minilm.MiniLmArtifact;
import io.kuaxin.models.minilm.MiniLmEncoder;
import io.kuaxin.models.minilm.MiniLmWeights;
import io.kuaxin.models.minilm.OrtEmbedder;
import io.kuaxin.models.onnx.OnnxReader;
import io.kuaxin.models.text.BatchEncoding;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The two sides every MiniLM comparison runs: Kuaxin's forward on {@code cpu:0} (weights read from the .onnx, every
 * layer through Kuaxin ops, no host fallback) and ONNX Runtime 1.29 on the same .onnx, both on the same thread count.
 *
 * <p>Owns the .onnx bytes, the Kuaxin runtime, the encoder and the ORT session; {@link #close} frees them all. Not
 * thread-safe: one benchmark thread drives it.
 */
final class MiniLmPair implements AutoCloseable {
    final MiniLmEncoder kuaxin;
    final OrtEmbedder ort;
    private final MiniLmArtifact artifact;
    private final Arena arena;
    private final Kuaxin kx;

    private MiniLmPair(MiniLmArtifact artifact, Arena arena, Kuaxin kx, MiniLmEncoder kuaxin, OrtEmbedder ort) {
        this.artifact = artifact;
        this.arena = arena;
        this.kx = kx;
        this.kuaxin = kuaxin;
        this.ort = ort;
    }

    /**
     * Opens both sides on {@code threads} threads. Sets {@code kuaxin.cpu.threads}, which the CPU kernels read once
     * when they first start: call it before anything in this JVM touches them.
     */
    static MiniLmPair open(int threads) {
        System.setProperty("kuaxin.cpu.threads", Integer.toString(threads));
        Arena arena = Arena.ofShared();
        Kuaxin kx = null;
        MiniLmEncoder encoder = null;
        try {
            MiniLmArtifact artifact = MiniLmArtifact.locate();
            MemorySegment onnx = artifact.readOnnx(arena);
            MiniLmWeights w = MiniLmWeights.from(OnnxReader.read(onnx));
            kx = Kuaxin.open();
            encoder = new MiniLmEncoder(kx.device("cpu"), w, Ops.withFallback(FallbackPolicy.FAIL));
            return new MiniLmPair(artifact, arena, kx, encoder, new OrtEmbedder(onnx, threads));
        } catch (RuntimeException | Error e) {
            if (encoder != null) encoder.close();
            if (kx != null) kx.close();
            arena.close();
            throw e;
        }
    }

    /**
     * {@code BxT} (B sequences of T tokens, every token real: [CLS] ids… [SEP], no padding, as the peer's published
     * figures use) or {@code demo} (the demo's eight sentences, tokenized, padded to the longest).
     */
    BatchEncoding batch(String input) {
        if (input.equals("demo")) return artifact.loadTokenizer().encodeBatch(DemoSentences.PAIRS);
        String[] bt = input.split("x");
        return synthetic(Integer.parseInt(bt[0]), Integer.parseInt(bt[1]));
    }

    /** B sequences of T real tokens each. */
    static BatchEncoding synthetic(int b, int t) {
        long[] ids = new long[b * t], mask = new long[b * t], types = new long[b * t];
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            lengths[i] = t;
            for (int j = 0; j < t; j++) {
                ids[i * t + j] = j == 0 ? 101 : j == t - 1 ? 102 : 1000 + (i * 131 + j * 37) % 20000;
                mask[i * t + j] = 1;
            }
        }
        return new BatchEncoding(b, t, ids, mask, types, lengths);
    }

    @Override
    public void close() {
        try (arena; kx; kuaxin; ort) {
            // closed in reverse: the ORT session, the encoder, the runtime, then the .onnx bytes both read from
        }
    }
}
