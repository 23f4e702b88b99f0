package io.kuaxin.backend.cpu;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A CPU stream: one daemon thread running enqueued work in order, so the host thread returns at once as it would
 * with a device. A failure in enqueued work is kept and rethrown by the next {@link #synchronize()}; later work
 * still runs, as a device stream does after an asynchronous error is reported.
 */
final class CpuStream implements StreamBackend {
    private static final AtomicInteger IDS = new AtomicInteger();
    private final ExecutorService worker;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    CpuStream(String kind) {
        String name = "kuaxin-cpu-" + kind + "-" + IDS.incrementAndGet();
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    void submit(Runnable work) {
        worker.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e instanceof RuntimeException re ? re
                        : new IllegalStateException("cpu kernel failed: " + e, e));
            }
        });
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
        worker.shutdown();
        try {
            if (!worker.awaitTermination(1, TimeUnit.MINUTES)) worker.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
