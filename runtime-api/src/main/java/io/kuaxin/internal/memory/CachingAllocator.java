package io.kuaxin.internal.memory;

import io.kuaxin.ClosedResourceException;
import io.kuaxin.DeviceOutOfMemoryException;
import io.kuaxin.MemoryStats;
import io.kuaxin.spi.DeviceBackend;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The caching allocator every backend shares. Requests are rounded to size classes (multiples of 512 bytes up
 * to 1 MiB, of 2 MiB above); freed blocks are kept per size class and reused. When the device is out of memory
 * the cache is released and the allocation retried once before {@link DeviceOutOfMemoryException} is thrown.
 *
 * <p>Free blocks are kept in stacks of primitive addresses, small size classes indexed by class, so taking and
 * returning a cached block allocates nothing.
 *
 * <p>Thread-safe: one lock per device; the device call runs under it so stats stay exact.
 */
public final class CachingAllocator {
    static final long SMALL_LIMIT = 1L << 20;
    static final long SMALL_ROUND = 512;
    static final long LARGE_ROUND = 2L << 20;

    private final String deviceId;
    private final DeviceBackend device;
    /** Free blocks of the small size classes, indexed by {@code size / SMALL_ROUND}; created on first use. */
    private final Addresses[] freeSmall = new Addresses[(int) (SMALL_LIMIT / SMALL_ROUND) + 1];
    /** Free blocks of the large size classes. */
    private final Map<Long, Addresses> freeLarge = new HashMap<>();
    private long allocated, cached, peak, liveBlocks, deviceAllocations, cacheHits;
    private boolean closed;

    public CachingAllocator(String deviceId, DeviceBackend device) {
        this.deviceId = deviceId;
        this.device = device;
    }

    public static long sizeClass(long bytes) {
        long round = bytes <= SMALL_LIMIT ? SMALL_ROUND : LARGE_ROUND;
        return Math.ceilDiv(bytes, round) * round;
    }

    /** Returns a storage of at least {@code bytes} with one reference held by the caller. */
    public Storage allocate(long bytes) {
        if (bytes == 0) return new Storage(this, 0, 0, 0);
        long size = sizeClass(bytes);
        synchronized (this) {
            if (closed) throw new ClosedResourceException("device " + deviceId + " is closed");
            Addresses list = freeList(size, false);
            long address;
            if (list != null && !list.isEmpty()) {
                address = list.pop();
                cached -= size;
                cacheHits++;
            } else {
                address = allocateFromDevice(bytes, size);
            }
            allocated += size;
            liveBlocks++;
            peak = Math.max(peak, allocated);
            return new Storage(this, address, bytes, size);
        }
    }

    private long allocateFromDevice(long bytes, long size) {
        try {
            deviceAllocations++;
            return device.allocate(size);
        } catch (DeviceOutOfMemoryException first) {
            long held = cached;
            emptyCacheLocked();
            try {
                return device.allocate(size);
            } catch (DeviceOutOfMemoryException second) {
                throw new DeviceOutOfMemoryException(deviceId, bytes, device.freeMemory(), held,
                        "size class " + size + " bytes; " + allocated + " bytes held by live tensors");
            }
        }
    }

    synchronized void release(Storage s) {
        if (s.blockSize == 0) return;
        allocated -= s.blockSize;
        liveBlocks--;
        if (closed) {
            device.free(s.address);
            return;
        }
        freeList(s.blockSize, true).push(s.address);
        cached += s.blockSize;
    }

    public synchronized void emptyCache() { emptyCacheLocked(); }

    private void emptyCacheLocked() {
        for (Addresses list : freeSmall) {
            if (list != null) list.freeAll(device);
        }
        for (Addresses list : freeLarge.values()) list.freeAll(device);
        freeLarge.clear();
        cached = 0;
    }

    /** The free list of size class {@code size}; null if it has none yet and {@code create} is false. */
    private Addresses freeList(long size, boolean create) {
        if (size <= SMALL_LIMIT) {
            int i = (int) (size / SMALL_ROUND);
            Addresses a = freeSmall[i];
            if (a == null && create) freeSmall[i] = a = new Addresses();
            return a;
        }
        Addresses a = freeLarge.get(size);
        if (a == null && create) freeLarge.put(size, a = new Addresses());
        return a;
    }

    /** A stack of block addresses (most recently freed first: likeliest still in cache). */
    private static final class Addresses {
        private long[] items = new long[8];
        private int size;

        boolean isEmpty() { return size == 0; }

        void push(long address) {
            if (size == items.length) items = Arrays.copyOf(items, size * 2);
            items[size++] = address;
        }

        long pop() { return items[--size]; }

        /** Frees every block; if the device throws, the blocks not yet freed stay for a later attempt. */
        void freeAll(DeviceBackend device) {
            while (size > 0) device.free(items[--size]);
        }
    }

    public synchronized void resetPeak() { peak = allocated; }

    public synchronized MemoryStats stats() {
        return new MemoryStats(allocated, allocated + cached, peak, cached, liveBlocks, deviceAllocations, cacheHits);
    }

    /** Frees the cache; blocks still live are freed when their last reference goes. Returns live bytes. */
    public synchronized long close() {
        emptyCacheLocked();
        closed = true;
        return allocated;
    }
}
