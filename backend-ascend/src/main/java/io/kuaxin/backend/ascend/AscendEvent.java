package io.kuaxin.backend.ascend;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.ffm.Native;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@code aclrtEvent} recorded on a stream when created. Owns the handle until {@link #close()}. Thread-safe;
 * each call binds the device to the calling thread.
 */
final class AscendEvent implements EventBackend {
    static final int ACL_EVENT_RECORDED_STATUS_COMPLETE = 1;
    private final AscendDevice dev;
    final MemorySegment handle;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Creates an event and records it on {@code stream}. @throws io.kuaxin.VendorException on failure */
    AscendEvent(AscendStream stream) {
        this.dev = stream.dev;
        MemorySegment h = Native.outPointer(p -> (int) dev.s.aclrtCreateEvent.invokeExact(p),
                dev.errors().checking("aclrtCreateEvent"));
        this.handle = h;
        Native.checkOrRelease(Native.status(() -> (int) dev.s.aclrtRecordEvent.invokeExact(h, stream.handle)),
                dev.errors().checking("aclrtRecordEvent"), () -> {
                    int ignored = (int) dev.s.aclrtDestroyEvent.invokeExact(h);
                });
    }

    @Override
    public boolean isComplete() {
        dev.bind();
        return Native.outInt(status -> (int) dev.s.aclrtQueryEventStatus.invokeExact(handle, status),
                dev.errors().checking("aclrtQueryEventStatus")) == ACL_EVENT_RECORDED_STATUS_COMPLETE;
    }

    @Override
    public void synchronize() {
        dev.bind();
        Native.call(() -> (int) dev.s.aclrtSynchronizeEvent.invokeExact(handle),
                dev.errors().checking("aclrtSynchronizeEvent"));
    }

    /** aclrtEventElapsedTime reports milliseconds. */
    @Override
    public float elapsedMillis(EventBackend start) {
        dev.bind();
        MemorySegment from = ((AscendEvent) start).handle;
        return Native.outFloat(ms -> (int) dev.s.aclrtEventElapsedTime.invokeExact(ms, from, handle),
                dev.errors().checking("aclrtEventElapsedTime"));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        dev.bind();
        Native.call(() -> (int) dev.s.aclrtDestroyEvent.invokeExact(handle),
                dev.errors().checking("aclrtDestroyEvent"));
    }
}
