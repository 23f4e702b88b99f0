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

import java.util.concurrent.TimeUnit;

/**
 * all-MiniLM-L6-v2 on the CPU: Kuaxin's forward pass (weights read from the .onnx, every layer through Kuaxin ops)
 * and ONNX Runtime 1.29.0 on the same .onnx, same thread count, each in <b>forks of its own</b>. {@code input} is
 * batch x tokens. Use it for each side's own figures ({@code -prof gc} for Kuaxin's allocation per forward); the
 * ratio of record comes from {@link MiniLmPairedBench}, where both sides share each fork: JMH runs every Kuaxin cell
 * before any ORT cell, and this kind of shared host changes speed for tens of seconds at a time, so a ratio of
 * separate forks compares two different moments of the machine.
 * <p>After every iteration a fork prints one read of a 64 MB array ({@code memory read N GB/s}), so the iteration
 * lines show what the host's memory did meanwhile.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "-Xmx4g"})
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class MiniLmBench {
    @Param({"1x16", "1x128", "32x128"})
    public String input;

    @Param({"1", "2"})
    public int threads;

    private MiniLmPair pair;
    private BatchEncoding batch;
    private float[] probe;
    private double probeSink;

    @Setup
    public void setup() {
        pair = MiniLmPair.open(threads);
        batch = pair.batch(input);
        probe = new float[16 << 20];
        for (int i = 0; i < probe.length; i += 1024) probe[i] = i;   // every page touched before it is timed
    }

    /** One read of the 64 MB probe array between iterations (outside the timed region), printed in GB/s. */
    @TearDown(Level.Iteration)
    public void memoryProbe() {
        long t0 = System.nanoTime();
        // eight independent sums: the adds' latency must not be what is timed (four double sums read 10 GB/s)
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int i = 0; i < probe.length; i += 8) {
            s0 += probe[i];
            s1 += probe[i + 1];
            s2 += probe[i + 2];
            s3 += probe[i + 3];
            s4 += probe[i + 4];
            s5 += probe[i + 5];
            s6 += probe[i + 6];
            s7 += probe[i + 7];
        }
        long ns = System.nanoTime() - t0;
        probeSink += s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
        System.out.printf("(memory read %.1f GB/s) ", probe.length * 4.0 / ns);
    }

    @TearDown
    public void tearDown() { pair.close(); }

    @Benchmark
    public float[][] kuaxin() { return pair.kuaxin.embed(batch); }

    @Benchmark
    public float[][] onnxRuntime() { return pair.ort.embed(batch); }
}
