package io.kuaxin.benchmarks.dispatch;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.OpContext;
import io.kuaxin.Ops;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.spi.ffm.NativeLibraryLocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Dispatch overhead: the same emulator entry point ({@code kuaxin_emu_noop} in the CUDA emulator) reached
 * (a) by a raw FFM downcall, (b) through the whole ops front door into a preallocated output, and (c) the same with
 * a fresh output tensor from the caching allocator, closed again. The C side ({@code native/bench/noop_caller.c})
 * is run by {@code benchmarks/run-dispatch.sh} beside this. Run with {@code -prof gc} to see bytes per op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class DispatchBench {
    private Kuaxin kx;
    private MethodHandle noop;
    private OpContext ops;
    private Tensor a, b, out;

    @Setup
    public void setup() {
        System.setProperty("kuaxin.emulate", "noop");
        var found = NativeLibraryLocator.locate(new NativeLibraryLocator.Request("noop", "runtime", List.of(),
                List.of(), List.of(), "cuda"));
        Path lib = found.path().orElseThrow(() -> new IllegalStateException("no emulator: " + found.searched()));
        NoopBackend backend = new NoopBackend(lib);
        noop = backend.noop();
        kx = Kuaxin.open(Kuaxin.Options.defaults().withProviders(List.of(backend)));
        Device dev = kx.device("noop");
        ops = Ops.on(dev.defaultStream());
        a = dev.empty(DType.F32, Shape.of(16));
        b = dev.empty(DType.F32, Shape.of(16));
        out = dev.empty(DType.F32, Shape.of(16));
    }

    @TearDown
    public void tearDown() {
        a.close();
        b.close();
        out.close();
        kx.close();
    }

    @Benchmark
    public int rawDowncall() throws Throwable {
        return (int) noop.invokeExact();
    }

    @Benchmark
    public Tensor frontDoorIntoOut() {
        return ops.add(a, b, out);
    }

    @Benchmark
    public void frontDoorNewOutput() {
        ops.add(a, b).close();
    }
}
