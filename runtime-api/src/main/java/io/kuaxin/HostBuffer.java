package io.kuaxin;

import io.kuaxin.internal.memory.HostPool;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Host memory for asynchronous copies to and from a device, page-locked where the backend supports it (so the
 * device can copy it without an extra staging copy). Get one from {@link Device#allocateHostBuffer(long)}.
 *
 * <p>Ownership: the caller closes it; a stream that still copies into or out of it keeps the memory alive until
 * that copy completes, so closing early is safe. Read the data only after the copy's stream or event completed.
 * Thread-safe; closing twice throws {@link ClosedResourceException}.
 */
public final class HostBuffer implements AutoCloseable {
    private final Device device;
    private final HostPool.Lease lease;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile boolean closed;

    HostBuffer(Device device, HostPool.Lease lease) {
        this.device = device;
        this.lease = lease;
    }

    /** The device whose copies this buffer is pinned for. */
    public Device device() { return device; }

    /**
     * The memory, {@code byteSize} bytes.
     *
     * @throws ClosedResourceException if closed
     */
    public MemorySegment segment() {
        if (closed) throw new ClosedResourceException("host buffer for " + device.id() + " is closed");
        device.checkOpen(); // the device frees its host buffers when it closes
        return lease.segment;
    }

    public long byteSize() { return lease.segment.byteSize(); }

    void retain() {
        if (closed) throw new ClosedResourceException("host buffer for " + device.id() + " is closed");
        refs.incrementAndGet();
    }

    /** Drops one use; the last returns the memory to the pool. */
    void release() {
        if (refs.decrementAndGet() == 0) lease.release();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) throw new ClosedResourceException("host buffer for " + device.id() + " was already closed");
            closed = true;
        }
        release();
    }
}
