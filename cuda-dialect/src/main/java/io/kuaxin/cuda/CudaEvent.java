package io.kuaxin.cuda;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.ffm.Native;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A recorded timing event. The vendor handle comes from its device's pool (it belongs to the device arena);
 * {@link #close()} returns it there. Re-recording a pooled handle later is safe: a stream that waits on an event
 * waits for the record made before the wait call (CUDA semantics, also the emulators').
 *
 * <p>Thread-safe. Use after close throws {@link IllegalStateException}.
 */
final class CudaEvent implements EventBackend {
    private final CudaDevice device;
    private final MemorySegment handle;
    private final AtomicBoolean closed = new AtomicBoolean();

    CudaEvent(CudaDevice device, MemorySegment handle) {
        this.device = device;
        this.handle = handle;
    }

    MemorySegment handle() {
        if (closed.get()) throw new IllegalStateException("event on " + device.info().id() + " is closed");
        return handle;
    }

    @Override
    public boolean isComplete() {
        int rc = device.rt.sym.eventQuery(handle());
        if (rc == 0) return true;
        if (rc == device.rt.enums.errNotReady()) return false;
        device.rt.errors.check(rc, "cudaEventQuery", device);
        return false;
    }

    @Override
    public void synchronize() {
        device.rt.errors.check(device.rt.sym.eventSynchronize(handle()), "cudaEventSynchronize", device);
    }

    /** {@code cudaEventElapsedTime(ms, start, this)}: milliseconds in every dialect. */
    @Override
    public float elapsedMillis(EventBackend start) {
        MemorySegment from = ((CudaEvent) start).handle(), to = handle();
        return Native.outFloat(ms -> device.rt.sym.eventElapsedTime(ms, from, to),
                rc -> device.rt.errors.check(rc, "cudaEventElapsedTime", device));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) device.recycle(handle);
    }
}
