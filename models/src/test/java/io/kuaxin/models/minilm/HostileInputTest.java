package io.kuaxin.models.minilm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kuaxin.Device;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.models.text.BatchEncoding;
import io.kuaxin.models.text.Encoding;
import io.kuaxin.models.text.WordPieceTokenizer;

/**
 * What a user may type into {@code kuaxin demo}: long, empty, non-ASCII, emoji and control-character texts through
 * the tokenizer, Kuaxin's encoder and ONNX Runtime, and a long command line into ONNX Runtime's environment set-up.
 * Long texts are truncated (as HF tokenizers and sentence-transformers do), batches past the 512 positions refused.
 */
class HostileInputTest {
    private static final String LONG = String.join(" ", java.util.Collections.nCopies(300, "tokenization"));
    private static Arena arena;
    private static Kuaxin kx;
    private static WordPieceTokenizer tok;
    private static MiniLmEncoder enc;
    private static OrtEmbedder ort;

    @BeforeAll
    static void open() {
        arena = Arena.ofShared();
        kx = Kuaxin.open();
        var onnx = MiniLmArtifact.locate().readOnnx(arena);
        tok = MiniLmArtifact.locate().loadTokenizer();
        enc = new MiniLmEncoder(kx.device("cpu"), TestModel.weights(), Ops.withFallback(FallbackPolicy.FAIL));
        ort = new OrtEmbedder(onnx, 1);
    }

    @AfterAll
    static void close() {
        ort.close();
        Device cpu = enc.device();
        enc.close();
        cpu.synchronize();
        assertEquals(0, cpu.memoryStats().allocatedBytes(), "weights and activations freed");
        kx.close();
        arena.close();
    }

    @Test
    void awkwardTextsAgreeWithOnnxRuntime() {
        List<String> texts = List.of("", " \t\n ", "\u0000\u200b\ufffd", LONG, "x".repeat(5000),
                "Ünïcödé naïve café — Straße, Ελληνικά, русский", "東京タワーは高い。今天天气很好",
                "🙂🚀 emoji 👩‍👩‍👧 only 🇨🇳", "\uD800 lone surrogate \uDFFF", "[MASK] [CLS] [SEP] [PAD]");
        BatchEncoding batch = tok.encodeBatch(texts);
        assertTrue(batch.sequenceLength() <= tok.maxLength(), "truncated to the tokenizer's length");
        Encoding longEnc = tok.encode(LONG);
        assertTrue(longEnc.truncated(), "300 words truncated, not refused");
        assertEquals(tok.maxLength(), longEnc.length());
        float[][] ours = enc.embed(batch);
        float[][] ref = ort.embed(batch);
        for (int i = 0; i < texts.size(); i++) {
            double cos = cosine(ours[i], ref[i]);
            assertTrue(cos >= 0.99999, "text " + i + ": cosine " + cos);
            for (float v : ours[i]) assertTrue(Float.isFinite(v), "text " + i + ": finite embedding");
        }
    }

    @Test
    void fullModelLengthRunsAndLongerIsRefused() {
        WordPieceTokenizer full = tok.withMaxLength(512);
        BatchEncoding at512 = full.encodeBatch(List.of(LONG + " " + LONG));
        assertEquals(512, at512.sequenceLength());
        assertTrue(cosine(enc.embed(at512)[0], ort.embed(at512)[0]) >= 0.99999);

        BatchEncoding past = full.encodeBatch(List.of("short"), 513); // padded past the position table
        var e1 = assertThrows(IllegalArgumentException.class, () -> enc.embed(past));
        var e2 = assertThrows(IllegalArgumentException.class, () -> ort.embed(past));
        assertTrue(e1.getMessage().contains("512 positions"), e1.getMessage());
        assertTrue(e2.getMessage().contains("512 positions"), e2.getMessage());

        long[] ids = at512.inputIds().clone();
        ids[3] = 30522; // one past the vocabulary
        BatchEncoding badId = new BatchEncoding(1, 512, ids, at512.attentionMask(), at512.tokenTypeIds(),
                at512.lengths());
        assertThrows(IllegalArgumentException.class, () -> enc.embed(badId));
        assertThrows(IllegalArgumentException.class, () -> ort.embed(badId));
        // both still work afterwards
        BatchEncoding ok = tok.encodeBatch(List.of("still usable"));
        assertTrue(cosine(enc.embed(ok)[0], ort.embed(ok)[0]) >= 0.99999);
    }

    /** Fails before ORT ran on its own large-stack thread: the JVM died with SIGSEGV (exit 139). */
    @Test
    void longCommandLineDoesNotCrashOnnxRuntime() throws IOException, InterruptedException {
        String arg = String.join(" ", java.util.Collections.nCopies(2000, "tokenization")); // 26 KB
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList("--enable-native-access=ALL-UNNAMED", "-Xshare:auto"));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), OrtInSubprocess.class.getName(), arg));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "subprocess finished");
        assertEquals(0, p.exitValue(), "exit code (139 is SIGSEGV); output:\n" + out);
        assertTrue(out.contains("embedded 128 tokens, norm 1.000000"), out);
    }

    private static double cosine(float[] a, float[] b) {
        double d = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            d += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return d / Math.sqrt(na * nb);
    }
}
