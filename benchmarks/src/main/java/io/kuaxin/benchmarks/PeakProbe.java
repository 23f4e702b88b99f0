package io.kuaxin.benchmarks;

import java.util.concurrent.TimeUnit;
import io.kuaxin.kernels.cpu.FmaPeak;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FMA peak probe ({@link FmaPeak}, the one {@code kuaxin bench} uses too) under JMH, on {@code threads} threads
 * of the kernels' pool at once. Run in the same invocation as the kernels: a 2-thread figure near the 1-thread one
 * means the host had taken the second core. FLOPs per op = threads · {@link FmaPeak#flopsPerCall()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PeakProbe {
    @Param({"1", "2"})
    public int threads;

    @Benchmark
    public void probe() {
        FmaPeak.step(threads);
    }
}
