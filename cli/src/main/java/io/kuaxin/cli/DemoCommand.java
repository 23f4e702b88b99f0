package io.kuaxin.cli;

import io.kuaxin.Device;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Provenance;
import io.kuaxin.models.minilm.DemoSentences;
import io.kuaxin.models.minilm.MiniLmArtifact;
import io.kuaxin.models.minilm.MiniLmEncoder;
import io.kuaxin.models.minilm.MiniLmWeights;
import io.kuaxin.models.minilm.OrtEmbedder;
import io.kuaxin.models.onnx.OnnxReader;
import io.kuaxin.models.text.BatchEncoding;
import io.kuaxin.models.text.WordPieceTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code kuaxin demo}: all-MiniLM-L6-v2 sentence embeddings computed by Kuaxin ops on a device, checked against ONNX
 * Runtime in the same process. {@code --decoder} runs the small decoder-only transformer instead.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Embed sentences with all-MiniLM-L6-v2 through Kuaxin ops on a device, show their similarity,",
                "and check every embedding and the speed against ONNX Runtime in the same process."})
final class DemoCommand implements Callable<Integer> {
    static final List<String> DEFAULT_SENTENCES = DemoSentences.PAIRS;

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions device;

    @Option(names = "--decoder", description = "Run the small decoder-only transformer (prefill + KV-cache decode).")
    boolean decoder;

    @Option(names = "--tensor-parallel", paramLabel = "DEVICES", description = {"Decoder: split it over these "
            + "devices (e.g. cuda:0,cuda:1) or, with mpi, over the MPI ranks' CPUs (mpirun -np 2 kuaxin ...)."})
    String tensorParallel;

    @Option(names = "--tokens", defaultValue = "32", description = "Decoder: tokens to generate (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--runs", defaultValue = "15", description = "Timed runs at least (each engine takes 3 turns of at least 0.7 s); the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--no-ort", description = "Skip the ONNX Runtime check.")
    boolean noOrt;

    @Parameters(arity = "0..*", paramLabel = "SENTENCE", description = "Sentences to embed besides the built-in ones.")
    List<String> extra = new ArrayList<>();

    @Override
    public Integer call() {
        if (runs < 1) throw new ParameterException(spec.commandLine(), "--runs must be at least 1, got " + runs);
        if (decoder && tensorParallel != null) {
            return new TensorParallelDemo(spec.commandLine(), device, tokens, tensorParallel).run();
        }
        if (decoder) return new DecoderDemo(spec.commandLine(), device, tokens).run();
        PrintWriter out = spec.commandLine().getOut();
        List<String> sentences = new ArrayList<>(DEFAULT_SENTENCES);
        sentences.addAll(extra);
        device.applyEmulation();
        Progress p = new Progress("loading all-MiniLM-L6-v2", 6);
        try (Arena arena = Arena.ofShared(); Kuaxin kx = Kuaxin.open(device.options())) {
            Device dev = device.pick(kx);
            MiniLmArtifact artifact = MiniLmArtifact.locate();
            MemorySegment onnx = artifact.readOnnx(arena);
            p.step("read " + (onnx.byteSize() >> 20) + " MiB .onnx");
            var model = OnnxReader.read(onnx);
            p.step("parsed graph");
            MiniLmWeights w = MiniLmWeights.from(model);
            p.step("mapped " + w.parameterCount() + " weights");
            WordPieceTokenizer tok = artifact.loadTokenizer();
            p.step("tokenizer");
            BatchEncoding batch = tok.encodeBatch(sentences);
            List<String> truncated = truncationNotes(tok, sentences);
            try (MiniLmEncoder enc = new MiniLmEncoder(dev, w, Ops.withFallback(device.fallback))) {
                p.step("weights on " + dev.id());
                int threads = Integer.getInteger("kuaxin.cpu.threads", Runtime.getRuntime().availableProcessors());
                try (OrtEmbedder ort = noOrt ? null : new OrtEmbedder(onnx, threads)) {
                    p.step(noOrt ? "no ONNX Runtime check" : "ONNX Runtime session (" + threads + " threads)");
                    report(out, kx, dev, enc, ort, batch, sentences);
                    truncated.forEach(out::println);
                    out.flush();
                }
            }
        }
        return 0;
    }

    /** Warm-up bounds (see {@link WarmUp}): at least 20 runs and this long, until the JIT is idle, at most the max. */
    private static final long WARM_UP_MIN_NANOS = 4_000_000_000L, WARM_UP_MAX_NANOS = 30_000_000_000L;
    /** Timed runs are split into this many turns per engine. */
    private static final int ROUNDS = 3;
    /** Each engine's turn lasts at least this long (and {@code --runs / ROUNDS} runs), at most TURN_MAX_RUNS runs. */
    private static final long TURN_NANOS = 700_000_000L;
    private static final int TURN_MAX_RUNS = 2000;

    private void report(PrintWriter out, Kuaxin kx, Device dev, MiniLmEncoder enc, OrtEmbedder ort,
                        BatchEncoding batch, List<String> sentences) {
        // Warm-up until C2 has compiled the kernels (WarmUp): timed runs then measure compiled code, as ONNX Runtime's
        // native code is from its first run. ONNX Runtime needs a few runs only.
        float[][] emb = enc.embed(batch);
        WarmUp.Result warm = WarmUp.run(() -> enc.embed(batch), 20, WARM_UP_MIN_NANOS, WARM_UP_MAX_NANOS);
        float[][] ref = null;
        if (ort != null) {
            ref = ort.embed(batch);
            for (int i = 0; i < 3; i++) ort.embed(batch);
        }
        dev.synchronize();
        dev.resetPeak();
        // Timed runs take turns in three rounds (Kuaxin's share, then ONNX Runtime's), so a change in the host's load
        // reaches both alike. Runs of one engine stay together: ONNX Runtime's threads spin after a run, and a
        // strict one-for-one alternation would charge that spinning to the next Kuaxin run.
        int perRound = (runs + ROUNDS - 1) / ROUNDS;
        long[] ours = new long[0], theirs = new long[0];
        for (int round = 0; round < ROUNDS; round++) {
            ours = concat(ours, turn(() -> enc.embed(batch), perRound));
            if (ort != null) theirs = concat(theirs, turn(() -> ort.embed(batch), perRound));
        }
        long peak = dev.memoryStats().peakAllocatedBytes();
        int realTokens = Arrays.stream(batch.lengths()).sum();
        double ms = median(ours) / 1e6;

        out.println();
        out.println("Device     " + dev + " - " + device.why(kx));
        out.println("Fallback   " + device.fallback + (device.fallback == FallbackPolicy.FAIL
                ? " (ops the device lacks fail; use --fallback warn to run them on cpu:0)" : ""));
        out.println("Batch      " + sentences.size() + " sentences, " + batch.sequenceLength() + " tokens padded ("
                + realTokens + " real)");
        out.println();
        out.println("Cosine similarity");
        Table sim = new Table(header(sentences.size()));
        for (int i = 0; i < emb.length; i++) {
            Object[] row = new Object[emb.length + 1];
            row[0] = "#" + (i + 1) + " " + shorten(sentences.get(i), 44);
            for (int j = 0; j < emb.length; j++) row[j + 1] = String.format("%.2f", dot(emb[i], emb[j]));
            sim.row(row);
        }
        sim.print(out);
        out.println();
        out.println("Nearest neighbour");
        for (int i = 0; i < emb.length; i++) {
            int best = -1;
            for (int j = 0; j < emb.length; j++) {
                if (j != i && (best < 0 || dot(emb[i], emb[j]) > dot(emb[i], emb[best]))) best = j;
            }
            out.printf("  #%d %-44s -> #%d %s (%.2f)%n", i + 1, shorten(sentences.get(i), 44), best + 1,
                    shorten(sentences.get(best), 44), dot(emb[i], emb[best]));
        }
        out.println();
        out.println("Provenance (device and kernel per op kind)");
        Table prov = new Table("OP", "DEVICE", "KERNEL", "FALLBACK");
        for (Map.Entry<String, Provenance> e : new java.util.TreeMap<>(enc.provenance()).entrySet()) {
            Provenance pv = e.getValue();
            prov.row(e.getKey(), pv.device(), pv.kernel(), pv.fallback() ? "yes" : "no");
        }
        prov.print(out);
        out.println();
        out.printf("Kuaxin     %.1f ms per batch (median of %d in %d turns with ONNX Runtime, after %d warm-up"
                + " runs in %.1f s%s),"
                + " %.0f tokens/s (real tokens),"
                + " peak device memory %s%n", ms, ours.length, ROUNDS, warm.runs(), warm.seconds(),
                warm.jitSettled() ? " until the JIT was idle" : ", JIT still compiling", realTokens / (ms / 1e3),
                Table.bytes(peak));
        if (ort != null) {
            double ortMs = median(theirs) / 1e6;
            double min = 1;
            for (int i = 0; i < emb.length; i++) min = Math.min(min, cosine(emb[i], ref[i]));
            out.printf("ORT        %.1f ms per batch (ONNX Runtime 1.29.0, %d threads)%n", ortMs, ort.intraOpThreads());
            out.printf("Check      min cosine to ONNX Runtime %.7f over %d embeddings (%s); speed %.2fx ONNX Runtime%n",
                    min, emb.length, min >= 0.99999 ? "OK, >= 0.99999" : "BELOW 0.99999", ortMs / ms);
            out.flush();
            if (min < 0.99999) throw new IllegalStateException("embeddings disagree with ONNX Runtime: min cosine " + min);
        }
        out.flush();
    }

    /**
     * Sentences longer than the tokenizer's length are truncated, as HF tokenizers and sentence-transformers do
     * (the model has 512 positions; this tokenizer keeps 128): one line each saying so.
     */
    static List<String> truncationNotes(WordPieceTokenizer tok, List<String> sentences) {
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            if (tok.encode(sentences.get(i)).truncated()) {
                notes.add("Note       #" + (i + 1) + " has " + tok.tokenize(sentences.get(i)).size()
                        + " word pieces; the tokenizer keeps the first " + (tok.maxLength() - 2)
                        + " (truncation at " + tok.maxLength() + " tokens, as sentence-transformers does)");
            }
        }
        return notes;
    }

    private static String[] header(int n) {
        String[] h = new String[n + 1];
        h[0] = "SENTENCE";
        for (int i = 0; i < n; i++) h[i + 1] = "#" + (i + 1);
        return h;
    }

    /**
     * One engine's turn: at least {@code minRuns} runs and {@link #TURN_NANOS} (a few runs alone would let one
     * hiccup of the host decide the median), at most {@link #TURN_MAX_RUNS}; the nanoseconds of each run.
     */
    static long[] turn(Runnable run, int minRuns) {
        long[] t = new long[Math.max(minRuns, 16)];
        long end = System.nanoTime() + TURN_NANOS;
        int n = 0;
        while (n < minRuns || (n < TURN_MAX_RUNS && System.nanoTime() < end)) {
            if (n == t.length) t = Arrays.copyOf(t, 2 * n);
            long t0 = System.nanoTime();
            run.run();
            t[n++] = System.nanoTime() - t0;
        }
        return Arrays.copyOf(t, n);
    }

    private static long[] concat(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static double median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2.0;
    }

    private static String shorten(String s, int n) { return s.length() <= n ? s : s.substring(0, n - 1) + "…"; }

    private static double dot(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) d += (double) a[i] * b[i];
        return d;
    }

    private static double cosine(float[] a, float[] b) { return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b)); }
}
