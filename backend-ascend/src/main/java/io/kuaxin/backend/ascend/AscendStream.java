package io.kuaxin.backend.ascend;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.StreamScratch;

import java.lang.foreign.MemorySegment;

/**
 * An {@code aclrtStream}. Owns its scratch memory (op workspaces and temporaries, reused in stream order) and its
 * cache of repeatable matmul executors; both are released at {@link #close()}.
 *
 * <p>Thread-safety: one caller at a time, as the SPI promises; each call binds the device to the calling thread.
 */
final class AscendStream implements StreamBackend {
    static final int ACL_MEMCPY_HOST_TO_DEVICE = 1, ACL_MEMCPY_DEVICE_TO_HOST = 2, ACL_MEMCPY_DEVICE_TO_DEVICE = 3;

    final AscendDevice dev;
    final MemorySegment handle;
    final StreamScratch scratch;
    final ExecutorCache executors;
    private boolean closed;

    /** @throws io.kuaxin.VendorException if aclrtCreateStream fails */
    AscendStream(AscendDevice dev) {
        this.dev = dev;
        dev.bind();
        this.handle = Native.outPointer(p -> (int) dev.s.aclrtCreateStream.invokeExact(p),
                dev.errors().checking("aclrtCreateStream"));
        this.scratch = new StreamScratch(dev, this);
        this.executors = new ExecutorCache(this);
    }

    /** The {@code aclrtStream}, for libraries that enqueue on it (HCCL). */
    @Override
    public long nativeHandle() { return handle.address(); }

    AscendErrors errors() { return dev.errors(); }

    private void memcpy(MemorySegment dst, long destMax, MemorySegment src, long count, int kind) {
        dev.bind();
        int rc = Native.status(() -> (int) dev.s.aclrtMemcpyAsync.invokeExact(dst, destMax, src, count, kind, handle));
        errors().check(rc, "aclrtMemcpyAsync");
    }

    /** The runtime validated the device range; destMax is the copy size. */
    @Override
    public void copyHostToDevice(MemorySegment src, long dst, long bytes) {
        memcpy(Native.ptr(dst), bytes, src, bytes, ACL_MEMCPY_HOST_TO_DEVICE);
    }

    /** destMax is the host segment's capacity, so ACL itself refuses to overrun it. */
    @Override
    public void copyDeviceToHost(long src, MemorySegment dst, long bytes) {
        memcpy(dst, dst.byteSize(), Native.ptr(src), bytes, ACL_MEMCPY_DEVICE_TO_HOST);
    }

    @Override
    public void copyDeviceToDevice(long src, long dst, long bytes) {
        memcpy(Native.ptr(dst), bytes, Native.ptr(src), bytes, ACL_MEMCPY_DEVICE_TO_DEVICE);
    }

    @Override
    public void fill(long dst, long bytes, byte value) {
        dev.bind();
        int rc = Native.status(() -> (int) dev.s.aclrtMemsetAsync.invokeExact(Native.ptr(dst), bytes, (int) value,
                bytes, handle));
        errors().check(rc, "aclrtMemsetAsync");
    }

    @Override
    public String execute(KernelCall call) {
        dev.bind();
        return AscendOps.execute(this, call);
    }

    @Override
    public EventBackend recordEvent() {
        dev.bind();
        return new AscendEvent(this);
    }

    @Override
    public void waitEvent(EventBackend event) {
        dev.bind();
        MemorySegment e = ((AscendEvent) event).handle;
        Native.call(() -> (int) dev.s.aclrtStreamWaitEvent.invokeExact(handle, e),
                errors().checking("aclrtStreamWaitEvent"));
    }

    @Override
    public void synchronize() {
        dev.bind();
        Native.call(() -> (int) dev.s.aclrtSynchronizeStream.invokeExact(handle),
                errors().checking("aclrtSynchronizeStream"));
    }

    /** Waits for the stream, releases its executors and scratch memory, destroys it. Idempotent. */
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
        executors.close();
        scratch.close();
        try {
            int rc = (int) dev.s.aclrtDestroyStream.invokeExact(handle);
            if (rc != 0 && failure == null) failure = errors().error(rc, "aclrtDestroyStream");
        } catch (Throwable t) {
            if (failure == null) failure = Native.rethrow(t);
        }
        if (failure != null) throw failure;
    }
}
