package io.kuaxin.benchmarks.model;

import io.kuaxin.models.text.BatchEncoding;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * all-MiniLM-L6-v2 on the CPU, Kuaxin against ONNX Runtime 1.29 <b>in the same fork</b>: the benchmark of record for
 * the ratio. Both sides are opened in every fork ({@link MiniLmPair}); JMH's iterations take turns between them in
 * the order Kuaxin, ORT, ORT, Kuaxin, Kuaxin, ORT, … (warm-up included), so each consecutive pair of measured
 * iterations holds one of each and a drift in the host's speed does not favour the side that runs first.
 *
 * <p>Why not separate forks ({@link MiniLmBench}): this kind of shared host changes speed for tens of seconds at a
 * time, and such a phase can start in the middle of a fork (one Kuaxin fork at 1×128 on one thread ran 22.1, 22.1,
 * then 29.8, 30.1, 30.9 ms); forks minutes apart then compare different machines.
 *
 * <p>JMH's own summary line for {@code alternating} mixes both sides and means nothing. Run it through {@link #main},
 * which takes JMH's usual options ({@code -p input=1x128 -p threads=1 -f 2 -wi 16 -i 16 …}) and, after JMH's
 * output, prints per cell each side's median over its iterations (each an iteration's mean time per forward), the
 * ratio of the medians, and the median (p25–p75) over pairs of the pair's own ratio ORT / Kuaxin.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "-Xmx4g"})
@Warmup(iterations = 16, time = 2)
@Measurement(iterations = 16, time = 2)
public class MiniLmPairedBench {
    @Param({"1x16", "1x128", "32x128"})
    public String input;

    @Param({"1", "2"})
    public int threads;

    private MiniLmPair pair;
    private BatchEncoding batch;
    private int warmups, measured;
    private boolean kuaxinTurn;

    @Setup
    public void setup() {
        pair = MiniLmPair.open(threads);
        batch = pair.batch(input);
    }

    /** Picks this iteration's side, and says which in JMH's iteration line. */
    @Setup(Level.Iteration)
    public void turn(IterationParams iteration) {
        kuaxinTurn = kuaxinAt(iteration.getType() == IterationType.WARMUP ? warmups++ : measured++);
        System.out.print(kuaxinTurn ? "(kuaxin) " : "(ort)    ");
    }

    @TearDown
    public void tearDown() { pair.close(); }

    @Benchmark
    public float[][] alternating() { return kuaxinTurn ? pair.kuaxin.embed(batch) : pair.ort.embed(batch); }

    /** Whether iteration {@code j} (from 0, warm-up and measurement counted apart) is Kuaxin's: K O O K K O O K … */
    static boolean kuaxinAt(int j) { return ((j + j / 2) & 1) == 0; }

    /** Runs the benchmark with JMH's command-line options, then prints the paired table. */
    public static void main(String[] args) throws Exception {
        var options = new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(MiniLmPairedBench.class.getName() + ".alternating").build();
        Collection<RunResult> runs = new Runner(options).run();
        System.out.println();
        System.out.println("| input | threads | Kuaxin ms (median, n) | ORT ms (median, n) | ORT / Kuaxin | "
                + "per-pair ORT / Kuaxin: median (p25–p75), pairs |");
        System.out.println("|---|---|---|---|---|---|");
        for (RunResult run : runs) System.out.println(row(run));
    }

    /** One cell's line: the medians of each side's iterations over all forks, and the pairs' own ratios. */
    static String row(RunResult run) {
        List<Double> k = new ArrayList<>(), o = new ArrayList<>(), pairs = new ArrayList<>();
        for (BenchmarkResult fork : run.getBenchmarkResults()) {
            List<IterationResult> its = new ArrayList<>(fork.getIterationResults());
            for (int j = 0; j < its.size(); j++) {
                (kuaxinAt(j) ? k : o).add(its.get(j).getPrimaryResult().getScore());
            }
            for (int j = 0; j + 1 < its.size(); j += 2) {
                double a = its.get(j).getPrimaryResult().getScore(), b = its.get(j + 1).getPrimaryResult().getScore();
                pairs.add(kuaxinAt(j) ? b / a : a / b);
            }
        }
        Collections.sort(k);
        Collections.sort(o);
        Collections.sort(pairs);
        var p = run.getParams();
        return String.format("| %s | %s | %.2f (%d) | %.2f (%d) | **%.3f** | %.3f (%.3f–%.3f), %d |",
                p.getParam("input"), p.getParam("threads"), quantile(k, 0.5), k.size(), quantile(o, 0.5), o.size(),
                quantile(o, 0.5) / quantile(k, 0.5), quantile(pairs, 0.5), quantile(pairs, 0.25),
                quantile(pairs, 0.75), pairs.size());
    }

    /** Linear-interpolated quantile of a sorted list; NaN when it is empty. */
    static double quantile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) return Double.NaN;
        double at = q * (sorted.size() - 1);
        int lo = (int) Math.floor(at), hi = Math.min(lo + 1, sorted.size() - 1);
        return sorted.get(lo) + (at - lo) * (sorted.get(hi) - sorted.get(lo));
    }
}
