package io.kuaxin.backend.cambricon;

import io.kuaxin.spi.EventBackend;

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
            s.errors.check(CambriconSymbols.call(s.cnrtNotifierCreate, p), "cnrtNotifierCreate");
            this.handle = p.get(ADDRESS, 0);
        }
        int rc = CambriconSymbols.call(s.cnrtPlaceNotifier, handle, q.queue);
        if (rc != 0) {
            CambriconSymbols.call(s.cnrtNotifierDestroy, handle);
            s.errors.check(rc, "cnrtPlaceNotifier");
        }
    }

    /** cnrtQueryNotifier: success when done, cnrtErrorBusy or cnrtErrorNotReady while pending. */
    @Override
    public boolean isComplete() {
        dev.bind();
        int rc = CambriconSymbols.call(dev.s.cnrtQueryNotifier, handle);
        if (rc == CNRT_ERROR_BUSY || rc == CNRT_ERROR_NOT_READY) return false;
        dev.errors().check(rc, "cnrtQueryNotifier");
        return true;
    }

    @Override
    public void synchronize() {
        dev.bind();
        dev.errors().check(CambriconSymbols.call(dev.s.cnrtWaitNotifier, handle), "cnrtWaitNotifier");
    }

    @Override
    public float elapsedMillis(EventBackend start) {
        dev.bind();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ms = a.allocate(JAVA_FLOAT);
            dev.errors().check(CambriconSymbols.call(dev.s.cnrtNotifierElapsedTime,
                    ((CambriconEvent) start).handle, handle, ms), "cnrtNotifierElapsedTime");
            return ms.get(JAVA_FLOAT, 0);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        dev.bind();
        dev.errors().check(CambriconSymbols.call(dev.s.cnrtNotifierDestroy, handle), "cnrtNotifierDestroy");
    }
}
