package io.kuaxin.backend.cambricon;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.StreamScratch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

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
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            dev.errors().check((int) s.cnrtQueueCreate.invokeExact(p), "cnrtQueueCreate");
            this.queue = p.get(ADDRESS, 0);
            int st = (int) s.cnnlCreate.invokeExact(p);
            if (st != 0) {
                int ignored = (int) s.cnrtQueueDestroy.invokeExact(queue);
                dev.errors().checkCnnl(st, "cnnlCreate");
            }
            this.cnnl = p.get(ADDRESS, 0);
            st = (int) s.cnnlSetQueue.invokeExact(cnnl, queue);
            if (st != 0) { // nothing owns the handle and the queue yet: release both before reporting
                int ignored = (int) s.cnnlDestroy.invokeExact(cnnl);
                ignored = (int) s.cnrtQueueDestroy.invokeExact(queue);
                dev.errors().checkCnnl(st, "cnnlSetQueue");
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        this.scratch = new StreamScratch(dev, this);
        this.plans = new MatmulPlans(this);
    }

    CambriconErrors errors() { return dev.errors(); }

    /** The {@code cnrtQueue_t}, for libraries that enqueue on it (CNCL). */
    @Override
    public long nativeHandle() { return queue.address(); }

    void memcpy(MemorySegment dst, MemorySegment src, long bytes, int dir) {
        dev.bind();
        try {
            errors().check((int) dev.s.cnrtMemcpyAsync_V3.invokeExact(dst, src, bytes, queue, dir),
                    "cnrtMemcpyAsync_V3");
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
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
        try {
            errors().check((int) dev.s.cnrtMemsetAsync.invokeExact(Native.ptr(dst), (int) value, bytes, queue),
                    "cnrtMemsetAsync");
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
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
        try {
            errors().check((int) dev.s.cnrtQueueWaitNotifier.invokeExact(((CambriconEvent) event).handle, queue, 0),
                    "cnrtQueueWaitNotifier");
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public void synchronize() {
        dev.bind();
        errors().check(Native.status(() -> (int) dev.s.cnrtQueueSync.invokeExact(queue)), "cnrtQueueSync");
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
