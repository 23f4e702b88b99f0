package io.kuaxin.kernels.cpu.ops;

import io.kuaxin.kernels.cpu.CpuThreads;

/** Splits row loops over the shared CPU pool; small jobs stay on the calling (stream) thread. */
final class Parallel {
    interface Range {
        void run(int from, int to);
    }

    private Parallel() {}

    /**
     * Whether {@link #rows} would split this job over the pool; when not, a caller may run its loop inline and
     * build no {@link Range} at all.
     */
    static boolean splits(int rows, long workPerRow) {
        return Math.min(rows, 4 * CpuThreads.threads()) > 1 && workPerRow * rows >= CpuThreads.MIN_PARALLEL_FLOPS;
    }

    /** Runs {@code body} over {@code [0, rows)} in chunks; {@code workPerRow} estimates the flops of one row. */
    static void rows(int rows, long workPerRow, Range body) {
        if (rows <= 0) return;
        if (!splits(rows, workPerRow)) {
            body.run(0, rows);
            return;
        }
        int chunks = Math.min(rows, 4 * CpuThreads.threads());
        CpuThreads.run(chunks, workPerRow * rows, c -> body.run((int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks)));
    }
}
