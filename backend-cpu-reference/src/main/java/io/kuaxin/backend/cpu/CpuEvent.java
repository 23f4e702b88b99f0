package io.kuaxin.backend.cpu;

import io.kuaxin.spi.EventBackend;

import java.util.concurrent.CountDownLatch;

/**
 * Signalled by the stream's thread when it reaches the event (it is that work item itself, so recording one builds
 * no lambda); the time is taken then.
 */
final class CpuEvent implements EventBackend, Runnable {
    private static final long SPIN_NANOS = Long.getLong("kuaxin.cpu.spinNanos", 20_000);
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile long nanos;

    void signal() {
        nanos = System.nanoTime();
        done.countDown();
    }

    /** The work item: {@link #signal()}. */
    @Override
    public void run() { signal(); }

    @Override
    public boolean isComplete() { return done.getCount() == 0; }

    @Override
    public void synchronize() {
        long until = System.nanoTime() + SPIN_NANOS; // most waits are short: spin before parking
        while (done.getCount() != 0 && System.nanoTime() < until) Thread.onSpinWait();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a cpu event", e);
        }
    }

    @Override
    public float elapsedMillis(EventBackend start) {
        return (nanos - ((CpuEvent) start).nanos) / 1e6f;
    }

    @Override
    public void close() {}
}
