package io.kuaxin.benchmarks.model;

import io.kuaxin.Device;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.models.minilm.MiniLmArtifact;
import io.kuaxin.models.minilm.MiniLmEncoder;
import io.kuaxin.models.minilm.MiniLmWeights;
import io.kuaxin.models.minilm.OrtEmbedder;
import io.kuaxin.models.onnx.OnnxReader;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * all-MiniLM-L6-v2 on the CPU: Kuaxin's forward pass (weights read from the .onnx, every layer through Kuaxin ops)
 * against ONNX Runtime 1.29.0 on the same .onnx, same thread count, in one JMH run. {@code input} is batch x
 * tokens. Each benchmark and (input, threads) pair runs in forks of its own, so the thread setting is read fresh;
 * JMH runs every Kuaxin cell before any ORT cell, so on a drifting host run one cell at a time
 * ({@code -p input=… -p threads=…}) to keep a cell's two sides minutes, not a whole run, apart.
 * <p>After every iteration a fork prints one read of a 64 MB array ({@code memory read N GB/s}): on a shared host
 * a process can land in a slower memory mode for its whole life, and the weight-streaming GEMMs of a short
 * sentence feel it; the read tells such forks apart when Kuaxin's and ORT's forks of a cell disagree.
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

    private Arena arena;
    private Kuaxin kx;
    private MiniLmEncoder encoder;
    private OrtEmbedder ort;
    private BatchEncoding batch;
    private float[] probe;
    private double probeSink;

    @Setup
    public void setup() {
        System.setProperty("kuaxin.cpu.threads", Integer.toString(threads)); // before the CPU kernels initialise
        arena = Arena.ofShared();
        MiniLmArtifact artifact = MiniLmArtifact.locate();
        MemorySegment onnx = artifact.readOnnx(arena);
        MiniLmWeights w = MiniLmWeights.from(OnnxReader.read(onnx));
        kx = Kuaxin.open();
        Device cpu = kx.device("cpu");
        encoder = new MiniLmEncoder(cpu, w, Ops.withFallback(FallbackPolicy.FAIL));
        ort = new OrtEmbedder(onnx, threads);
        String[] bt = input.split("x");
        batch = synthetic(Integer.parseInt(bt[0]), Integer.parseInt(bt[1]));
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

    /** [CLS] ids... [SEP] with every token real (no padding), as the peer's published figures use. */
    static BatchEncoding synthetic(int b, int t) {
        long[] ids = new long[b * t], mask = new long[b * t], types = new long[b * t];
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            lengths[i] = t;
            for (int j = 0; j < t; j++) {
                ids[i * t + j] = j == 0 ? 101 : j == t - 1 ? 102 : 1000 + (i * 131 + j * 37) % 20000;
                mask[i * t + j] = 1;
            }
        }
        return new BatchEncoding(b, t, ids, mask, types, lengths);
    }

    @TearDown
    public void tearDown() {
        encoder.close();
        ort.close();
        kx.close();
        arena.close();
    }

    @Benchmark
    public float[][] kuaxin() { return encoder.embed(batch); }

    @Benchmark
    public float[][] onnxRuntime() { return ort.embed(batch); }
}
