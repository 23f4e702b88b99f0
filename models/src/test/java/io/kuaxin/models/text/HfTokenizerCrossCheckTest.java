package io.kuaxin.models.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import io.kuaxin.models.minilm.MiniLmArtifact;
import io.kuaxin.models.minilm.TestModel;

/**
 * Compares {@link WordPieceTokenizer} with the Hugging Face tokenizers library (Rust, via DJL's JNI build shipped
 * in its jar; works offline) on the same tokenizer.json.
 */
class HfTokenizerCrossCheckTest {

    private static HuggingFaceTokenizer hf(int maxLength) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        // Keep DJL's extracted native library under target/, not in the user's home.
        System.setProperty("DJL_CACHE_DIR", Path.of("target", "djl-cache").toAbsolutePath().toString());
        try (InputStream in = MiniLmArtifact.locate().openTokenizer()) {
            return HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false", "truncation", "true",
                    "maxLength", Integer.toString(maxLength)));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            Assumptions.abort("HF tokenizers native library unavailable offline: " + e);
            throw e;
        }
    }

    @Test
    void sameIdsAsHuggingFaceOnVariedSentences() throws Exception {
        for (int maxLength : new int[] {128, 512}) {
            WordPieceTokenizer ours = TestModel.tokenizer().withMaxLength(maxLength);
            List<String> mismatches = new ArrayList<>();
            try (HuggingFaceTokenizer ref = hf(maxLength)) {
                for (String s : Sentences.ALL) {
                    ai.djl.huggingface.tokenizers.Encoding e = ref.encode(s);
                    int[] expected = Arrays.stream(e.getIds()).mapToInt(Math::toIntExact).toArray();
                    int[] actual = ours.encode(s).ids();
                    if (!Arrays.equals(expected, actual)) {
                        mismatches.add(s + "\n  hf:   " + Arrays.toString(e.getTokens()) + "\n  ours: "
                                + ours.encode(s).tokens());
                    }
                }
            }
            assertEquals(List.of(), mismatches, "maxLength " + maxLength);
        }
        System.out.println("HF cross-check: " + Sentences.ALL.size() + " sentences identical at maxLength 128 and 512");
    }

    @Test
    void batchMatchesHuggingFacePaddedBatch() throws Exception {
        List<String> batch = Sentences.ALL.subList(0, 8);
        BatchEncoding ours = TestModel.tokenizer().encodeBatch(batch);
        try (HuggingFaceTokenizer ref = hf(128)) {
            ai.djl.huggingface.tokenizers.Encoding[] es = ref.batchEncode(batch);
            for (int b = 0; b < batch.size(); b++) {
                long[] ids = es[b].getIds();
                long[] mask = es[b].getAttentionMask();
                long[] types = es[b].getTypeIds();
                for (int t = 0; t < ours.sequenceLength(); t++) {
                    long id = t < ids.length ? ids[t] : 0;
                    long m = t < mask.length ? mask[t] : 0;
                    long ty = t < types.length ? types[t] : 0;
                    assertEquals(id, ours.inputId(b, t), "row " + b + " pos " + t);
                    assertEquals(m, ours.mask(b, t), "mask row " + b + " pos " + t);
                    assertEquals(ty, ours.tokenTypeIds()[b * ours.sequenceLength() + t]);
                }
            }
            assertArrayEquals(Arrays.stream(es).mapToInt(e -> (int) Arrays.stream(e.getAttentionMask()).sum()).toArray(),
                    ours.lengths());
        }
    }
}
