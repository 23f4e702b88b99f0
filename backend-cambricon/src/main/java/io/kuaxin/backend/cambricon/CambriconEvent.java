package io.kuaxin.backend.cambricon;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.ffm.Native;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

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
        MemorySegment h = Native.outPointer(p -> (int) s.cnrtNotifierCreate.invokeExact(p),
                s.errors.checking("cnrtNotifierCreate"));
        this.handle = h;
        Native.checkOrRelease(Native.status(() -> (int) s.cnrtPlaceNotifier.invokeExact(h, q.queue)),
                s.errors.checking("cnrtPlaceNotifier"), () -> {
                    int ignored = (int) s.cnrtNotifierDestroy.invokeExact(h);
                });
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
        Native.call(() -> (int) dev.s.cnrtWaitNotifier.invokeExact(handle), dev.errors().checking("cnrtWaitNotifier"));
    }

    @Override
    public float elapsedMillis(EventBackend start) {
        dev.bind();
        MemorySegment from = ((CambriconEvent) start).handle;
        return Native.outFloat(ms -> (int) dev.s.cnrtNotifierElapsedTime.invokeExact(from, handle, ms),
                dev.errors().checking("cnrtNotifierElapsedTime"));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        dev.bind();
        Native.call(() -> (int) dev.s.cnrtNotifierDestroy.invokeExact(handle),
                dev.errors().checking("cnrtNotifierDestroy"));
    }
}
