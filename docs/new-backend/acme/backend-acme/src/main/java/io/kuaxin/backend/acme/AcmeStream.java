package io.kuaxin.backend.acme;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;
import io.kuaxin.spi.StridedCopy;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.StreamScratch;

import java.lang.foreign.MemorySegment;

/** An Acme stream; owns its handle and scratch. One caller at a time, as the SPI says. */
final class AcmeStream implements StreamBackend {
    static final int H2D = 1, D2H = 2, D2D = 3; // ACME_MEMCPY_* (V: acme_rt.h)
    final AcmeDevice dev;
    final MemorySegment handle;
    final StreamScratch scratch;
    private boolean closed;

    AcmeStream(AcmeDevice dev) {
        this.dev = dev;
        dev.bind();
        handle = Native.outPointer(p -> (int) dev.s.acmeStreamCreate.invokeExact(p), check("acmeStreamCreate"));
        scratch = new StreamScratch(dev, this);
    }

    private Native.StatusCheck check(String call) { return dev.s.errors.checking(call); }

    private void copy(MemorySegment dst, MemorySegment src, long bytes, int kind) {
        dev.bind();
        Native.call(() -> (int) dev.s.acmeMemcpyAsync.invokeExact(dst, src, bytes, kind, handle),
                check("acmeMemcpyAsync"));
    }

    @Override public void copyHostToDevice(MemorySegment src, long dst, long n) { copy(Native.ptr(dst), src, n, H2D); }
    @Override public void copyDeviceToHost(long src, MemorySegment dst, long n) { copy(dst, Native.ptr(src), n, D2H); }
    @Override public void copyDeviceToDevice(long src, long dst, long n) {
        copy(Native.ptr(dst), Native.ptr(src), n, D2D);
    }

    @Override
    public void fill(long dst, long bytes, byte value) {
        dev.bind();
        Native.call(() -> (int) dev.s.acmeMemsetAsync.invokeExact(Native.ptr(dst), (int) value, bytes, handle),
                check("acmeMemsetAsync"));
    }

    /**
     * COPY only (unsupportedReason refuses the rest): a strided copy as contiguous runs of acmeMemcpyAsync. The call
     * is read here, before returning: the runtime reuses it for its next op.
     */
    @Override
    public String execute(KernelCall call) {
        StridedCopy.byRuns(this, call.input(0), call.output(0));
        return "acmeMemcpyAsync (by runs)";
    }

    @Override public EventBackend recordEvent() { return new AcmeEvent(this); }

    @Override
    public void waitEvent(EventBackend event) {
        dev.bind();
        MemorySegment e = ((AcmeEvent) event).handle;
        Native.call(() -> (int) dev.s.acmeStreamWaitEvent.invokeExact(handle, e), check("acmeStreamWaitEvent"));
    }

    @Override
    public void synchronize() {
        dev.bind();
        Native.call(() -> (int) dev.s.acmeStreamSynchronize.invokeExact(handle), check("acmeStreamSynchronize"));
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        synchronize();
        scratch.close();
        Native.call(() -> (int) dev.s.acmeStreamDestroy.invokeExact(handle), check("acmeStreamDestroy"));
    }
}
