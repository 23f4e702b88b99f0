package io.kuaxin.benchmarks;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * How the CPU kernel benchmarks run, in one place: average time in milliseconds, two forks with the Vector API and
 * native access, 8 one-second warm-ups, 5 one-second measurements. JMH's annotations are inherited, so a subclass
 * states only where it differs (e.g. {@link PeakProbe}'s shorter warm-up).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class CpuKernelBench {
}
