package io.kuaxin.backend.cambricon;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.StreamScratch;

import java.lang.foreign.MemorySegment;

/**
 * The SPI's stream over a {@code cnrtQueue_t} (CNRT's word for a stream), with its own CNNL handle
 * ({@code cnnlSetQueue}), scratch memory and matmul plan cache, all
 * released at {@link #close()}. Copies use {@code cnrtMemcpyAsync_V3(dst, src, bytes, queue, dir)} — the queue
 * comes before the direction, and CNRT's direction enum is not CUDA's (H2D 0, D2D 1, D2H 2).
 *
 * <p>Thread-safety: one caller at a time, as the SPI promises.
 */
final class CambriconStream implements StreamBackend {
    static final int HOST_TO_DEV = 0, DEV_TO_DEV = 1, DEV_TO_HOST = 2;

    final CambriconDevice dev;
    final MemorySegment queue;
    final MemorySegment cnnl;
    final StreamScratch scratch;
    final MatmulPlans plans;
    private boolean closed;

    CambriconStream(CambriconDevice dev) {
        this.dev = dev;
        dev.bind();
        CambriconSymbols s = dev.s;
        // until the constructor returns nothing owns the queue and the CNNL handle: a failed step releases them
        MemorySegment q = Native.outPointer(p -> (int) s.cnrtQueueCreate.invokeExact(p),
                dev.errors().checking("cnrtQueueCreate"));
        Native.Cleanup destroyQueue = () -> {
            int ignored = (int) s.cnrtQueueDestroy.invokeExact(q);
        };
        MemorySegment h = Native.outPointer(p -> (int) s.cnnlCreate.invokeExact(p),
                st -> Native.checkOrRelease(st, dev.errors().checkingCnnl("cnnlCreate"), destroyQueue));
        Native.checkOrRelease(Native.status(() -> (int) s.cnnlSetQueue.invokeExact(h, q)),
                dev.errors().checkingCnnl("cnnlSetQueue"), () -> {
                    int ignored = (int) s.cnnlDestroy.invokeExact(h);
                    destroyQueue.run();
                });
        this.queue = q;
        this.cnnl = h;
        this.scratch = new StreamScratch(dev, this);
        this.plans = new MatmulPlans(this);
    }

    CambriconErrors errors() { return dev.errors(); }

    /** The {@code cnrtQueue_t}, for libraries that enqueue on it (CNCL). */
    @Override
    public long nativeHandle() { return queue.address(); }

    void memcpy(MemorySegment dst, MemorySegment src, long bytes, int dir) {
        dev.bind();
        Native.call(() -> (int) dev.s.cnrtMemcpyAsync_V3.invokeExact(dst, src, bytes, queue, dir),
                errors().checking("cnrtMemcpyAsync_V3"));
    }

    @Override
    public void copyHostToDevice(MemorySegment src, long dst, long bytes) {
        memcpy(Native.ptr(dst), src, bytes, HOST_TO_DEV);
    }

    @Override
    public void copyDeviceToHost(long src, MemorySegment dst, long bytes) {
        memcpy(dst, Native.ptr(src), bytes, DEV_TO_HOST);
    }

    @Override
    public void copyDeviceToDevice(long src, long dst, long bytes) {
        memcpy(Native.ptr(dst), Native.ptr(src), bytes, DEV_TO_DEV);
    }

    @Override
    public void fill(long dst, long bytes, byte value) {
        dev.bind();
        Native.call(() -> (int) dev.s.cnrtMemsetAsync.invokeExact(Native.ptr(dst), (int) value, bytes, queue),
                errors().checking("cnrtMemsetAsync"));
    }

    @Override
    public String execute(KernelCall call) {
        dev.bind();
        return CambriconOps.execute(this, call);
    }

    @Override
    public EventBackend recordEvent() {
        dev.bind();
        return new CambriconEvent(this);
    }

    @Override
    public void waitEvent(EventBackend event) {
        dev.bind();
        MemorySegment notifier = ((CambriconEvent) event).handle;
        Native.call(() -> (int) dev.s.cnrtQueueWaitNotifier.invokeExact(notifier, queue, 0),
                errors().checking("cnrtQueueWaitNotifier"));
    }

    @Override
    public void synchronize() {
        dev.bind();
        Native.call(() -> (int) dev.s.cnrtQueueSync.invokeExact(queue), errors().checking("cnrtQueueSync"));
    }

    /** Waits, releases plans, scratch and the CNNL handle, destroys the queue. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        RuntimeException failure = null;
        try {
            synchronize();
        } catch (RuntimeException e) {
            failure = e;
        }
        plans.close();
        scratch.close();
        int rc;
        try {
            int ignored = (int) dev.s.cnnlDestroy.invokeExact(cnnl);
            rc = (int) dev.s.cnrtQueueDestroy.invokeExact(queue);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (rc != 0 && failure == null) {
            try {
                errors().check(rc, "cnrtQueueDestroy");
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) throw failure;
    }
}
