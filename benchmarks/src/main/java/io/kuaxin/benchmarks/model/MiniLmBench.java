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
 * against ONNX Runtime 1.29.0 on the same .onnx, in the same fork, same thread count. {@code input} is
 * batch x tokens. Each (input, threads) pair runs in its own forks, so the thread setting is read fresh.
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
