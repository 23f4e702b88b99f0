package io.kuaxin.benchmarks;

import io.kuaxin.kernels.cpu.Activation;
import io.kuaxin.kernels.cpu.CpuAttention;
import io.kuaxin.kernels.cpu.CpuGemm;
import io.kuaxin.kernels.cpu.CpuKernels;
import io.kuaxin.kernels.cpu.CpuThreads;
import io.kuaxin.kernels.cpu.FmaPeak;
import io.kuaxin.kernels.cpu.PackedB;
import io.kuaxin.DType;
import io.kuaxin.kernels.cpu.StridedTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Ratios on a noisy host: the contenders run in alternating short slices inside one JVM (after a long warm-up),
 * each slice preceded by a peak probe on the same thread count, so every ratio compares neighbours in time.
 * Slices whose probe reads below {@code gate} of the nominal peak are dropped (the host took a core).
 * Usage: {@code Interleaved gemm|attn|minilm|heads|single threads rounds [size...]}; {@code minilm} takes M values (tokens ×
 * batch) and runs MiniLM's four projection shapes (K×N = 384×1152, 384×384, 384×1536, 1536×384) with B packed once,
 * as the forward does; {@code heads} takes sequence lengths S and runs MiniLM's per-head products (12 heads,
 * D = 32) as batched calls; {@code single} takes S and runs one head's Q·Kᵀ and P·V and an S×384 · 384×384
 * product (B not packed beforehand) as unbatched calls. {@code -Dgate=0.85} is the fraction of the nominal peak a slice's probe must reach ({@code 0}
 * keeps every slice, for a host shared with other work). JMH remains the benchmark of record.
 * For 2 threads, run with {@code OPENBLAS_THREAD_TIMEOUT=4} so OpenBLAS's idle threads stop spinning quickly.
 */
public final class Interleaved {
    private static final double GATE = Double.parseDouble(System.getProperty("gate", "0.85"));

    public static void main(String[] args) {
        String what = args[0];
        int threads = Integer.parseInt(args[1]), rounds = Integer.parseInt(args[2]);
        System.setProperty("kuaxin.cpu.threads", Integer.toString(threads));
        openblas.blas_set_num_threads(threads);
        System.out.println("kernels " + CpuKernels.instance().name() + ", pool " + CpuThreads.threads() + ", OpenBLAS "
                + openblas.OPENBLAS_VERSION + " threads " + openblas.blas_get_num_threads());
        for (int i = 3; i < args.length; i++) run(what, threads, rounds, Integer.parseInt(args[i]));
    }

    private static void run(String what, int threads, int rounds, int n) {
        Arena arena = Arena.ofShared();
        Map<String, Runnable> ops = new LinkedHashMap<>();
        Map<String, Double> flops = new LinkedHashMap<>();
        if (what.equals("gemm")) {
            long nn = (long) n * n;
            MemorySegment a = BenchSupport.randomF32(arena, nn, 1), b = BenchSupport.randomF32(arena, nn, 2);
            MemorySegment c = arena.allocate(nn * 4, 64);
            MemorySegment ab = BenchSupport.toBf16(arena, a), bb = BenchSupport.toBf16(arena, b);
            FloatPointer pa = new FloatPointer(nn), pb = new FloatPointer(nn), pc = new FloatPointer(nn);
            for (long i = 0; i < nn; i++) { pa.put(i, a.getAtIndex(ValueLayout.JAVA_FLOAT, i)); pb.put(i, b.getAtIndex(ValueLayout.JAVA_FLOAT, i)); }
            ops.put("kuaxin_f32", () -> CpuGemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n));
            ops.put("kuaxin_bf16", () -> CpuGemm.gemm(false, false, n, n, n, 1f, ab, DType.BF16, 0, n, bb, DType.BF16, 0, n, 0f, c, 0, n, null, 0, Activation.NONE));
            ops.put("openblas_f32", () -> openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, n, n, n, 1f, pa, n, pb, n, 0f, pc, n));
            for (String k : ops.keySet()) flops.put(k, 2.0 * n * n * n);
        } else if (what.equals("minilm")) {
            int m = n;
            for (int[] kn : new int[][] {{384, 1152}, {384, 384}, {384, 1536}, {1536, 384}}) {
                int k = kn[0], nn = kn[1];
                MemorySegment a = BenchSupport.randomF32(arena, (long) m * k, 1), b = BenchSupport.randomF32(arena, (long) k * nn, 2);
                MemorySegment bias = BenchSupport.randomF32(arena, nn, 3);
                MemorySegment c = arena.allocate((long) m * nn * 4, 64);
                PackedB packed = PackedB.pack(false, k, nn, b, DType.F32, 0, nn);
                FloatPointer pa = new FloatPointer((long) m * k), pb = new FloatPointer((long) k * nn), pc = new FloatPointer((long) m * nn);
                for (long i = 0; i < (long) m * k; i++) pa.put(i, a.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                for (long i = 0; i < (long) k * nn; i++) pb.put(i, b.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                String tag = k + "x" + nn;
                ops.put("kuaxin_" + tag, () -> CpuGemm.gemmPacked(1, false, m, nn, k, 1f, a, DType.F32, 0, k, 0, packed,
                        0f, c, 0, nn, 0, bias, 0, Activation.NONE));
                ops.put("openblas_" + tag, () -> openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans,
                        openblas.CblasNoTrans, m, nn, k, 1f, pa, k, pb, nn, 0f, pc, nn));
                flops.put("kuaxin_" + tag, 2.0 * m * nn * k);
                flops.put("openblas_" + tag, 2.0 * m * nn * k);
            }
        } else if (what.equals("heads")) {
            // MiniLM's per-head attention products at S = n tokens: 12 heads of D = 32, Q·Kᵀ then P·V, each one
            // batched call; OpenBLAS runs one cblas_sgemm per head (it has no batched sgemm that this binding reaches).
            int h = 12, d = 32, s = n;
            long qkv = (long) h * s * d, ss = (long) h * s * s;
            MemorySegment q = BenchSupport.randomF32(arena, qkv, 1), k = BenchSupport.randomF32(arena, qkv, 2);
            MemorySegment v = BenchSupport.randomF32(arena, qkv, 3), p = BenchSupport.randomF32(arena, ss, 4);
            MemorySegment sc = arena.allocate(ss * 4, 64), o = arena.allocate(qkv * 4, 64);
            FloatPointer fq = copy(q, qkv), fk = copy(k, qkv), fv = copy(v, qkv), fp = copy(p, ss);
            FloatPointer fs = new FloatPointer(ss), fo = new FloatPointer(qkv);
            FloatPointer[][] qk = new FloatPointer[h][], pv = new FloatPointer[h][];
            for (int i = 0; i < h; i++) {
                long a = (long) i * s * d, b = (long) i * s * s;
                qk[i] = new FloatPointer[] {at(fq, a), at(fk, a), at(fs, b)};
                pv[i] = new FloatPointer[] {at(fp, b), at(fv, a), at(fo, a)};
            }
            ops.put("kuaxin_qk", () -> CpuGemm.gemmBatched(h, false, true, s, s, d, 0.125f, q, DType.F32, 0, d, (long) s * d,
                    k, DType.F32, 0, d, (long) s * d, 0f, sc, 0, s, (long) s * s, null, 0, Activation.NONE));
            ops.put("openblas_qk", () -> {
                for (FloatPointer[] x : qk) openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans,
                        openblas.CblasTrans, s, s, d, 0.125f, x[0], d, x[1], d, 0f, x[2], s);
            });
            ops.put("kuaxin_pv", () -> CpuGemm.gemmBatched(h, false, false, s, d, s, 1f, p, DType.F32, 0, s, (long) s * s,
                    v, DType.F32, 0, d, (long) s * d, 0f, o, 0, d, (long) s * d, null, 0, Activation.NONE));
            ops.put("openblas_pv", () -> {
                for (FloatPointer[] x : pv) openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans,
                        openblas.CblasNoTrans, s, d, s, 1f, x[0], s, x[1], d, 0f, x[2], d);
            });
            for (String key : ops.keySet()) flops.put(key, 2.0 * h * s * s * d);
        } else if (what.equals("single")) {
            // Unbatched small products, as Ops.matmul on one head's views runs them: Q·Kᵀ (S×S, K = 32) and P·V
            // (S×32, K = S) of one head at S = n, and an n×384 · 384×384 product with B not packed beforehand.
            int d = 32, s = n, w = 384;
            MemorySegment q = BenchSupport.randomF32(arena, (long) s * d, 1), k = BenchSupport.randomF32(arena, (long) s * d, 2);
            MemorySegment p = BenchSupport.randomF32(arena, (long) s * s, 3), x = BenchSupport.randomF32(arena, (long) n * w, 4);
            MemorySegment wt = BenchSupport.randomF32(arena, (long) w * w, 5);
            MemorySegment sc = arena.allocate((long) s * s * 4, 64), o = arena.allocate((long) s * d * 4, 64);
            MemorySegment y = arena.allocate((long) n * w * 4, 64);
            FloatPointer fq = copy(q, (long) s * d), fk = copy(k, (long) s * d), fp = copy(p, (long) s * s);
            FloatPointer fx = copy(x, (long) n * w), fw = copy(wt, (long) w * w);
            FloatPointer fs = new FloatPointer((long) s * s), fo = new FloatPointer((long) s * d), fy = new FloatPointer((long) n * w);
            int nt = openblas.CblasNoTrans, tr = openblas.CblasTrans, rm = openblas.CblasRowMajor;
            ops.put("kuaxin_qk", () -> CpuGemm.sgemm(false, true, s, s, d, 0.125f, q, 0, d, k, 0, d, 0f, sc, 0, s));
            ops.put("openblas_qk", () -> openblas.cblas_sgemm(rm, nt, tr, s, s, d, 0.125f, fq, d, fk, d, 0f, fs, s));
            ops.put("kuaxin_pv", () -> CpuGemm.sgemm(false, false, s, d, s, 1f, p, 0, s, k, 0, d, 0f, o, 0, d));
            ops.put("openblas_pv", () -> openblas.cblas_sgemm(rm, nt, nt, s, d, s, 1f, fp, s, fk, d, 0f, fo, d));
            ops.put("kuaxin_xw", () -> CpuGemm.sgemm(false, false, n, w, w, 1f, x, 0, w, wt, 0, w, 0f, y, 0, w));
            ops.put("openblas_xw", () -> openblas.cblas_sgemm(rm, nt, nt, n, w, w, 1f, fx, w, fw, w, 0f, fy, w));
            for (String key : ops.keySet()) flops.put(key, key.endsWith("xw") ? 2.0 * n * w * w : 2.0 * s * s * d);
        } else {
            int h = 8, d = 64;
            StridedTensor q = StridedTensor.dense(BenchSupport.randomF32(arena, (long) h * n * d, 1), DType.F32, 1, h, n, d);
            StridedTensor k = StridedTensor.dense(BenchSupport.randomF32(arena, (long) h * n * d, 2), DType.F32, 1, h, n, d);
            StridedTensor v = StridedTensor.dense(BenchSupport.randomF32(arena, (long) h * n * d, 3), DType.F32, 1, h, n, d);
            StridedTensor o = StridedTensor.dense(arena.allocate((long) h * n * d * 4), DType.F32, 1, h, n, d);
            StridedTensor q1 = new StridedTensor(q.segment(), DType.F32, 0, (long) h * n * d, (long) n * d, d, 1); // query row 0 of each head
            ops.put("flash_prefill", () -> CpuAttention.attention(q, k, v, o, 1, h, h, n, n, d, 0.125f, true, null, null, null));
            ops.put("flash_decode", () -> CpuAttention.attention(q1, k, v, o, 1, h, h, 1, n, d, 0.125f, true, null, null, null));
            flops.put("flash_prefill", 2.0 * n * n * d * h);
            flops.put("flash_decode", 4.0 * n * d * h);
        }
        ops.put("probe", Interleaved::probe);
        flops.put("probe", threads * FmaPeak.flopsPerCall());
        // warm-up: long enough for C2 on a loaded host
        long w0 = System.nanoTime();
        while (System.nanoTime() - w0 < 12_000_000_000L) ops.values().forEach(Runnable::run);
        Map<String, List<Double>> gf = new LinkedHashMap<>();
        ops.keySet().forEach(k -> gf.put(k, new ArrayList<>()));
        double peak = 200.0 * threads; // what this probe reads per free core on this host (Zen 5, full-width AVX-512)
        int kept = 0;
        for (int r = 0; r < rounds; r++) {
            double probeBefore = gflops(ops.get("probe"), flops.get("probe"));
            Map<String, Double> slice = new LinkedHashMap<>();
            for (var e : ops.entrySet()) if (!e.getKey().equals("probe")) slice.put(e.getKey(), gflops(e.getValue(), flops.get(e.getKey())));
            double probeAfter = gflops(ops.get("probe"), flops.get("probe"));
            if (Math.min(probeBefore, probeAfter) < GATE * peak) continue; // a core was taken during this slice
            kept++;
            gf.get("probe").add(Math.min(probeBefore, probeAfter));
            slice.forEach((k, x) -> gf.get(k).add(x));
        }
        System.out.printf("%s n=%d threads=%d: %d of %d slices kept (probe ≥ %.0f GFLOP/s)%n", what, n, threads, kept, rounds, GATE * peak);
        double base = -1;
        // the FMA peak as measured in this run (the probe's median), not a nominal figure of some other host
        double fma = gf.get("probe").isEmpty() ? Double.NaN : median(gf.get("probe"));
        for (var e : gf.entrySet()) {
            if (e.getValue().isEmpty()) continue;
            double med = median(e.getValue());
            if (base < 0) base = med;
            System.out.printf("  %-14s median %7.1f GFLOP/s  %5.1f%% of the probe's %.0f  ratio to first %.2f%n",
                    e.getKey(), med, 100 * med / fma, fma, med / base);
        }
        arena.close();
    }

    /** Median GFLOP/s of one slice (~0.3 s) of back-to-back calls. */
    private static double gflops(Runnable op, double flops) {
        List<Double> t = new ArrayList<>();
        long s0 = System.nanoTime();
        do {
            long t0 = System.nanoTime();
            op.run();
            t.add(flops / (System.nanoTime() - t0));
        } while (System.nanoTime() - s0 < 300_000_000L || t.size() < 3);
        return median(t);
    }

    private static FloatPointer copy(MemorySegment seg, long n) {
        FloatPointer p = new FloatPointer(n);
        for (long i = 0; i < n; i++) p.put(i, seg.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        return p;
    }

    /** A pointer to element {@code off} of {@code base} (shares its memory). */
    private static FloatPointer at(FloatPointer base, long off) { return new FloatPointer(base).position(off); }

    private static double median(List<Double> x) {
        double[] a = x.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a[a.length / 2];
    }

    private static void probe() {
        FmaPeak.step(CpuThreads.threads()); // through the kernels' own pool: exactly the cores the kernels get
    }
}
