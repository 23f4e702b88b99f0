package io.kuaxin.cli;

import io.kuaxin.Attention;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** The work each {@code kuaxin bench} kind times, and how it turns a time into a rate. */
final class BenchSuite {
    /** One measured size: the median milliseconds per run and the rate derived from it. */
    record Point(long size, double millis, double value) {}

    private final BenchCommand.Kind kind;
    private final DType dtype;
    private final List<Long> sizes;

    BenchSuite(BenchCommand.Kind kind, DType dtype, List<Long> sizes) {
        this.kind = kind;
        this.dtype = dtype;
        this.sizes = sizes != null ? sizes : switch (kind) {
            case matmul -> List.of(64L, 128L, 256L, 512L, 1024L);
            case attention -> List.of(128L, 256L, 512L, 1024L);
            case copy -> List.of(1L, 4L, 16L, 64L);
            case dispatch -> List.of(1L, 256L, 4096L);
            case model -> List.of(16L, 32L, 64L, 128L);
        };
    }

    List<Long> sizes() { return sizes; }

    DType dtype() { return dtype; }

    boolean usesDtype() { return kind == BenchCommand.Kind.matmul || kind == BenchCommand.Kind.attention; }

    boolean hasPeak() { return usesDtype(); }

    String unit() {
        return switch (kind) {
            case matmul, attention -> "GFLOP/s";
            case copy -> "GB/s";
            case dispatch -> "ns per op";
            case model -> "tokens/s";
        };
    }

    String sizeLabel() {
        return switch (kind) {
            case matmul -> "n";
            case attention -> "sequence length";
            case copy -> "MiB";
            case dispatch -> "elements";
            case model -> "tokens";
        };
    }

    String title() {
        return switch (kind) {
            case matmul -> "matmul n x n x n, " + dtype.label();
            case attention -> "causal attention, B=1 H=8 d=64, " + dtype.label();
            case copy -> "host -> device copy bandwidth";
            case dispatch -> "op dispatch time (async elementwise add)";
            case model -> "all-MiniLM-L6-v2 forward, batch 1";
        };
    }

    List<Point> run(Device d, Progress progress) {
        List<Point> out = new ArrayList<>();
        try (ModelBench model = kind == BenchCommand.Kind.model ? new ModelBench(d) : null) {
            for (long n : sizes) {
                out.add(switch (kind) {
                    case matmul -> matmul(d, n);
                    case attention -> attention(d, n);
                    case copy -> copy(d, n);
                    case dispatch -> dispatch(d, n);
                    case model -> model.run(n);
                });
                progress.step(d.id() + " " + sizeLabel() + "=" + n);
            }
        }
        return out;
    }

    private Point matmul(Device d, long n) {
        try (Scope s = d.scope()) {
            Tensor a = s.copyOf(random(n * n), dtype, Shape.of(n, n));
            Tensor b = s.copyOf(random(n * n), dtype, Shape.of(n, n));
            double ms = time(d, () -> Ops.matmul(a, b).close());
            return new Point(n, ms, 2.0 * n * n * n / (ms * 1e6));
        }
    }

    private Point attention(Device d, long len) {
        int h = 8, dim = 64;
        try (Scope s = d.scope()) {
            Shape shape = Shape.of(1, h, len, dim);
            Tensor q = s.copyOf(random(h * len * dim), dtype, shape);
            Tensor k = s.copyOf(random(h * len * dim), dtype, shape);
            Tensor v = s.copyOf(random(h * len * dim), dtype, shape);
            double ms = time(d, () -> Ops.attention(q, k, v, Attention.causal()).close());
            // useful FLOPs of causal attention: half of the 4*S^2*D*H of the full score and value products
            return new Point(len, ms, 2.0 * len * len * dim * h / (ms * 1e6));
        }
    }

    private Point copy(Device d, long mib) {
        long n = mib * (1 << 20) / 4;
        float[] host = random(n);
        double ms = time(d, () -> d.copyOf(host, Shape.of(n)).close());
        return new Point(mib, ms, mib * (1 << 20) / (ms * 1e6));
    }

    private Point dispatch(Device d, long n) {
        try (Scope s = d.scope()) {
            Tensor a = s.copyOf(random(n), Shape.of(n)), b = s.copyOf(random(n), Shape.of(n));
            Tensor out = s.empty(DType.F32, Shape.of(n));
            int ops = 2000;
            Stream st = d.defaultStream();
            double ms = time(d, () -> {
                for (int i = 0; i < ops; i++) Ops.on(st).add(a, b, out);
            });
            return new Point(n, ms / ops, ms * 1e6 / ops);
        }
    }

    /**
     * Median milliseconds of {@code work} plus a device synchronisation, after a warm-up long enough for the JIT to
     * compile the kernels (at least 3 runs and 0.4 s, at most 60 runs).
     */
    static double time(Device d, Runnable work) {
        long warmEnd = System.nanoTime() + 400_000_000L;
        for (int i = 0; i < 3 || (i < 60 && System.nanoTime() < warmEnd); i++) {
            work.run();
            d.synchronize();
        }
        List<Double> ms = new ArrayList<>();
        long deadline = System.nanoTime() + 1_500_000_000L;
        while (ms.size() < 3 || (ms.size() < 30 && System.nanoTime() < deadline)) {
            long t0 = System.nanoTime();
            work.run();
            d.synchronize();
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        double[] v = ms.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static float[] random(long n) {
        SplittableRandom r = new SplittableRandom(n);
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() - 0.5);
        return a;
    }
}
