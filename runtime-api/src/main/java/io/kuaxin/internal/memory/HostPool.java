package io.kuaxin.internal.memory;

import io.kuaxin.ClosedResourceException;
import io.kuaxin.spi.DeviceBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Host staging buffers for copies, reused by size class (page-locked where the backend supports it). Each buffer
 * has its own shared arena, created on a cache miss and closed only when the buffer is dropped (cache over
 * {@link #MAX_CACHED}, {@link #emptyCache()}, device close): closing a shared arena costs a handshake with every
 * Java thread, so the steady state creates and closes none. Device close frees every buffer, so pinned memory
 * never outlives its device.
 *
 * <p>Thread-safe.
 */
public final class HostPool {
    /** Cached bytes above which returned buffers are freed instead of kept. */
    static final long MAX_CACHED = 256L << 20;

    private record Block(Arena arena, MemorySegment segment) {}

    private final DeviceBackend device;
    private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
    private final Set<Block> all = new HashSet<>();
    private long cached;
    private boolean closed;

    public HostPool(DeviceBackend device) {
        this.device = device;
    }

    /** A staging buffer of exactly {@code bytes} bytes, returned to the pool by {@link Lease#release()}. */
    public Lease take(long bytes) {
        long size = CachingAllocator.sizeClass(bytes);
        synchronized (this) {
            if (closed) throw new ClosedResourceException("device is closed");
            ArrayDeque<Block> list = free.get(size);
            if (list != null && !list.isEmpty()) {
                cached -= size;
                return new Lease(list.pop(), bytes);
            }
        }
        Arena arena = Arena.ofShared();
        Block b;
        try {
            b = new Block(arena, device.allocateHost(size, arena));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        synchronized (this) {
            all.add(b);
        }
        return new Lease(b, bytes);
    }

    private void giveBack(Block b) {
        synchronized (this) {
            if (!closed && cached + b.segment().byteSize() <= MAX_CACHED) {
                free.computeIfAbsent(b.segment().byteSize(), k -> new ArrayDeque<>()).push(b);
                cached += b.segment().byteSize();
                return;
            }
            if (!all.remove(b)) return; // already freed by close()
        }
        b.arena().close();
    }

    /** Frees cached buffers. */
    public void emptyCache() {
        java.util.List<Block> drop = new java.util.ArrayList<>();
        synchronized (this) {
            free.values().forEach(drop::addAll);
            free.clear();
            cached = 0;
            drop.forEach(all::remove);
        }
        drop.forEach(b -> b.arena().close());
    }

    /** Frees every buffer, cached or still held (the device's streams have completed by now). */
    public void close() {
        java.util.List<Block> drop;
        synchronized (this) {
            closed = true;
            drop = new java.util.ArrayList<>(all);
            all.clear();
            free.clear();
            cached = 0;
        }
        drop.forEach(b -> b.arena().close());
    }

    /** A staging buffer in use; released when the copy using it completes. */
    public final class Lease implements Releasable {
        private final Block block;
        /** The buffer, exactly the bytes asked for. */
        public final MemorySegment segment;

        private Lease(Block block, long bytes) {
            this.block = block;
            this.segment = block.segment().asSlice(0, bytes);
        }

        @Override
        public void release() { giveBack(block); }
    }
}
