package io.kuaxin.collectives;

import io.kuaxin.Device;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.collectives.nccl.NcclCollectives;
import io.kuaxin.models.decoder.DecoderConfig;
import io.kuaxin.models.decoder.DecoderWeights;
import io.kuaxin.models.decoder.TensorParallelDecoder;
import io.kuaxin.models.decoder.TinyDecoder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The decoder split over two emulated CUDA devices in one process (NCCL emulator all-reduces; ops the emulated
 * device lacks fall back to the CPU), against the same decoder on one CPU device: logits within the TCK's fp32
 * tolerance at prefill and at every decode step.
 */
class TensorParallelTest {
    /** Small enough for a 2-core CI machine; 4 query / 2 KV heads so two ranks hold 2 / 1. */
    static final DecoderConfig TINY = new DecoderConfig(2, 128, 4, 2, 256, 256, 64, 10000, 1e-5, 20261204L);
    static final long[] PROMPT = {5, 17, 200, 3, 99, 42, 7, 128};
    static final int DECODE = 4;

    /** |a − e| ≤ 1e-4 · max(1, |e|): the TCK's fp32 tolerance (conformance HostReference.tolerance). */
    static void assertClose(float[] e, float[] a, String what) {
        assertEquals(e.length, a.length);
        for (int i = 0; i < e.length; i++) {
            if (Math.abs(e[i] - a[i]) > 1e-4 * Math.max(1, Math.abs(e[i]))) {
                fail(what + ": logit " + i + " expected " + e[i] + " but was " + a[i]);
            }
        }
    }

    static long argmax(float[] x) {
        int b = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[b]) b = i;
        return b;
    }

    /** Logits of the prompt, then of DECODE greedy steps, on one device. */
    static float[][] single(Device d, DecoderWeights w) {
        float[][] out = new float[DECODE + 1][];
        try (TinyDecoder dec = new TinyDecoder(d, w, Ops.withFallback(FallbackPolicy.ALLOW))) {
            out[0] = dec.step(PROMPT);
            for (int i = 1; i <= DECODE; i++) out[i] = dec.step(new long[] {argmax(out[i - 1])});
        }
        return out;
    }

    @Test
    void twoEmulatedAcceleratorsMatchOneCpu() {
        DecoderWeights w = DecoderWeights.generate(TINY);
        try (Kuaxin kx = Kuaxin.open()) {
            float[][] want = single(kx.device("cpu"), w);
            List<Device> devs = List.of(kx.device("cuda:0"), kx.device("cuda:1"));
            List<Communicator> cs = NcclCollectives.initAll(devs, Duration.ofSeconds(60));
            float[][][] got = new float[2][][];
            CompletableFuture<?>[] fs = new CompletableFuture<?>[2];
            for (int r = 0; r < 2; r++) {
                Communicator c = cs.get(r);
                int rank = r;
                fs[r] = CompletableFuture.runAsync(() -> {
                    Device d = c.device();
                    try (TensorParallelDecoder dec = new TensorParallelDecoder(d, w,
                            Ops.withFallback(FallbackPolicy.ALLOW), rank, 2,
                            t -> c.allReduce(t, t, ReduceOp.SUM, d.defaultStream()))) {
                        float[][] out = new float[DECODE + 1][];
                        out[0] = dec.step(PROMPT);
                        for (int i = 1; i <= DECODE; i++) out[i] = dec.step(new long[] {argmax(want[i - 1])});
                        got[rank] = out;
                    }
                }, task -> Thread.ofPlatform().start(task));
            }
            CompletableFuture.allOf(fs).join();
            for (int i = 0; i <= DECODE; i++) {
                assertClose(want[i], got[0][i], "rank 0 step " + i);
                assertArrayEquals(got[0][i], got[1][i], "both ranks hold the same activations, step " + i);
            }
            for (Communicator c : cs) c.close();
        }
    }
}
