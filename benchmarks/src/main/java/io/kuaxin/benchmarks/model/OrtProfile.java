package io.kuaxin.benchmarks.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.kuaxin.models.minilm.MiniLmArtifact;
import io.kuaxin.models.text.BatchEncoding;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.LongBuffer;
import java.util.Map;

/**
 * ONNX Runtime's own per-node profile of all-MiniLM-L6-v2 (not a benchmark: the peer's view of where its time goes):
 * {@code OrtProfile BxT intraOpThreads forwards outPrefix}. Warms up for as many forwards as it then profiles, then
 * prints the profile file ORT wrote; {@code ort_profile.py} sums its node events per op type, so a 1-thread and a
 * 2-thread run show which op kinds gain from the second thread.
 * ORT runs on a thread with a large native stack (ORT parses the command line recursively while it starts).
 */
public final class OrtProfile {
    private OrtProfile() {}

    public static void main(String[] args) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                run(args);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "ort-profile", 256L << 20);
        t.start();
        t.join();
        if (failure[0] != null) throw new IllegalStateException(failure[0]);
    }

    private static void run(String[] args) throws Exception {
        String[] bt = args[0].split("x");
        int threads = Integer.parseInt(args[1]), forwards = Integer.parseInt(args[2]);
        BatchEncoding batch = MiniLmPair.synthetic(Integer.parseInt(bt[0]), Integer.parseInt(bt[1]));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (Arena arena = Arena.ofShared(); OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            MemorySegment onnx = MiniLmArtifact.locate().readOnnx(arena);
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            try (OrtSession warm = env.createSession(onnx.asByteBuffer(), opts)) {
                for (int i = 0; i < forwards; i++) forward(env, warm, batch);
            }
            opts.enableProfiling(args[3]);
            try (OrtSession s = env.createSession(onnx.asByteBuffer(), opts)) {
                long t0 = System.nanoTime();
                for (int i = 0; i < forwards; i++) forward(env, s, batch);
                long wall = System.nanoTime() - t0;
                System.out.printf("%s intraOp=%d: %.2f ms per forward over %d forwards; profile %s%n", args[0], threads,
                        wall / 1e6 / forwards, forwards, s.endProfiling());
            }
        }
    }

    private static void forward(OrtEnvironment env, OrtSession s, BatchEncoding b) throws Exception {
        long[] shape = b.shape();
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(b.inputIds()), shape);
             OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(b.attentionMask()), shape);
             OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(b.tokenTypeIds()), shape);
             OrtSession.Result r = s.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            r.get(0);
        }
    }
}
