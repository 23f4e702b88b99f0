package io.kuaxin;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A block of device memory shared by a tensor and its views, reference-counted: each open tensor holds one
 * reference and each stream holds one per in-flight use. The last release returns the block to the caching
 * allocator, so memory is never reused while work that touches it may still run.
 */
final class Storage implements InFlight.Resource {
    final CachingAllocator allocator;
    final long address;
    final long bytes;      // what was asked for
    final long blockSize;  // size class actually reserved (0 for empty tensors)
    private final AtomicInteger refs = new AtomicInteger(1);
    /** The stream that last enqueued a write; readers on other streams wait for it. Null once synchronised. */
    volatile Stream lastWriter;
    /** Set by {@code Ops.prepack}: the memory is a weight that must not be written any more. */
    volatile boolean readOnly;
    /** The backend's packed form of the weight stored here, or null; closed before the memory is freed. */
    volatile io.kuaxin.spi.PackedWeight packed;

    Storage(CachingAllocator allocator, long address, long bytes, long blockSize) {
        this.allocator = allocator;
        this.address = address;
        this.bytes = bytes;
        this.blockSize = blockSize;
    }

    void retain() {
        int r;
        do {
            r = refs.get();
            if (r <= 0) throw new IllegalStateException("storage already released"); // internal bug, not user error
        } while (!refs.compareAndSet(r, r + 1));
    }

    @Override
    public void release() {
        int r = refs.decrementAndGet();
        if (r == 0) {
            io.kuaxin.spi.PackedWeight p = packed;
            packed = null;
            if (p != null) p.close(); // before the address can be handed out again
            allocator.release(this);
        } else if (r < 0) {
            throw new IllegalStateException("storage released twice"); // internal bug
        }
    }
}
