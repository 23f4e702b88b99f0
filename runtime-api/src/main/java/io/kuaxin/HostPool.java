package io.kuaxin;

import io.kuaxin.spi.DeviceBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Host staging buffers for copies, reused across copies by size class (page-locked where the backend supports
 * it). Creating and closing a shared arena per copy costs a handshake with every Java thread; here each buffer has
 * its own automatic arena, lives in the pool while in use or cached, and is freed by the GC once dropped.
 *
 * <p>Thread-safe.
 */
final class HostPool {
    /** Cached bytes above which returned buffers are dropped instead of kept. */
    static final long MAX_CACHED = 256L << 20;

    private final DeviceBackend device;
    private final Map<Long, ArrayDeque<MemorySegment>> free = new HashMap<>();
    private long cached;

    HostPool(DeviceBackend device) {
        this.device = device;
    }

    /** A staging buffer of exactly {@code bytes} bytes, returned to the pool by {@link Lease#release()}. */
    Lease take(long bytes) {
        long size = CachingAllocator.sizeClass(bytes);
        MemorySegment block = null;
        synchronized (this) {
            ArrayDeque<MemorySegment> list = free.get(size);
            if (list != null && !list.isEmpty()) {
                block = list.pop();
                cached -= size;
            }
        }
        if (block == null) block = device.allocateHost(size, Arena.ofAuto());
        return new Lease(block, block.asSlice(0, bytes));
    }

    private synchronized void giveBack(MemorySegment block) {
        if (cached + block.byteSize() > MAX_CACHED) return; // dropped: the GC frees it
        free.computeIfAbsent(block.byteSize(), k -> new ArrayDeque<>()).push(block);
        cached += block.byteSize();
    }

    synchronized void emptyCache() {
        free.clear();
        cached = 0;
    }

    /** A staging buffer in use; released when the copy using it completes. */
    final class Lease implements InFlight.Resource {
        private final MemorySegment block;
        final MemorySegment segment;

        private Lease(MemorySegment block, MemorySegment segment) {
            this.block = block;
            this.segment = segment;
        }

        @Override
        public void release() { giveBack(block); }
    }
}
