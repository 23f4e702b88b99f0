package io.kuaxin.backend.cpu;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A CPU stream: one daemon thread running enqueued work in order (spinning briefly when idle, then parking), so the host thread returns at once as it would
 * with a device. A failure in enqueued work is kept and rethrown by the next {@link #synchronize()}; later work
 * still runs, as a device stream does after an asynchronous error is reported.
 */
final class CpuStream implements StreamBackend {
    private static final AtomicInteger IDS = new AtomicInteger();
    /** How long an idle worker spins before parking: back-to-back ops then skip a park/unpark round trip. */
    private static final long SPIN_NANOS = Long.getLong("kuaxin.cpu.spinNanos", 20_000);

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final Thread worker;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile boolean parked;
    private volatile boolean closing;

    CpuStream(String kind) {
        worker = new Thread(this::work, "kuaxin-cpu-" + kind + "-" + IDS.incrementAndGet());
        worker.setDaemon(true);
        worker.start();
    }

    void submit(Runnable work) {
        queue.offer(work);
        if (parked) LockSupport.unpark(worker);
    }

    private void work() {
        while (true) {
            Runnable r = queue.poll();
            if (r != null) {
                run(r);
                continue;
            }
            if (closing) return;
            long until = System.nanoTime() + SPIN_NANOS;
            while (queue.isEmpty() && System.nanoTime() < until) Thread.onSpinWait();
            if (!queue.isEmpty()) continue;
            parked = true;
            if (queue.isEmpty() && !closing) LockSupport.park(this); // re-check after publishing 'parked'
            parked = false;
        }
    }

    private void run(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e instanceof RuntimeException re ? re
                    : new IllegalStateException("cpu kernel failed: " + e, e));
        }
    }

    static MemorySegment at(long address, long bytes) {
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    @Override
    public void copyHostToDevice(MemorySegment src, long dst, long bytes) {
        submit(() -> at(dst, bytes).copyFrom(src.asSlice(0, bytes)));
    }

    @Override
    public void copyDeviceToHost(long src, MemorySegment dst, long bytes) {
        submit(() -> dst.asSlice(0, bytes).copyFrom(at(src, bytes)));
    }

    @Override
    public void copyDeviceToDevice(long src, long dst, long bytes) {
        submit(() -> at(dst, bytes).copyFrom(at(src, bytes)));
    }

    @Override
    public void fill(long dst, long bytes, byte value) {
        submit(() -> at(dst, bytes).fill(value));
    }

    @Override
    public String execute(KernelCall call) {
        CpuKernels.Kernel k = CpuKernels.select(call);
        submit(() -> k.run(call));
        return k.name();
    }

    @Override
    public void enqueueHost(Runnable action) {
        submit(action);
    }

    @Override
    public EventBackend recordEvent() {
        CpuEvent e = new CpuEvent();
        submit(e::signal);
        return e;
    }

    @Override
    public void waitEvent(EventBackend event) {
        CpuEvent e = (CpuEvent) event;
        submit(e::synchronize);
    }

    @Override
    public void synchronize() {
        CpuEvent e = new CpuEvent();
        submit(e::signal);
        e.synchronize();
        RuntimeException f = failure.getAndSet(null);
        if (f != null) throw f;
    }

    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(worker);
        try {
            worker.join(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
