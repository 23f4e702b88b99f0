package io.kuaxin.benchmarks.dispatch;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cases of {@link DispatchBench} and {@link CpuOpBench} in one JVM, in alternating 0.2 s slices after a warm-up,
 * timed by this thread's CPU time as well as the wall clock: on a host shared with other work a slice's wall time
 * includes the time other processes held the core, its CPU time does not. Each case's median per op is printed, and
 * its ratio to its baseline (the raw downcall, the kernel called directly) from the same slices. Small ops run on
 * the calling thread, so its CPU time covers them. A plain {@code main}:
 * {@code java -cp benchmarks.jar io.kuaxin.benchmarks.dispatch.DispatchCpuTime [slices] [warm-up seconds]}.
 */
public final class DispatchCpuTime {
    private DispatchCpuTime() {}

    public static void main(String[] args) throws Exception {
        int slices = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        double warmup = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        DispatchBench d = new DispatchBench();
        d.setup();
        CpuOpBench c = new CpuOpBench();
        c.setup();
        Map<String, Runnable> cases = new LinkedHashMap<>();
        cases.put("noop.rawDowncall", () -> {
            try {
                d.rawDowncall();
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        });
        cases.put("noop.frontDoorIntoOut", d::frontDoorIntoOut);
        cases.put("noop.frontDoorNewOutput", d::frontDoorNewOutput);
        cases.put("cpu.addDirect", c::addDirect);
        cases.put("cpu.addIntoOut", c::addIntoOut);
        cases.put("cpu.addNewOutput", c::addNewOutput);
        cases.put("cpu.layerNormDirect", c::layerNormDirect);
        cases.put("cpu.layerNormNewOutput", c::layerNormNewOutput);
        Map<String, String> baseline = Map.of("noop.frontDoorIntoOut", "noop.rawDowncall",
                "noop.frontDoorNewOutput", "noop.rawDowncall", "cpu.addIntoOut", "cpu.addDirect",
                "cpu.addNewOutput", "cpu.addDirect", "cpu.layerNormNewOutput", "cpu.layerNormDirect");

        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long until = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < until) {
            for (Runnable r : cases.values()) slice(r, 20_000_000L, mx);
        }
        Map<String, List<double[]>> got = new LinkedHashMap<>();
        for (String k : cases.keySet()) got.put(k, new ArrayList<>());
        for (int s = 0; s < slices; s++) {
            for (Map.Entry<String, Runnable> e : cases.entrySet()) got.get(e.getKey()).add(slice(e.getValue(), 200_000_000L, mx));
        }
        d.tearDown();
        c.tearDown();
        System.out.printf("%-26s %12s %12s %10s %10s%n", "case", "cpu ns/op", "wall ns/op", "cpu ratio", "wall ratio");
        for (String k : cases.keySet()) {
            double cpu = median(got.get(k), 0), wall = median(got.get(k), 1);
            String b = baseline.get(k);
            String rc = b == null ? "" : String.format("%.2f", cpu / median(got.get(b), 0));
            String rw = b == null ? "" : String.format("%.2f", wall / median(got.get(b), 1));
            System.out.printf("%-26s %12.1f %12.1f %10s %10s%n", k, cpu, wall, rc, rw);
        }
    }

    /** Runs {@code r} for about {@code nanos} of wall time; returns {cpu ns per op, wall ns per op}. */
    private static double[] slice(Runnable r, long nanos, ThreadMXBean mx) {
        long ops = 0;
        long c0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime(), end = w0 + nanos;
        long w;
        do {
            for (int i = 0; i < 256; i++) r.run();
            ops += 256;
            w = System.nanoTime();
        } while (w < end);
        long c1 = mx.getCurrentThreadCpuTime();
        return new double[] {(double) (c1 - c0) / ops, (double) (w - w0) / ops};
    }

    private static double median(List<double[]> xs, int i) {
        double[] v = xs.stream().mapToDouble(x -> x[i]).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
