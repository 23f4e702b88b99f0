package io.kuaxin.cli;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmUpTest {
    @Test
    void stopsAtTheMaximumAfterTheMinimumRuns() {
        AtomicInteger n = new AtomicInteger();
        WarmUp.Result r = WarmUp.run(n::incrementAndGet, 7, 0, 0);
        assertEquals(7, r.runs());
        assertEquals(7, n.get());
    }

    @Test
    void waitsForTheJitToBeIdleBeyondTheMinimumTime() {
        AtomicInteger n = new AtomicInteger();
        long t0 = System.nanoTime();
        WarmUp.Result r = WarmUp.run(() -> {
            n.incrementAndGet();
            sleep(5);
        }, 3, 10_000_000L, 60_000_000_000L);
        long took = System.nanoTime() - t0;
        assertTrue(r.jitSettled(), "a sleeping workload leaves the JIT idle");
        // the minimum (10 ms) alone would stop after ~3 runs; the JIT must stay idle for a whole quiet window
        assertTrue(took >= WarmUp.QUIET_NANOS, "returned after " + took / 1e6 + " ms");
        assertTrue(r.runs() > 3 && r.runs() == n.get(), r.toString());
        assertTrue(took < 30_000_000_000L, "took " + took / 1e9 + " s");
    }

    @Test
    void aMaximumShorterThanTheQuietWindowReportsTheJitAsUnsettled() {
        WarmUp.Result r = WarmUp.run(() -> sleep(2), 1, 0, 20_000_000L);
        assertFalse(r.jitSettled());
        assertTrue(r.nanos() >= 20_000_000L && r.nanos() < WarmUp.QUIET_NANOS, r.toString());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
