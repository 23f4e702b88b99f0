package io.kuaxin.models.minilm;

import io.kuaxin.Device;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.models.onnx.OnnxReader;
import io.kuaxin.models.text.BatchEncoding;
import io.kuaxin.models.text.WordPieceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Batches whose rows differ a lot in length (the forward runs real tokens only) and masks that are not right
 * padding (the forward runs the padded batch with the additive mask), each against ONNX Runtime on the same .onnx.
 */
class MiniLmPaddingTest {
    private static Arena arena;
    private static MemorySegment onnx;
    private static MiniLmWeights weights;
    private static WordPieceTokenizer tok;

    @BeforeAll
    static void load() {
        MiniLmArtifact artifact = MiniLmArtifact.locate();
        arena = Arena.ofShared();
        onnx = artifact.readOnnx(arena);
        weights = MiniLmWeights.from(OnnxReader.read(onnx));
        tok = artifact.loadTokenizer();
    }

    @AfterAll
    static void unload() { arena.close(); }

    @Test
    void rowsOfVeryDifferentLengthsMatchOnnxRuntime() {
        // 512 tokens (the position table's length), 3, 2 ([CLS] [SEP] of an empty text), and two of one length
        // next to each other (they share an attention call)
        String longText = "word ".repeat(600);
        BatchEncoding batch = tok.withMaxLength(512).encodeBatch(List.of(longText, "Hi", "", "Hi", "Yo"));
        assertArrayEquals(new int[] {512, 3, 2, 3, 3}, batch.lengths());
        assertArrayEquals(batch.lengths(), MiniLmEncoder.promptLengths(batch));
        compare(batch);
    }

    @Test
    void moreSentencesThanOnePoolingGroupMatchOnnxRuntime() {
        // 150 sentences: the packed forward pools them in groups of 64, so this crosses two group boundaries with
        // rows of varying length on each side
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) many.add("sentence " + i + " has " + "some words ".repeat(i % 7));
        compare(tok.encodeBatch(many));
    }

    @Test
    void oneTokenRowsMatchOnnxRuntime() {
        long cls = tok.encode("").id(0);
        // row 0: [CLS] alone; row 1: [CLS] and four padding positions; row 2: five real tokens
        RowBatch e = new RowBatch(3, 5);
        e.row(0, new long[] {cls, 0, 0, 0, 0}, 1);
        e.row(1, new long[] {cls, 0, 0, 0, 0}, 1);
        int[] five = tok.encode("a b c").ids();
        e.row(2, new long[] {five[0], five[1], five[2], five[3], five[4]}, 5);
        BatchEncoding batch = e.build();
        assertArrayEquals(new int[] {1, 1, 5}, MiniLmEncoder.promptLengths(batch));
        compare(batch);
    }

    @Test
    void aMaskWithHolesRunsPaddedAndMatchesOnnxRuntime() {
        BatchEncoding dense = tok.encodeBatch(List.of("The quick brown fox jumps over the lazy dog.", "A man."));
        long[] mask = dense.attentionMask().clone();
        mask[2] = 0; // a hole inside row 0
        mask[4] = 0;
        BatchEncoding holes = new BatchEncoding(dense.batchSize(), dense.sequenceLength(), dense.inputIds(), mask,
                dense.tokenTypeIds(), dense.lengths());
        assertNull(MiniLmEncoder.promptLengths(holes));
        compare(holes);
    }

    @Test
    void promptLengthsRejectsLeftPaddingAndEmptyRows() {
        long[] ids = new long[6], types = new long[6];
        assertNull(MiniLmEncoder.promptLengths(new BatchEncoding(2, 3, ids, new long[] {0, 1, 1, 1, 1, 1}, types,
                new int[] {2, 3})), "left padding");
        assertNull(MiniLmEncoder.promptLengths(new BatchEncoding(2, 3, ids, new long[] {0, 0, 0, 1, 1, 1}, types,
                new int[] {0, 3})), "a row without tokens");
        assertArrayEquals(new int[] {1, 3}, MiniLmEncoder.promptLengths(new BatchEncoding(2, 3, ids,
                new long[] {1, 0, 0, 1, 1, 1}, types, new int[] {1, 3})));
    }

    /** Kuaxin on cpu against ONNX Runtime: cosine ≥ 0.99999 and every dimension within 1e-4 per embedding. */
    private static void compare(BatchEncoding batch) {
        float[][] ours, ref;
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            try (MiniLmEncoder enc = new MiniLmEncoder(cpu, weights, Ops.withFallback(FallbackPolicy.FAIL))) {
                ours = enc.embed(batch);
            }
            cpu.synchronize();
            assertEquals(0, cpu.memoryStats().allocatedBytes(), "every activation and weight was freed");
        }
        try (OrtEmbedder ort = new OrtEmbedder(onnx, 1)) {
            ref = ort.embed(batch);
        }
        for (int i = 0; i < ref.length; i++) {
            double dot = 0, na = 0, nb = 0, maxDiff = 0;
            for (int j = 0; j < ref[i].length; j++) {
                dot += (double) ours[i][j] * ref[i][j];
                na += (double) ours[i][j] * ours[i][j];
                nb += (double) ref[i][j] * ref[i][j];
                maxDiff = Math.max(maxDiff, Math.abs(ours[i][j] - ref[i][j]));
            }
            double cos = dot / Math.sqrt(na * nb);
            assertTrue(cos >= 0.99999, "row " + i + ": cosine " + cos);
            assertTrue(maxDiff <= 1e-4, "row " + i + ": max per-dimension difference " + maxDiff);
        }
    }

    /** Builds a right-padded batch row by row (ids beyond a row's length are padding, mask 0). */
    private record RowBatch(int b, int t, long[] ids, long[] mask, int[] lens) {
        RowBatch(int b, int t) { this(b, t, new long[b * t], new long[b * t], new int[b]); }

        void row(int i, long[] rowIds, int len) {
            System.arraycopy(rowIds, 0, ids, i * t, t);
            for (int j = 0; j < len; j++) mask[i * t + j] = 1;
            lens[i] = len;
        }

        BatchEncoding build() { return new BatchEncoding(b, t, ids, mask, new long[b * t], lens); }
    }
}
