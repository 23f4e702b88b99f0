package io.kuaxin.kernels.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one shared pool of the CPU kernels: {@code threads()-1} daemon workers plus the calling thread.
 * <p>Never oversubscribes: only one parallel region runs at a time; a kernel called from inside a region (by a
 * worker or by the caller itself), or while another caller holds the pool, runs on its own thread only. Work is
 * handed out dynamically (an atomic item counter), so a core the host takes away only slows, never stalls, a region.
 * Nothing is allocated per region: bodies are caller-owned objects.
 * <p>Thread count: system property {@code kuaxin.cpu.threads} (default: available processors).
 */
public final class CpuThreads {
    /** One unit of parallel work; {@code item} in {@code [0, items)}. Must be safe to call from any thread. */
    @FunctionalInterface
    public interface Body {
        void run(int item);
    }

    /** Below this many FLOPs a kernel stays on the calling thread: waking a worker costs ~10 µs. */
    public static final long MIN_PARALLEL_FLOPS = 4_000_000L;

    private static final int THREADS = configuredThreads();
    /** Spin this long before parking: back-to-back kernels then skip the park/unpark round trip. */
    private static final long SPIN_NANOS = 50_000L;

    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final AtomicInteger PENDING = new AtomicInteger();
    private static final Worker[] WORKERS = new Worker[THREADS - 1];
    private static volatile Body body;
    private static volatile int items;
    private static long generation;
    private static volatile Thread caller;
    private static volatile Throwable failure;

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker(i);
            WORKERS[i].start();
        }
    }

    private CpuThreads() {}

    /** The configured thread count (callers included). */
    public static int threads() { return THREADS; }

    /**
     * Runs {@code body.run(i)} for every i in {@code [0, n)}, on up to {@link #threads()} threads when
     * {@code flops ≥ MIN_PARALLEL_FLOPS}; returns when all are done and rethrows the first failure.
     */
    public static void run(int n, long flops, Body b) {
        if (n <= 0) return;
        if (n == 1 || THREADS == 1 || flops < MIN_PARALLEL_FLOPS || !BUSY.compareAndSet(false, true)) {
            for (int i = 0; i < n; i++) b.run(i);
            return;
        }
        try {
            int h = Math.min(THREADS - 1, n - 1);
            failure = null;
            body = b;
            items = n;
            caller = Thread.currentThread();
            NEXT.set(0);
            PENDING.set(h);
            long g = ++generation;
            // Each helper gets its own ticket (a volatile write that publishes the fields above); workers that are
            // not needed are never woken, so they cannot mistake a later region for this one.
            for (int i = 0; i < h; i++) {
                WORKERS[i].ticket = g;
                LockSupport.unpark(WORKERS[i]);
            }
            try {
                drain(b, n);
            } catch (Throwable t) {
                if (failure == null) failure = t;
            }
            awaitHelpers();
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error e) throw e;
                throw new RuntimeException(f);
            }
        } finally {
            body = null;
            caller = null;
            BUSY.set(false);
        }
    }

    /** True while the calling thread is one of the pool's workers. */
    static boolean isWorker() { return Thread.currentThread() instanceof Worker; }

    private static void drain(Body b, int n) {
        for (int i; (i = NEXT.getAndIncrement()) < n; ) b.run(i);
    }

    private static void awaitHelpers() {
        long start = System.nanoTime();
        while (PENDING.get() != 0) {
            if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else LockSupport.parkNanos(100_000L); // a timeout guards against a lost unpark
        }
    }

    private static int configuredThreads() {
        int def = Runtime.getRuntime().availableProcessors();
        String p = System.getProperty("kuaxin.cpu.threads");
        if (p == null || p.isBlank()) return Math.max(1, def);
        try {
            return Math.max(1, Integer.parseInt(p.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kuaxin.cpu.threads must be an integer: " + p, e);
        }
    }

    private static final class Worker extends Thread {
        volatile long ticket;

        Worker(int index) {
            super("kuaxin-cpu-" + (index + 1));
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                seen = awaitTicket(seen);
                Body b = body;
                try {
                    if (b != null) drain(b, items);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                    NEXT.set(Integer.MAX_VALUE / 2); // stop handing out items
                } finally {
                    if (PENDING.decrementAndGet() == 0) {
                        Thread c = caller;
                        if (c != null) LockSupport.unpark(c);
                    }
                }
            }
        }

        private long awaitTicket(long seen) {
            long start = System.nanoTime();
            long g;
            while ((g = ticket) == seen) {
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else LockSupport.park();
            }
            return g;
        }
    }
}
