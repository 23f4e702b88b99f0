package io.kuaxin.kernels.cpu.ops;

import io.kuaxin.kernels.cpu.CpuThreads;

/** Splits row loops over the shared CPU pool; small jobs stay on the calling (stream) thread. */
final class Parallel {
    interface Range {
        void run(int from, int to);
    }

    private Parallel() {}

    /** Runs {@code body} over {@code [0, rows)} in chunks; {@code workPerRow} estimates the flops of one row. */
    static void rows(int rows, long workPerRow, Range body) {
        if (rows <= 0) return;
        int chunks = Math.min(rows, 4 * CpuThreads.threads());
        long total = workPerRow * rows;
        if (chunks <= 1 || total < CpuThreads.MIN_PARALLEL_FLOPS) {
            body.run(0, rows);
            return;
        }
        CpuThreads.run(chunks, total, c -> body.run((int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks)));
    }
}
