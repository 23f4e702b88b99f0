package io.kuaxin.benchmarks;

import io.kuaxin.kernels.cpu.Activation;
import io.kuaxin.kernels.cpu.CpuAttention;
import io.kuaxin.kernels.cpu.CpuGemm;
import io.kuaxin.DType;
import io.kuaxin.kernels.cpu.StridedTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** Quick tuning loop (not a benchmark of record: use JMH). Args: gemm|attn size [reps]. */
public final class Quick {
    public static void main(String[] args) {
        String what = args[0];
        int n = Integer.parseInt(args[1]);
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        Arena arena = Arena.ofShared();
        Runnable op;
        double flops;
        if (what.startsWith("gemm")) {
            MemorySegment a = BenchSupport.randomF32(arena, (long) n * n, 1), b = BenchSupport.randomF32(arena, (long) n * n, 2);
            MemorySegment c = arena.allocate((long) n * n * 4, 64);
            boolean bf = what.equals("gemmbf16");
            MemorySegment ab = bf ? BenchSupport.toBf16(arena, a) : a, bb = bf ? BenchSupport.toBf16(arena, b) : b;
            DType t = bf ? DType.BF16 : DType.F32;
            op = () -> CpuGemm.gemm(false, false, n, n, n, 1f, ab, t, 0, n, bb, t, 0, n, 0f, c, 0, n, null, 0, Activation.NONE);
            flops = 2.0 * n * n * n;
        } else {
            int h = 8, d = args.length > 3 ? Integer.parseInt(args[3]) : 64;
            int lq = what.equals("decode") ? 1 : n;
            StridedTensor q = StridedTensor.dense(BenchSupport.randomF32(arena, (long) h * lq * d, 1), DType.F32, 1, h, lq, d);
            StridedTensor k = StridedTensor.dense(BenchSupport.randomF32(arena, (long) h * n * d, 2), DType.F32, 1, h, n, d);
            StridedTensor v = StridedTensor.dense(BenchSupport.randomF32(arena, (long) h * n * d, 3), DType.F32, 1, h, n, d);
            StridedTensor o = StridedTensor.dense(arena.allocate((long) h * lq * d * 4), DType.F32, 1, h, lq, d);
            op = () -> CpuAttention.attention(q, k, v, o, 1, h, h, lq, n, d, 0.125f, true, null, null, null);
            flops = lq == 1 ? 4.0 * n * d * h : 2.0 * n * n * d * h;
        }
        double[] t = new double[reps];
        for (long w0 = System.nanoTime(); System.nanoTime() - w0 < 4_000_000_000L; ) op.run();
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            op.run();
            t[r] = (System.nanoTime() - t0) / 1e6;
        }
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long b0 = mx.getCurrentThreadAllocatedBytes();
        op.run();
        long alloc = mx.getCurrentThreadAllocatedBytes() - b0;
        Arrays.sort(t);
        double med = t[reps / 2];
        System.out.printf("%s n=%d: median %.3f ms, %.1f GFLOP/s (min %.3f ms, %.1f), caller allocated %d B/op%n", what, n, med, flops / med / 1e6, t[0], flops / t[0] / 1e6, alloc);
    }
}
