package io.kuaxin.benchmarks.dispatch;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Matmul;
import io.kuaxin.OpContext;
import io.kuaxin.Ops;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.kernels.cpu.ops.ElementwiseKernels;
import io.kuaxin.kernels.cpu.ops.RowKernels;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.spi.TensorRef;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * The small ops of a short MiniLM forward on {@code cpu:0}: {@code add} on 1×384 f32 and a layer norm on 16×384
 * f32, through the ops front door (into a given output, and into a new output closed again) against the same CPU
 * kernel called directly on host memory of the same shape (the baseline: the op's arithmetic alone). The difference
 * is what dispatch costs per op on the CPU. The matmul (1×384 · 384×384 with a bias and a GELU epilogue, the
 * shape of one token through a MiniLM projection) and the attention (one head group of a 12-head, 16-token,
 * 32-wide self-attention) are there for the front door of multi-input ops with options, and the prepacked
 * residual matmul (16×384 · a prepacked 384×384 weight, bias, added into the residual in place) for the call MiniLM
 * makes most: their {@code -prof gc} bytes per op less the output's own objects are what dispatch leaves. Run with {@code -prof gc} to see bytes per op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "-Dkuaxin.cpu.threads=1"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class CpuOpBench {
    private static final int D = 384;
    private static final int ROWS = 16;
    private static final double EPS = 1e-12;

    private Kuaxin kx;
    private OpContext ops;
    private static final int HEADS = 12, LEN = 16, HEAD_DIM = 32;

    private Tensor a, b, out, x, gamma, beta, y;
    private Tensor w, bias, mm, q, k, v, packed, acc;
    private Matmul mmOptions, residual;
    private Arena arena;
    private TensorRef ra, rb, rout, rx, rgamma, rbeta, ry;
    private final NormAttrs norm = new NormAttrs(EPS, true, true);

    @Setup
    public void setup() {
        kx = Kuaxin.open();
        Device cpu = kx.device("cpu");
        ops = Ops.on(cpu.defaultStream());
        a = cpu.copyOf(fill(D, 1), Shape.of(1, D));
        b = cpu.copyOf(fill(D, 2), Shape.of(1, D));
        out = cpu.empty(DType.F32, Shape.of(1, D));
        x = cpu.copyOf(fill(ROWS * D, 3), Shape.of(ROWS, D));
        gamma = cpu.copyOf(fill(D, 4), Shape.of(D));
        beta = cpu.copyOf(fill(D, 5), Shape.of(D));
        y = cpu.empty(DType.F32, Shape.of(ROWS, D));
        w = cpu.copyOf(fill(D * D, 6), Shape.of(D, D));
        bias = cpu.copyOf(fill(D, 7), Shape.of(D));
        mm = cpu.empty(DType.F32, Shape.of(1, D));
        mmOptions = Matmul.options().bias(bias).epilogue(Epilogue.GELU_TANH);
        packed = ops.prepack(cpu.copyOf(fill(D * D, 6), Shape.of(D, D))); // prepack marks its tensor: not w
        acc = cpu.copyOf(fill(ROWS * D, 11), Shape.of(ROWS, D));
        residual = Matmul.options().bias(bias).accumulate(acc, 1f);
        q = cpu.copyOf(fill(HEADS * LEN * HEAD_DIM, 8), Shape.of(1, HEADS, LEN, HEAD_DIM));
        k = cpu.copyOf(fill(HEADS * LEN * HEAD_DIM, 9), Shape.of(1, HEADS, LEN, HEAD_DIM));
        v = cpu.copyOf(fill(HEADS * LEN * HEAD_DIM, 10), Shape.of(1, HEADS, LEN, HEAD_DIM));
        cpu.synchronize();

        arena = Arena.ofShared();
        ra = ref(fill(D, 1), 1, D);
        rb = ref(fill(D, 2), 1, D);
        rout = ref(new float[D], 1, D);
        rx = ref(fill(ROWS * D, 3), ROWS, D);
        rgamma = ref(fill(D, 4), D);
        rbeta = ref(fill(D, 5), D);
        ry = ref(new float[ROWS * D], ROWS, D);
    }

    private static float[] fill(int n, int seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = ((i * 31 + seed * 17) % 97) / 97f - 0.5f;
        return v;
    }

    private TensorRef ref(float[] data, long... shape) {
        MemorySegment s = arena.allocate((long) data.length * Float.BYTES, 64);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, s, 0, s.byteSize());
        long[] strides = new long[shape.length];
        long st = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = st;
            st *= shape[i];
        }
        return new TensorRef(s.address(), DType.F32, shape, strides);
    }

    @TearDown
    public void tearDown() {
        for (Tensor t : new Tensor[] {a, b, out, x, gamma, beta, y, packed, w, bias, mm, q, k, v, acc}) t.close();
        kx.close();
        arena.close();
    }

    @Benchmark
    public void addDirect() {
        ElementwiseKernels.binary(Op.ADD, ra, rb, rout);
    }

    @Benchmark
    public Tensor addIntoOut() {
        return ops.add(a, b, out);
    }

    @Benchmark
    public void addNewOutput() {
        ops.add(a, b).close();
    }

    @Benchmark
    public void layerNormDirect() {
        RowKernels.norm(true, rx, rgamma, rbeta, ry, norm);
    }

    @Benchmark
    public void layerNormNewOutput() {
        ops.layerNorm(x, gamma, beta, EPS).close();
    }

    @Benchmark
    public Tensor matmulIntoOut() {
        return ops.matmul(a, w, mmOptions, mm);
    }

    /** {@link #matmulIntoOut} with the weight prepacked: one row through Kuaxin's GEMM on the packed panels. */
    @Benchmark
    public Tensor matmulPackedIntoOut() {
        return ops.matmul(a, packed, mmOptions, mm);
    }

    /** A MiniLM residual projection: 16 tokens times a prepacked weight, plus bias, added into the residual. */
    @Benchmark
    public Tensor matmulPackedResidual() {
        return ops.matmul(x, packed, residual, acc);
    }

    @Benchmark
    public void matmulNewOutput() {
        ops.matmul(a, w, mmOptions).close();
    }

    @Benchmark
    public void attentionNewOutput() {
        ops.attention(q, k, v).close();
    }
}
