package io.kuaxin.models.minilm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import io.kuaxin.models.text.BatchEncoding;

/**
 * all-MiniLM-L6-v2 through ONNX Runtime: the demo's independent check of Kuaxin's own forward pass.
 * {@link #embed} applies what the graph leaves out: masked mean pooling over real tokens, then L2 normalisation.
 * Every ONNX Runtime call runs on one daemon thread with a large native stack (see {@link #ortStackBytes()}); callers
 * may use an embedder from several threads, the calls are serialised. {@link #close} it once.
 *
 * <p>Inputs longer than the model's 512 positions, or with ids outside the vocabulary, are
 * refused with {@link IllegalArgumentException} before ONNX Runtime sees them.
 */
public final class OrtEmbedder implements AutoCloseable {
    /**
     * ONNX Runtime 1.29 reads {@code /proc/self/cmdline} while it creates its environment and parses it recursively,
     * using about 256 bytes of native stack per byte of the command line: a 4 KB argument overflows the launcher's
     * 1 MiB main-thread stack and the JVM dies with SIGSEGV and no hs_err file (the signal handler has no stack left
     * either). ORT therefore runs only on this thread, whose stack is sized from the command line.
     */
    private static final ExecutorService ORT_THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(null, r, "kuaxin-onnxruntime", ortStackBytes());
        t.setDaemon(true);
        return t;
    });

    private final OrtEnvironment env;
    private final OrtSession session;
    private final int threads;
    private final int hidden;

    /**
     * Builds a session from the model bytes (any segment; it is copied into a direct buffer only if it is not
     * native). The bytes are needed only while this constructor runs.
     *
     * @param intraOpThreads ORT intra-op threads, set explicitly so timings are reproducible (≥ 1)
     */
    public OrtEmbedder(MemorySegment onnxBytes, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, is " + intraOpThreads);
        }
        this.threads = intraOpThreads;
        this.hidden = MiniLmConfig.ALL_MINILM_L6_V2.hidden();
        this.env = onOrtThread(OrtEnvironment::getEnvironment);
        this.session = onOrtThread(() -> {
            try (Arena tmp = Arena.ofConfined();
                 OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                MemorySegment bytes = onnxBytes;
                if (!bytes.isNative()) { // ORT's ByteBuffer overload needs a direct buffer
                    bytes = tmp.allocate(onnxBytes.byteSize(), 64).copyFrom(onnxBytes);
                }
                opts.setIntraOpNumThreads(intraOpThreads);
                opts.setInterOpNumThreads(1);
                opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                return env.createSession(bytes.asByteBuffer(), opts);
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime could not load all-MiniLM-L6-v2", e);
            }
        });
    }

    /**
     * The ONNX Runtime thread's stack: 1 KiB per byte of this process's command line (four times what ORT's parse
     * was measured to use), at least 64 MiB. It is address space reserved, not memory used: pages are touched only
     * as deep as the parse goes.
     */
    static long ortStackBytes() {
        long cmdline;
        try {
            cmdline = Files.size(Path.of("/proc/self/cmdline"));
            if (cmdline == 0) { // procfs reports 0; read it to know
                cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline")).length;
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            cmdline = 0; // not Linux: the parse that needs the stack does not happen there
        }
        return Math.max(64L << 20, cmdline << 10);
    }

    /** Runs {@code work} on the ONNX Runtime thread and waits; its unchecked exceptions are rethrown as they are. */
    private static <T> T onOrtThread(Callable<T> work) {
        Future<T> f = ORT_THREAD.submit(work);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // ORT calls cannot be abandoned halfway: wait, then restore the flag
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException("ONNX Runtime call failed", e.getCause());
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Reads the artifact's .onnx once (into a temporary native arena) and builds the session. */
    public static OrtEmbedder create(MiniLmArtifact artifact, int intraOpThreads) {
        try (Arena arena = Arena.ofConfined()) {
            return new OrtEmbedder(artifact.readOnnx(arena), intraOpThreads);
        }
    }

    public int intraOpThreads() {
        return threads;
    }

    /** ORT's {@code last_hidden_state}, row-major {@code [batch, seq, 384]}. */
    public float[] lastHiddenState(BatchEncoding batch) {
        MiniLmConfig.ALL_MINILM_L6_V2.checkInput(batch);
        return onOrtThread(() -> run(batch));
    }

    private float[] run(BatchEncoding batch) {
        long[] shape = batch.shape();
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.inputIds()), shape);
             OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask()), shape);
             OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.tokenTypeIds()), shape);
             OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                     "token_type_ids", types))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime inference failed", e);
        }
    }

    /** Sentence embeddings {@code [batch][384]}: masked mean of the last hidden state, L2-normalised. */
    public float[][] embed(BatchEncoding batch) {
        return meanPoolNormalize(lastHiddenState(batch), batch.attentionMask(), batch.batchSize(),
                batch.sequenceLength(), hidden);
    }

    /**
     * Mean over positions where {@code mask} is 1 (an unmasked mean over [PAD] rows would be wrong), then
     * divide by the L2 norm. Accumulates in double.
     */
    public static float[][] meanPoolNormalize(float[] hiddenStates, long[] mask, int batch, int seq, int hidden) {
        float[][] out = new float[batch][hidden];
        double[] acc = new double[hidden];
        for (int b = 0; b < batch; b++) {
            java.util.Arrays.fill(acc, 0);
            long n = 0;
            for (int t = 0; t < seq; t++) {
                if (mask[b * seq + t] == 0) {
                    continue;
                }
                n++;
                int base = (b * seq + t) * hidden;
                for (int h = 0; h < hidden; h++) {
                    acc[h] += hiddenStates[base + h];
                }
            }
            double norm = 0;
            for (int h = 0; h < hidden; h++) {
                acc[h] /= Math.max(n, 1);
                norm += acc[h] * acc[h];
            }
            double inv = 1.0 / Math.max(Math.sqrt(norm), 1e-12);
            for (int h = 0; h < hidden; h++) {
                out[b][h] = (float) (acc[h] * inv);
            }
        }
        return out;
    }

    @Override
    public void close() {
        onOrtThread(() -> {
            try {
                session.close();
                return null;
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
