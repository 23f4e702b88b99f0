package io.kuaxin.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

class CpuThreadsTest {
    @Test
    void everyItemOnceAndNestedRegionsStayOnTheirThread() {
        for (int round = 0; round < 200; round++) {
            int n = 2 + round % 37; // (a 1-item region runs inline and leaves the pool free for nested work)
            AtomicLongArray hits = new AtomicLongArray(n);
            AtomicInteger nestedOffThread = new AtomicInteger();
            CpuThreads.run(n, Long.MAX_VALUE, i -> {
                hits.incrementAndGet(i);
                Thread me = Thread.currentThread();
                CpuThreads.run(4, Long.MAX_VALUE, j -> { if (Thread.currentThread() != me) nestedOffThread.incrementAndGet(); });
            });
            for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "item " + i);
            assertEquals(0, nestedOffThread.get(), "a nested region must not use other threads");
        }
    }

    @Test
    void usesTheConfiguredThreadsAndRethrows() {
        var names = ConcurrentHashMap.<String>newKeySet();
        for (int r = 0; r < 50 && names.size() < CpuThreads.threads(); r++) {
            CpuThreads.run(64, Long.MAX_VALUE, i -> {
                names.add(Thread.currentThread().getName());
                long t = System.nanoTime();
                while (System.nanoTime() - t < 20_000) Thread.onSpinWait();
            });
        }
        assertTrue(names.size() <= CpuThreads.threads());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CpuThreads.run(100, Long.MAX_VALUE, i -> {
            if (i == 57) throw new IllegalStateException("boom");
        }));
        assertEquals("boom", e.getMessage());
        // the pool is usable afterwards
        AtomicInteger count = new AtomicInteger();
        CpuThreads.run(10, Long.MAX_VALUE, i -> count.incrementAndGet());
        assertEquals(10, count.get());
    }
}
