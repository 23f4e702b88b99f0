package io.kuaxin.benchmarks.model;

import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.models.minilm.MiniLmArtifact;
import io.kuaxin.models.minilm.MiniLmEncoder;
import io.kuaxin.models.minilm.MiniLmWeights;
import io.kuaxin.models.onnx.OnnxReader;
import io.kuaxin.models.text.BatchEncoding;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Runs Kuaxin's MiniLM forward in a loop for a JFR recording (not a benchmark: no peer, no statistics):
 * {@code MiniLmProfile BxT threads seconds [out.jfr]}. Warms up for a third of the time, then records (JFR's
 * {@code profile} settings, warm-up and set-up excluded) and prints ms per forward. {@code profile.py} turns the
 * recording's execution samples into a per-op-kind table. The process CPU time per forward is printed too: on a host
 * shared with other work it moves far less than wall time (on 1 thread it is the forward's own cost plus GC).
 */
public final class MiniLmProfile {
    private MiniLmProfile() {}

    public static void main(String[] args) throws Exception {
        String[] bt = args[0].split("x");
        System.setProperty("kuaxin.cpu.threads", args[1]);
        double seconds = Double.parseDouble(args[2]);
        try (Arena arena = Arena.ofShared(); Kuaxin kx = Kuaxin.open()) {
            MemorySegment onnx = MiniLmArtifact.locate().readOnnx(arena);
            MiniLmWeights w = MiniLmWeights.from(OnnxReader.read(onnx));
            try (MiniLmEncoder enc = new MiniLmEncoder(kx.device("cpu"), w, Ops.withFallback(FallbackPolicy.FAIL))) {
                BatchEncoding batch = MiniLmPair.synthetic(Integer.parseInt(bt[0]), Integer.parseInt(bt[1]));
                long warm = System.nanoTime() + (long) (seconds / 3 * 1e9);
                while (System.nanoTime() < warm) enc.embed(batch);
                jdk.jfr.Recording rec = args.length > 3
                        ? new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile")) : null;
                if (rec != null) rec.start();
                var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime(), end = t0 + (long) (seconds * 2 / 3 * 1e9);
                int n = 0;
                while (System.nanoTime() < end || n == 0) {
                    enc.embed(batch);
                    n++;
                }
                if (rec != null) {
                    rec.stop();
                    rec.dump(java.nio.file.Path.of(args[3]));
                    rec.close();
                }
                long wall = System.nanoTime() - t0, cpu = os.getProcessCpuTime() - cpu0;
                System.out.printf("%s threads=%s: %.2f ms per forward over %d forwards, %.2f ms of process CPU time per"
                        + " forward%n", args[0], args[1], wall / 1e6 / n, n, cpu / 1e6 / n);
            }
        }
    }
}
