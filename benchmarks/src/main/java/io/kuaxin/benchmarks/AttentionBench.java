package io.kuaxin.benchmarks;

import io.kuaxin.kernels.cpu.Activation;
import io.kuaxin.kernels.cpu.CpuAttention;
import io.kuaxin.kernels.cpu.CpuGemm;
import io.kuaxin.kernels.cpu.CpuKernels;
import io.kuaxin.kernels.cpu.CpuThreads;
import io.kuaxin.DType;
import io.kuaxin.kernels.cpu.StridedTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Causal attention, batch 1, fp32, layout [1][H][S][d]. {@code mode=prefill}: S queries against S keys;
 * {@code mode=decode}: one query against a KV cache of S. {@code impl=flash}: {@link CpuAttention};
 * {@code impl=unfused}: full scores with our batched GEMM, a row softmax with the same vector primitives, then P·V
 * with our batched GEMM (O(H·S²) memory, no skipped blocks).
 * Useful FLOPs (report.py): prefill 2·S²·d·H (half of the 4·S²·d·H of full attention), decode 4·S·d·H.
 */
public class AttentionBench extends CpuKernelBench {
    @Param({"512", "1024", "2048", "4096"})
    public int s;

    @Param({"8", "32"})
    public int h;

    @Param({"64", "128"})
    public int d;

    @Param({"prefill", "decode"})
    public String mode;

    @Param({"flash", "unfused"})
    public String impl;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private int lq;
    private StridedTensor q, k, v, o;
    private MemorySegment qs, ks, vs, os, scores;
    private float[] scoreArray;
    private CpuKernels kern;
    private final SoftmaxRows softmax = new SoftmaxRows();

    @Setup(Level.Trial)
    public void setup() {
        BenchSupport.configureThreads(threads);
        arena = Arena.ofShared();
        lq = mode.equals("decode") ? 1 : s;
        qs = BenchSupport.randomF32(arena, (long) h * lq * d, 1);
        ks = BenchSupport.randomF32(arena, (long) h * s * d, 2);
        vs = BenchSupport.randomF32(arena, (long) h * s * d, 3);
        os = arena.allocate((long) h * lq * d * 4, 64);
        q = StridedTensor.dense(qs, DType.F32, 1, h, lq, d);
        k = StridedTensor.dense(ks, DType.F32, 1, h, s, d);
        v = StridedTensor.dense(vs, DType.F32, 1, h, s, d);
        o = StridedTensor.dense(os, DType.F32, 1, h, lq, d);
        if (impl.equals("unfused")) {
            scoreArray = new float[Math.toIntExact((long) h * lq * s)];
            scores = MemorySegment.ofArray(scoreArray);
        }
        kern = CpuKernels.instance();
        System.out.println("kernels " + kern.name() + ", threads " + CpuThreads.threads());
    }

    @TearDown(Level.Trial)
    public void tearDown() { arena.close(); }

    @Benchmark
    public void attention() {
        float scale = (float) (1 / Math.sqrt(d));
        if (impl.equals("flash")) {
            CpuAttention.attention(q, k, v, o, 1, h, h, lq, s, d, scale, true, null, null, null);
            return;
        }
        CpuGemm.gemmBatched(h, false, true, lq, s, d, scale, qs, DType.F32, 0, d, (long) lq * d,
                            ks, DType.F32, 0, d, (long) s * d, 0f, scores, 0, s, (long) lq * s, null, 0, Activation.NONE);
        softmax.rows = h * lq;
        CpuThreads.run(h * lq, 5L * h * lq * s, softmax);
        CpuGemm.gemmBatched(h, false, false, lq, d, s, 1f, scores, DType.F32, 0, s, (long) lq * s,
                            vs, DType.F32, 0, d, (long) s * d, 0f, os, 0, d, (long) lq * d, null, 0, Activation.NONE);
    }

    /** Causal row softmax over the full score matrix (masked entries set to 0 after normalising the visible ones). */
    private final class SoftmaxRows implements CpuThreads.Body {
        int rows;

        @Override
        public void run(int r) {
            int i = r % lq, off = r * s;
            int visible = i + (s - lq) + 1;
            float mx = kern.max(scoreArray, off, visible);
            float sum = kern.expSum(scoreArray, off, visible, mx);
            kern.scale(scoreArray, off, visible, 1f / sum);
            java.util.Arrays.fill(scoreArray, off + visible, off + s, 0f);
        }
    }
}
