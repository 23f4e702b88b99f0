package io.kuaxin.benchmarks.model;

import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.models.minilm.MiniLmArtifact;
import io.kuaxin.models.minilm.MiniLmEncoder;
import io.kuaxin.models.minilm.MiniLmWeights;
import io.kuaxin.models.onnx.OnnxReader;
import io.kuaxin.models.text.BatchEncoding;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a forward's time moves within one JVM: Kuaxin's MiniLM forward in a loop, each run followed by two fixed
 * probes, reported per window: {@code MiniLmDrift BxT threads seconds [window-seconds]}. The probes are a dependent
 * fp64 chain (moves with the core's clock and its share of the core) and a 512-bit sum over 4 MB of a 256 MB array
 * (moves with the memory system: DRAM bandwidth and latency as other tenants leave them). Next to them: JIT time,
 * GC count and minor page faults, so that a change of the forward's time can be set against what else changed.
 * Not a benchmark (no peer); {@link MiniLmAlternating} gives the paired ratio and {@link MiniLmBench} the record.
 */
public final class MiniLmDrift {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int PROBE_FLOATS = 1 << 20, ARRAY_FLOATS = 64 << 20;

    private MiniLmDrift() {}

    public static void main(String[] args) throws Exception {
        String[] bt = args[0].split("x");
        System.setProperty("kuaxin.cpu.threads", args[1]);
        double seconds = Double.parseDouble(args[2]);
        long window = (long) (1e9 * (args.length > 3 ? Double.parseDouble(args[3]) : 2));
        float[] big = new float[ARRAY_FLOATS];
        for (int i = 0; i < big.length; i += 1024) big[i] = i;   // touch every page before timing
        try (Arena arena = Arena.ofShared(); Kuaxin kx = Kuaxin.open()) {
            MemorySegment onnx = MiniLmArtifact.locate().readOnnx(arena);
            MiniLmWeights w = MiniLmWeights.from(OnnxReader.read(onnx));
            try (MiniLmEncoder enc = new MiniLmEncoder(kx.device("cpu"), w, Ops.withFallback(FallbackPolicy.FAIL))) {
                BatchEncoding batch = MiniLmPair.synthetic(Integer.parseInt(bt[0]), Integer.parseInt(bt[1]));
                List<Double> fwd = new ArrayList<>(), mem = new ArrayList<>(), clock = new ArrayList<>();
                long start = System.nanoTime(), end = start + (long) (seconds * 1e9), next = start + window;
                int pos = 0;
                double sink = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    enc.embed(batch);
                    long t1 = System.nanoTime();
                    sink += sum(big, pos);
                    pos = (pos + PROBE_FLOATS) % ARRAY_FLOATS;
                    long t2 = System.nanoTime();
                    sink += chain();
                    long t3 = System.nanoTime();
                    fwd.add((t1 - t0) / 1e6);
                    mem.add((t2 - t1) / 1e3);
                    clock.add((t3 - t2) / 1e3);
                    if (t3 > next) {
                        System.out.printf("t=%5.1f s  forward median %.2f ms (p10 %.2f)  memory probe %.0f us  clock probe %.0f us"
                                        + "  jit %d ms  gcs %d  minor faults %d%n", (t3 - start) / 1e9, median(fwd),
                                quantile(fwd, 0.1), median(mem), median(clock),
                                ManagementFactory.getCompilationMXBean().getTotalCompilationTime(), gcs(), minorFaults());
                        fwd.clear();
                        mem.clear();
                        clock.clear();
                        next += window;
                    }
                }
                if (sink == 42) System.out.println();   // keeps the probes' results alive
            }
        }
    }

    private static double sum(float[] a, int from) {
        FloatVector x = FloatVector.zero(S), y = x;
        int step = 2 * S.length();
        for (int i = from; i < from + PROBE_FLOATS; i += step) {
            x = x.add(FloatVector.fromArray(S, a, i));
            y = y.add(FloatVector.fromArray(S, a, i + S.length()));
        }
        return x.add(y).reduceLanes(VectorOperators.ADD);
    }

    private static double chain() {
        double y = 0;
        for (int i = 0; i < 50_000; i++) y = y * 1.0001 + 1e-9;
        return y;
    }

    private static double median(List<Double> xs) { return quantile(xs, 0.5); }

    private static double quantile(List<Double> xs, double q) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get((int) (q * (s.size() - 1)));
    }

    private static long gcs() {
        long n = 0;
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) n += g.getCollectionCount();
        return n;
    }

    /** Minor page faults of this process so far (Linux {@code /proc/self/stat} field 10), -1 elsewhere. */
    private static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
        } catch (Exception e) {
            return -1;
        }
    }
}
