package io.kuaxin.kernels.cpu;

import io.kuaxin.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The CPU kernels' hot paths at small sizes, run often enough that the JIT compiles them: the child process of
 * {@link TierThreeCompileTest}. Shapes are chosen to reach every tile and landing: whole and partial panels, in-place
 * and packed A, transposed B with whole and partial 16×16 blocks, beta ≠ 0, batched heads, prepacked weights,
 * attention (prefill, causal, decode), and the element-wise, norm and softmax rows.
 */
final class TierThreeWorkload {
    private TierThreeWorkload() {}

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]);
        CpuKernels kern = CpuKernels.instance();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = random(arena, 64 * 1024, 1), b = random(arena, 64 * 1024, 2), c = random(arena, 64 * 1024, 3);
            MemorySegment bias = random(arena, 512, 4);
            MemorySegment aBf16 = arena.allocate(64 * 1024 * 2, 64);
            int[][] shapes = { // m, n, k
                {1, 8, 8}, {3, 40, 20}, {8, 8, 8}, {13, 13, 13}, {16, 16, 32}, {9, 33, 17}, {16, 300, 24},
                {40, 72, 48}, {130, 36, 20}};
            PackedB packed = PackedB.pack(false, 48, 300, b, DType.F32, 0, 300);
            int h = 2, d = 32;
            for (int r = 0; r < rounds; r++) {
                for (int[] s : shapes) {
                    int m = s[0], n = s[1], k = s[2];
                    for (boolean transB : new boolean[] {false, true}) {
                        float beta = (r & 1) == 0 ? 0f : 0.5f;
                        CpuGemm.gemm(false, transB, m, n, k, 1.5f, a, DType.F32, 0, k, b, DType.F32, 0, transB ? k : n,
                                beta, c, 0, n, (r & 2) == 0 ? null : bias, 0, Activation.values()[r % Activation.values().length]);
                    }
                    CpuGemm.gemm(true, false, m, n, k, 1f, a, DType.F32, 0, m, b, DType.F32, 0, n, 0f, c, 0, n, null, 0, Activation.NONE);
                    CpuGemm.gemm(false, false, m, n, k, 1f, aBf16, DType.BF16, 0, k, b, DType.F32, 0, n, 0f, c, 0, n, null, 0, Activation.NONE);
                }
                for (int sLen : new int[] {13, 16, 40}) {
                    CpuGemm.gemmBatched(6, false, true, sLen, sLen, d, 0.125f, a, DType.F32, 0, d, (long) sLen * d,
                            b, DType.F32, 0, d, (long) sLen * d, 0f, c, 0, sLen, (long) sLen * sLen, null, 0, Activation.NONE);
                    CpuGemm.gemmBatched(6, false, false, sLen, d, sLen, 1f, a, DType.F32, 0, sLen, (long) sLen * sLen,
                            b, DType.F32, 0, d, (long) sLen * d, 0f, c, 0, d, (long) sLen * d, null, 0, Activation.NONE);
                    StridedTensor q = StridedTensor.dense(a, DType.F32, 1, h, sLen, d);
                    StridedTensor kk = StridedTensor.dense(b, DType.F32, 1, h, sLen, d);
                    StridedTensor v = StridedTensor.dense(c, DType.F32, 1, h, sLen, d);
                    StridedTensor o = StridedTensor.dense(c.asSlice(32 * 1024 * 4), DType.F32, 1, h, sLen, d);
                    CpuAttention.attention(q, kk, v, o, 1, h, h, sLen, sLen, d, 0.125f, (r & 1) == 0, null, null, null);
                    CpuAttention.attention(q, kk, v, o, 1, h, h, 1, sLen, d, 0.125f, true, null, null, null);
                }
                CpuGemm.gemmPacked(2, false, 16, 300, 48, 1f, a, DType.F32, 0, 48, 16 * 48, packed, 0f, c, 0, 300, 16 * 300,
                        bias, 0, Activation.GELU_ERF);
                for (int n : new int[] {37, 100}) {
                    for (CpuKernels.Unary op : CpuKernels.Unary.values()) kern.unary(op, a, 0, c, 0, n);
                    for (CpuKernels.Binary op : CpuKernels.Binary.values()) kern.binary(op, a, 0, b, 0, c, 0, n);
                    kern.normRows(true, a, 0, c, 0, 3, n, bias, bias, 1e-5);
                    kern.normRows(false, a, 0, c, 0, 3, n, null, null, 1e-6);
                    kern.softmaxRows(a, 0, c, 0, 3, n);
                }
            }
        }
        System.out.println("workload done");
    }

    private static MemorySegment random(Arena arena, int n, long seed) {
        MemorySegment s = arena.allocate((long) n * 4, 64);
        java.util.Random rnd = new java.util.Random(seed);
        for (int i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, rnd.nextFloat() - 0.5f);
        return s;
    }
}
