package io.kuaxin.backend.cambricon;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.ffm.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * A CNRT notifier (CNRT's event) placed on a queue when created. Timing uses {@code cnrtNotifierElapsedTime}
 * (milliseconds), not the legacy {@code cnrtNotifierDuration} (microseconds). Owns its handle; thread-safe.
 */
final class CambriconEvent implements EventBackend {
    /**
     * "Still pending": {@code cnrtErrorBusy} 632014 in CNRT 6.0's documentation and InfiniCore,
     * {@code cnrtErrorNotReady} 1 in newer torch_mlu; DIOPI accepts both, and so does Kuaxin (V: public cnrt.h, 6.14).
     */
    static final int CNRT_ERROR_NOT_READY = 1, CNRT_ERROR_BUSY = 632014;
    private final CambriconDevice dev;
    final MemorySegment handle;
    private final AtomicBoolean closed = new AtomicBoolean();

    CambriconEvent(CambriconStream q) {
        this.dev = q.dev;
        CambriconSymbols s = dev.s;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            s.errors.check((int) s.cnrtNotifierCreate.invokeExact(p), "cnrtNotifierCreate");
            this.handle = p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        try {
            int rc = (int) s.cnrtPlaceNotifier.invokeExact(handle, q.queue);
            if (rc != 0) {
                int ignored = (int) s.cnrtNotifierDestroy.invokeExact(handle);
                s.errors.check(rc, "cnrtPlaceNotifier");
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** cnrtQueryNotifier: success when done, cnrtErrorBusy or cnrtErrorNotReady while pending. */
    @Override
    public boolean isComplete() {
        dev.bind();
        int rc = Native.status(() -> (int) dev.s.cnrtQueryNotifier.invokeExact(handle));
        if (rc == CNRT_ERROR_BUSY || rc == CNRT_ERROR_NOT_READY) return false;
        dev.errors().check(rc, "cnrtQueryNotifier");
        return true;
    }

    @Override
    public void synchronize() {
        dev.bind();
        dev.errors().check(Native.status(() -> (int) dev.s.cnrtWaitNotifier.invokeExact(handle)), "cnrtWaitNotifier");
    }

    @Override
    public float elapsedMillis(EventBackend start) {
        dev.bind();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ms = a.allocate(JAVA_FLOAT);
            dev.errors().check((int) dev.s.cnrtNotifierElapsedTime.invokeExact(((CambriconEvent) start).handle,
                    handle, ms), "cnrtNotifierElapsedTime");
            return ms.get(JAVA_FLOAT, 0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        dev.bind();
        dev.errors().check(Native.status(() -> (int) dev.s.cnrtNotifierDestroy.invokeExact(handle)),
                "cnrtNotifierDestroy");
    }
}
