package io.kuaxin.benchmarks.dispatch;

import io.kuaxin.benchmarks.model.MiniLmBench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The all-MiniLM-L6-v2 forward of {@link MiniLmBench} (Kuaxin only) timed by the process's CPU time as well as the
 * wall clock, in slices after a warm-up: on a host shared with other work the wall clock includes time other
 * processes held the cores; the process's CPU time does not (it does include the JIT and GC threads, which are
 * quiet after the warm-up, and the stream's worker, which runs the large ops). A plain {@code main}:
 * {@code java -cp benchmarks.jar io.kuaxin.benchmarks.dispatch.ForwardCpuTime [input] [threads] [slices] [warm-up s]}.
 */
public final class ForwardCpuTime {
    private ForwardCpuTime() {}

    public static void main(String[] args) {
        MiniLmBench b = new MiniLmBench();
        b.input = args.length > 0 ? args[0] : "1x16";
        b.threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int slices = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        double warmup = args.length > 3 ? Double.parseDouble(args[3]) : 20;
        b.setup();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long until = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < until) b.kuaxin();
        double[] cpu = new double[slices], wall = new double[slices];
        for (int s = 0; s < slices; s++) {
            long c0 = os.getProcessCpuTime(), w0 = System.nanoTime(), end = w0 + 500_000_000L;
            int n = 0;
            long w;
            do {
                b.kuaxin();
                n++;
                w = System.nanoTime();
            } while (w < end);
            cpu[s] = (os.getProcessCpuTime() - c0) / 1e6 / n;
            wall[s] = (w - w0) / 1e6 / n;
        }
        b.tearDown();
        Arrays.sort(cpu);
        Arrays.sort(wall);
        System.out.printf("forward %s, %d threads: process cpu ms/forward median %.2f (min %.2f), wall ms median %.2f (min %.2f)%n",
                b.input, b.threads, cpu[slices / 2], cpu[0], wall[slices / 2], wall[0]);
    }
}
