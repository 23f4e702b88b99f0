package io.kuaxin.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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

/**
 * FMA peak probe: 12 independent FMA chains per thread on {@code threads} threads at once. Run in the same
 * invocation as the kernels: a 2-thread figure near the 1-thread one means the host had taken the second core.
 * FLOPs per op = threads · ITER · 12 · lanes · 2.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PeakProbe {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final int ITER = 200_000;

    @Param({"1", "2"})
    public int threads;

    private Thread[] helpers;
    private volatile CountDownLatch start, done;
    private volatile boolean stop;
    public static volatile float sink;

    @Setup(Level.Trial)
    public void setup() {
        helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Thread(() -> {
                while (!stop) {
                    try {
                        CountDownLatch s = start;
                        if (s == null || !s.await(10, TimeUnit.MILLISECONDS)) continue;
                        CountDownLatch d = done;
                        start = null;
                        sink = chains();
                        d.countDown();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() { stop = true; }

    @Benchmark
    public float probe() throws InterruptedException {
        if (threads > 1) {
            done = new CountDownLatch(threads - 1);
            start = new CountDownLatch(0);
        }
        float r = chains();
        if (threads > 1) done.await();
        return r;
    }

    static volatile float xv = 0.999999f, yv = 1e-7f;

    public static float chains() {
        // Operands come from volatile fields so that C2 cannot treat them as constants.
        FloatVector x = FloatVector.broadcast(S, xv), y = FloatVector.broadcast(S, yv);
        FloatVector a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (int i = 0; i < ITER; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
