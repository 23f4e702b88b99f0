package io.kuaxin.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Runs a workload until the JIT has finished with it, so timed runs measure compiled code. Kuaxin's kernels are Java:
 * on a 2-core machine C2 needs several seconds (and seconds of CPU time of its own) before they reach steady speed,
 * and a fixed, shorter warm-up times the compiler instead of the kernels.
 *
 * <p>"Finished" means no JIT compilation for {@link #QUIET_NANOS} while the workload kept running, after at least
 * {@code minRuns} runs and {@code minNanos}; the warm-up stops at {@code maxNanos} in any case. Where the JVM cannot
 * report compilation time it runs for {@code minNanos} (and {@code minRuns}).
 * Not thread-safe; meant for the CLI's own timing.
 */
final class WarmUp {
    /** How long the JIT must stay idle while the workload runs. */
    static final long QUIET_NANOS = 1_000_000_000L;

    /** Runs done and time spent by one warm-up. */
    record Result(int runs, long nanos, boolean jitSettled) {
        double seconds() { return nanos / 1e9; }
    }

    private WarmUp() {}

    static Result run(Runnable workload, int minRuns, long minNanos, long maxNanos) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watch = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        long lastCompile = watch ? jit.getTotalCompilationTime() : 0;
        long quietSince = start;
        int runs = 0;
        while (true) {
            workload.run();
            runs++;
            long now = System.nanoTime(), elapsed = now - start;
            if (watch) {
                long c = jit.getTotalCompilationTime();
                if (c != lastCompile) {
                    lastCompile = c;
                    quietSince = now;
                }
            }
            boolean enough = runs >= minRuns && elapsed >= minNanos;
            boolean settled = !watch || now - quietSince >= QUIET_NANOS;
            if (enough && settled) return new Result(runs, elapsed, watch);
            if (runs >= minRuns && elapsed >= maxNanos) return new Result(runs, elapsed, false);
        }
    }
}
