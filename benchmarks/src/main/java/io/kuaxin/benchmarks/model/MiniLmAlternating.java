package io.kuaxin.benchmarks.model;

import io.kuaxin.models.minilm.MiniLmEncoder;
import io.kuaxin.models.minilm.OrtEmbedder;
import io.kuaxin.models.text.BatchEncoding;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Steady-state ratio on a host whose speed drifts: Kuaxin's MiniLM forward and ONNX Runtime's in one JVM, warmed up
 * together for {@code warm-up} seconds (C2 needs 10-20 s for the kernels on 2 cores), then in alternating slices of
 * {@code -Dslice} seconds (default 1), {@code rounds} each; prints both medians, p10/p90 and ORT / Kuaxin, and the
 * median over rounds of each round's own ratio (ORT's slice median over Kuaxin's next to it): a host whose speed
 * drifts between rounds moves both slices of a round alike, so that figure is the steadier one.
 * {@code MiniLmAlternating BxT|demo threads warm-up rounds}; {@code demo} is the demo's 8 sentences (padded batch).
 * The first Kuaxin runs of each slice carry ONNX Runtime's spinning threads: read medians, not means.
 * The benchmark of record for the ratio is {@link MiniLmPairedBench} (JMH, the same alternation, same fork).
 */
public final class MiniLmAlternating {
    private MiniLmAlternating() {}

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[1]);
        double warm = Double.parseDouble(args[2]), slice = Double.parseDouble(System.getProperty("slice", "1"));
        int rounds = Integer.parseInt(args[3]);
        try (MiniLmPair pair = MiniLmPair.open(threads)) {
            MiniLmEncoder enc = pair.kuaxin;
            OrtEmbedder ort = pair.ort;
            BatchEncoding batch = pair.batch(args[0]);
            long end = System.nanoTime() + (long) (warm * 1e9);
            while (System.nanoTime() < end) {
                enc.embed(batch);
                ort.embed(batch);
            }
            List<Double> k = new ArrayList<>(), o = new ArrayList<>(), paired = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                List<Double> kr = new ArrayList<>(), or = new ArrayList<>();
                time(() -> enc.embed(batch), slice, kr);
                time(() -> ort.embed(batch), slice, or);
                k.addAll(kr);
                o.addAll(or);
                Collections.sort(kr);
                Collections.sort(or);
                paired.add(q(or, 0.5) / q(kr, 0.5));
            }
            Collections.sort(paired);
            Collections.sort(k);
            Collections.sort(o);
            System.out.printf("%s threads=%d: kuaxin %.2f ms (n=%d, p10 %.2f, p90 %.2f), ort %.2f ms (n=%d, p10 %.2f,"
                    + " p90 %.2f), ratio ort/kuaxin %.2f; per-round ratio median %.2f (p25 %.2f, p75 %.2f)%n", args[0],
                    threads, q(k, 0.5), k.size(), q(k, 0.1), q(k, 0.9), q(o, 0.5), o.size(), q(o, 0.1), q(o, 0.9),
                    q(o, 0.5) / q(k, 0.5), q(paired, 0.5), q(paired, 0.25), q(paired, 0.75));
        }
    }

    private static void time(Runnable run, double seconds, List<Double> into) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long t0 = System.nanoTime();
            run.run();
            into.add((System.nanoTime() - t0) / 1e6);
        } while (System.nanoTime() < end);
    }

    private static double q(List<Double> sorted, double p) { return sorted.get((int) (p * (sorted.size() - 1))); }
}
