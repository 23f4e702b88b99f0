import io.kuaxin.Attention;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Event;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.OpContext;
import io.kuaxin.Ops;
import io.kuaxin.Rope;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Device-kernel check of a CUDA-family device through the public API: every kernel op against cpu:0 (fallback
 * FAIL, so nothing silently runs on the host), then per-op times of the memory-bound ops and attention, printed
 * with bandwidth / FLOP rates for comparison with torch_kernels.py's figures of the same shapes.
 *
 *   java ... KernelCheck [device] [--quick] [--json FILE]
 *
 * (default cuda:0, the NVIDIA backend; --quick: small shapes, for an emulator; --json: every timing as one JSON
 * object per line of a list, for report.py). Memory-bound ops are also given as a share of the device-to-device copy
 * bandwidth measured in the same run at the same size.
 */
public class KernelCheck {
    static void p(String s) { System.out.println(s); System.out.flush(); }

    /** Timings as JSON objects: {"name", "ms", "rate", "unit", "kernel"}. */
    static final List<String> RESULTS = new ArrayList<>();

    static void record(String name, double ms, double rate, String unit, String kernel) {
        RESULTS.add(String.format(java.util.Locale.ROOT,
                "{\"name\": \"%s\", \"ms\": %.6f, \"rate\": %.4f, \"unit\": \"%s\", \"kernel\": \"%s\"}",
                name, ms, rate, unit, kernel.replace("\\", "/").replace("\"", "'")));
    }

    public static void main(String[] args) {
        String spec = args.length > 0 && !args[0].startsWith("--") ? args[0] : "cuda:0";
        boolean quick = Arrays.asList(args).contains("--quick");
        int j = Arrays.asList(args).indexOf("--json");
        String json = j >= 0 && j + 1 < args.length ? args[j + 1] : null;
        int failures = 0;
        try (Kuaxin kx = Kuaxin.open(); Scope s = kx.device(spec).scope(); Scope c = kx.device("cpu:0").scope()) {
            p("== device " + s.device().id() + ": " + s.device().info().name());
            failures += correctness(s, c);
            timings(s, quick);
        }
        p(failures == 0 ? "== all kernel ops match cpu:0" : "== " + failures + " kernel op(s) differ from cpu:0");
        if (json != null) {
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(json), "{\"correctness_failures\": " + failures
                        + ", \"timings\": [\n" + String.join(",\n", RESULTS) + "\n]}\n");
            } catch (java.io.IOException e) {
                p("cannot write " + json + ": " + e);
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    /** Gaussian values; past 2^20 a seeded block repeats at shifting offsets (a 32K-token KV cache fills in seconds). */
    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        int block = Math.min(n, 1 << 20);
        float[] x = new float[n];
        for (int i = 0; i < block; i++) x[i] = (float) r.nextGaussian();
        for (int i = block; i < n; i += block) {
            int shift = 1 + (i / block) % (block - 1);
            for (int j = 0; j < block && i + j < n; j++) x[i + j] = x[(j + shift) % block];
        }
        return x;
    }

    record Case(String name, DType dtype, int[] dims, Function<List<Tensor>, Tensor> op, int inputs, double tol) {}

    static int correctness(Scope dev, Scope cpu) {
        OpContext f = Ops.withFallback(FallbackPolicy.FAIL);
        List<Case> cases = new ArrayList<>();
        for (DType t : List.of(DType.F32, DType.BF16, DType.F16)) {
            double tol = t == DType.F32 ? 1e-5 : 2e-2;
            cases.add(new Case("add", t, new int[]{33, 257}, in -> f.add(in.get(0), in.get(1)), 2, tol));
            cases.add(new Case("mul", t, new int[]{33, 257}, in -> f.mul(in.get(0), in.get(1)), 2, tol));
            cases.add(new Case("silu", t, new int[]{33, 257}, in -> f.silu(in.get(0)), 1, tol));
            cases.add(new Case("gelu_erf", t, new int[]{33, 257}, in -> f.geluErf(in.get(0)), 1, tol));
            cases.add(new Case("exp", t, new int[]{33, 257}, in -> f.exp(in.get(0)), 1, tol));
            cases.add(new Case("softmax", t, new int[]{33, 1000}, in -> f.softmax(in.get(0)), 1, tol));
            cases.add(new Case("softmax axis 0", t, new int[]{33, 100}, in -> f.softmax(in.get(0), 0), 1, tol));
            cases.add(new Case("rms_norm", t, new int[]{33, 768}, in -> f.rmsNorm(in.get(0), null, 1e-6), 1, tol));
            cases.add(new Case("layer_norm", t, new int[]{33, 768}, in -> f.layerNorm(in.get(0), null, null, 1e-5), 1, tol));
            cases.add(new Case("sum", t, new int[]{33, 4097}, in -> f.sum(in.get(0), 1), 1, tol * 10));
            cases.add(new Case("max", t, new int[]{33, 4097}, in -> f.max(in.get(0), 1), 1, tol));
            cases.add(new Case("argmax", t, new int[]{33, 4097}, in -> f.argmax(in.get(0), 1), 1, 0));
            cases.add(new Case("cast f32", t, new int[]{33, 257}, in -> f.cast(in.get(0), DType.F32), 1, tol));
            cases.add(new Case("rope", t, new int[]{2, 4, 17, 64}, in -> f.rope(in.get(0), Rope.halfSplit()), 1, tol));
            cases.add(new Case("attention causal", t, new int[]{2, 4, 37, 64},
                    in -> f.attention(in.get(0), in.get(1), in.get(2), Attention.causal()), 3, tol));
            cases.add(new Case("attention decode", t, new int[]{2, 4, 37, 64},   // one query row (a strided view)
                    in -> f.attention(in.get(0).slice(2, 36, 37), in.get(1), in.get(2)), 3, tol));
        }
        int failures = 0;
        long seed = 1;
        for (Case k : cases) {
            Shape shape = Shape.of(Arrays.stream(k.dims()).mapToLong(i -> i).toArray());
            int n = Arrays.stream(k.dims()).reduce(1, (a, b) -> a * b);
            List<Tensor> din = new ArrayList<>(), cin = new ArrayList<>();
            for (int i = 0; i < k.inputs(); i++) {
                float[] x = random(n, seed++);
                din.add(dev.copyOf(x, k.dtype(), shape));
                cin.add(cpu.copyOf(x, k.dtype(), shape));
            }
            try {
                Tensor got = k.op().apply(din), want = k.op().apply(cin);
                double[] g = got.toDoubleArray(), w = want.toDoubleArray();
                double err = 0, mag = 1e-3;
                for (int i = 0; i < g.length; i++) {
                    err = Math.max(err, Math.abs(g[i] - w[i]));
                    mag = Math.max(mag, Math.abs(w[i]));
                }
                boolean ok = err <= k.tol() * mag;
                failures += ok ? 0 : 1;
                p(String.format("%-4s %-18s %-5s max err %.3g (of %.3g)  %s", ok ? "ok" : "FAIL", k.name(),
                        k.dtype().label(), err, mag, got.provenance()));
            } catch (RuntimeException e) {
                failures++;
                p("FAIL " + k.name() + " " + k.dtype().label() + ": " + e);
            }
        }
        return failures;
    }

    /** Milliseconds per op: {@code reps} ops between two events, after a warm-up; median of 5. */
    static double perOp(Device d, Runnable op, int reps) {
        for (int i = 0; i < 3; i++) op.run();
        Stream st = d.defaultStream();
        double[] t = new double[5];
        for (int r = 0; r < t.length; r++) {
            try (Event a = st.record()) {
                for (int i = 0; i < reps; i++) op.run();
                try (Event b = st.record()) {
                    b.synchronize();
                    t[r] = b.elapsedMillis(a) / reps;
                }
            }
        }
        Arrays.sort(t);
        return t[2];
    }

    static void timings(Scope s, boolean quick) {
        Device d = s.device();
        OpContext f = Ops.withFallback(FallbackPolicy.FAIL);
        int rows = quick ? 64 : 8192, cols = quick ? 256 : 4096, reps = quick ? 2 : 50;
        for (DType t : List.of(DType.BF16, DType.F32)) {
            Tensor x = s.copyOf(random(rows * cols, 7), t, Shape.of(rows, cols));
            Tensor y = s.copyOf(random(rows * cols, 8), t, Shape.of(rows, cols));
            Tensor out = s.empty(t, Shape.of(rows, cols));
            double bytes2 = 2.0 * rows * cols * t.byteSize(), bytes3 = 1.5 * bytes2;
            String shape = rows + "x" + cols;
            // The baseline: a device-to-device copy of the same bytes (read + write), into a preallocated tensor.
            report("copy_d2d", t, shape, perOp(d, () -> f.copy(x, out), reps), bytes2, f.copy(x, out));
            report("softmax", t, shape, perOp(d, () -> f.softmax(x), reps), bytes2, f.softmax(x));
            report("layer_norm", t, shape, perOp(d, () -> f.layerNorm(x, null, null, 1e-5), reps), bytes2,
                    f.layerNorm(x, null, null, 1e-5));
            report("rms_norm", t, shape, perOp(d, () -> f.rmsNorm(x, null, 1e-6), reps), bytes2, f.rmsNorm(x, null, 1e-6));
            report("add", t, shape, perOp(d, () -> f.add(x, y), reps), bytes3, f.add(x, y));
            report("silu", t, shape, perOp(d, () -> f.silu(x), reps), bytes2, f.silu(x));
        }
        int[][] prefill = quick ? new int[][]{{1, 2, 64, 32}} : new int[][]{{1, 32, 4096, 128}, {8, 16, 1024, 64}};
        for (int[] c : prefill) {
            Shape sh = Shape.of(c[0], c[1], c[2], c[3]);
            int n = c[0] * c[1] * c[2] * c[3];
            Tensor q = s.copyOf(random(n, 1), DType.BF16, sh), k = s.copyOf(random(n, 2), DType.BF16, sh),
                    v = s.copyOf(random(n, 3), DType.BF16, sh);
            double ms = perOp(d, () -> f.attention(q, k, v, Attention.causal()), quick ? 1 : 5);
            double flops = 2.0 * c[0] * c[1] * (double) c[2] * c[2] * c[3];   // causal: half of 4·B·H·S²·D
            String name = String.format("attention_causal_bf16_B%d_H%d_S%d_D%d", c[0], c[1], c[2], c[3]);
            p(String.format("%s: %.3f ms = %.1f TFLOP/s", name, ms, flops / ms / 1e9));
            record(name, ms, flops / ms / 1e9, "TFLOP/s", f.attention(q, k, v, Attention.causal()).provenance().toString());
        }
        int[][] decode = quick ? new int[][]{{1, 600}} : new int[][]{{1, 4096}, {1, 8192}, {1, 16384}, {1, 32768},
                {8, 4096}, {8, 8192}, {8, 16384}, {8, 32768}};
        for (int[] c : decode) {
            int b = c[0], kv = c[1];
            Tensor q = s.copyOf(random(b * 32 * 128, 1), DType.BF16, Shape.of(b, 32, 1, 128));
            Tensor k = s.copyOf(random(b * 8 * kv * 128, 2), DType.BF16, Shape.of(b, 8, kv, 128));
            Tensor v = s.copyOf(random(b * 8 * kv * 128, 3), DType.BF16, Shape.of(b, 8, kv, 128));
            Attention gqa = Attention.defaults().kvHeads(8);
            double ms = perOp(d, () -> f.attention(q, k, v, gqa), quick ? 1 : 20);
            double bytes = 2.0 * b * 8 * kv * 128 * 2;
            String name = String.format("attention_decode_bf16_B%d_Hq32_Hkv8_KV%d_D128", b, kv);
            String kernel = f.attention(q, k, v, gqa).provenance().toString();
            p(String.format("%s: %.1f us, KV read %.2f TB/s  %s", name, ms * 1e3, bytes / ms / 1e9, kernel));
            record(name, ms, bytes / ms / 1e9, "TB/s", kernel);
            k.close();
            v.close();
        }
    }

    static void report(String op, DType t, String shape, double ms, double bytes, Tensor sample) {
        p(String.format("%-10s %-5s %s: %.1f us = %.2f TB/s", op, t.label(), shape, ms * 1e3, bytes / ms / 1e9));
        record(op + "_" + t.label() + "_" + shape, ms, bytes / ms / 1e9, "TB/s", sample.provenance().toString());
    }
}
