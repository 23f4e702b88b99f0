package io.kuaxin;

import io.kuaxin.internal.memory.CachingAllocator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CachingAllocatorTest {
    private static Kuaxin runtime(FakeBackend b) {
        return Kuaxin.open(Kuaxin.Options.defaults().withEnv(Map.of()).withProviders(List.of(b)));
    }

    @Test
    void roundsToSizeClassesAndReusesFreedBlocks() {
        assertEquals(512, CachingAllocator.sizeClass(1));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals(1 << 20, CachingAllocator.sizeClass(1 << 20));
        assertEquals(2L << 20, CachingAllocator.sizeClass((1 << 20) + 1));
        assertEquals(4L << 20, CachingAllocator.sizeClass((2L << 20) + 1));

        FakeBackend b = new FakeBackend("fake", 1, 1, null);
        try (Kuaxin kx = runtime(b)) {
            Device d = kx.device("fake");
            Tensor t = d.empty(DType.F32, Shape.of(100)); // 400 B -> 512
            MemoryStats s = d.memoryStats();
            assertEquals(512, s.allocatedBytes());
            assertEquals(1, s.deviceAllocations());
            t.close();
            s = d.memoryStats();
            assertEquals(0, s.allocatedBytes());
            assertEquals(512, s.cachedBytes());
            assertEquals(512, s.reservedBytes());
            Tensor u = d.empty(DType.I8, Shape.of(300)); // same class: a cache hit
            s = d.memoryStats();
            assertEquals(1, s.cacheHits());
            assertEquals(1, s.deviceAllocations());
            assertEquals(512, s.peakAllocatedBytes());
            u.close();
            d.emptyCache();
            assertEquals(0, d.memoryStats().reservedBytes());
            assertEquals(b.capacity, d.freeMemory());
        }
    }

    @Test
    void outOfMemoryReleasesTheCacheAndRetriesOnce() {
        FakeBackend b = new FakeBackend("fake", 1, 1, null);
        b.capacity = 4096;
        try (Kuaxin kx = runtime(b)) {
            Device d = kx.device("fake");
            d.empty(DType.I8, Shape.of(2048)).close(); // 2048 cached
            Tensor big = d.empty(DType.I8, Shape.of(3000)); // needs 3072: fits only after the cache is released
            assertEquals(0, d.memoryStats().cachedBytes());
            DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                    () -> d.empty(DType.I8, Shape.of(2000)));
            assertEquals(2000, e.requestedBytes());
            assertEquals(1024, e.freeBytes());
            assertTrue(e.getMessage().contains("fake:0") && e.getMessage().contains("requested 2000"), e.getMessage());
            big.close();
            d.empty(DType.I8, Shape.of(2000)).close(); // the device is still usable
        }
    }

    @Test
    void emptyTensorsTakeNoMemory() {
        FakeBackend b = new FakeBackend("fake", 1, 1, null);
        try (Kuaxin kx = runtime(b)) {
            Device d = kx.device("fake");
            Tensor z = d.empty(DType.F32, Shape.of(0, 7));
            assertEquals(0, d.memoryStats().allocatedBytes());
            assertEquals(0, d.memoryStats().deviceAllocations());
            z.close();
        }
    }

    /** Many blocks per class, small and large: each freed block comes back once, and emptyCache returns all of them. */
    @Test
    void manyFreedBlocksPerClassAreEachReusedOnceAndAllFreedByEmptyCache() {
        FakeBackend b = new FakeBackend("fake", 1, 1, null);
        b.capacity = 1L << 30;
        try (Kuaxin kx = runtime(b)) {
            Device d = kx.device("fake");
            long[] sizes = {100, 1 << 20, (3L << 20) / 2}; // 512 B, the largest small class, a 2 MiB class
            int n = 20;                                     // more than a free list's first capacity
            for (long bytes : sizes) {
                java.util.Set<Long> first = new java.util.HashSet<>();
                Tensor[] ts = new Tensor[n];
                for (int i = 0; i < n; i++) {
                    ts[i] = d.empty(DType.I8, Shape.of(bytes));
                    first.add(ts[i].address());
                }
                assertEquals(n, first.size());
                for (Tensor t : ts) t.close();
                java.util.Set<Long> again = new java.util.HashSet<>();
                long hits = d.memoryStats().cacheHits();
                for (int i = 0; i < n; i++) {
                    ts[i] = d.empty(DType.I8, Shape.of(bytes));
                    again.add(ts[i].address());
                }
                assertEquals(first, again, "the same blocks, each handed out once");
                assertEquals(hits + n, d.memoryStats().cacheHits());
                for (Tensor t : ts) t.close();
            }
            long devAllocs = d.memoryStats().deviceAllocations();
            assertEquals(3L * n, devAllocs);
            d.emptyCache();
            assertEquals(0, d.memoryStats().reservedBytes());
            assertEquals(b.capacity, d.freeMemory(), "every cached block went back to the device");
        }
    }
}
