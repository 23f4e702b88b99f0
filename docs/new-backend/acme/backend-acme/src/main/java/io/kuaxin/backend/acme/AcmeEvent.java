package io.kuaxin.backend.acme;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.ffm.Native;

import java.lang.foreign.MemorySegment;

/** An Acme event recorded on a stream when created; owns its handle. Thread-safe. */
final class AcmeEvent implements EventBackend {
    static final int NOT_READY = 6; // ACME_ERROR_NOT_READY (V: acme_rt.h)
    private final AcmeSymbols s;
    final MemorySegment handle;

    AcmeEvent(AcmeStream st) {
        s = st.dev.s;
        st.dev.bind();
        MemorySegment h = Native.outPointer(p -> (int) s.acmeEventCreate.invokeExact(p),
                s.errors.checking("acmeEventCreate"));
        Native.checkOrRelease(Native.status(() -> (int) s.acmeEventRecord.invokeExact(h, st.handle)),
                s.errors.checking("acmeEventRecord"), () -> {
                    int ignored = (int) s.acmeEventDestroy.invokeExact(h);
                });
        handle = h;
    }

    @Override
    public boolean isComplete() {
        int rc = Native.status(() -> (int) s.acmeEventQuery.invokeExact(handle));
        if (rc == NOT_READY) return false;
        s.errors.check(rc, "acmeEventQuery");
        return true;
    }

    @Override
    public void synchronize() {
        Native.call(() -> (int) s.acmeEventSynchronize.invokeExact(handle),
                s.errors.checking("acmeEventSynchronize"));
    }

    @Override
    public float elapsedMillis(EventBackend start) {
        MemorySegment from = ((AcmeEvent) start).handle;
        return Native.outFloat(ms -> (int) s.acmeEventElapsedTime.invokeExact(ms, from, handle),
                s.errors.checking("acmeEventElapsedTime"));
    }

    @Override
    public void close() {
        Native.call(() -> (int) s.acmeEventDestroy.invokeExact(handle), s.errors.checking("acmeEventDestroy"));
    }
}
