package io.kuaxin.benchmarks;

import io.kuaxin.kernels.cpu.FmaPeak;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FMA peak probe ({@link FmaPeak}, the one {@code kuaxin bench} uses too) under JMH, on {@code threads} threads
 * of the kernels' pool at once. Run in the same invocation as the kernels: a 2-thread figure near the 1-thread one
 * means the host had taken the second core. FLOPs per op = threads · {@link FmaPeak#flopsPerCall()}.
 */
@Warmup(iterations = 3, time = 1)
public class PeakProbe extends CpuKernelBench {
    @Param({"1", "2"})
    public int threads;

    @Benchmark
    public void probe() {
        FmaPeak.step(threads);
    }
}
