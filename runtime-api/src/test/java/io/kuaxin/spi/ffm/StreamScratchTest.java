package io.kuaxin.spi.ffm;

import io.kuaxin.DeviceOutOfMemoryException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamScratchTest {
    @Test
    void reusesASlotThatIsLargeEnoughWithoutWaiting() {
        Fakes f = new Fakes();
        try (StreamScratch s = new StreamScratch(f.device, f.stream("s1"))) {
            long a = s.get(StreamScratch.WORKSPACE, 1000);
            assertEquals(a, s.get(StreamScratch.WORKSPACE, 65536), "64 KiB minimum covers both");
            assertEquals(0, s.get(StreamScratch.WORKSPACE, 0), "nothing asked, nothing given");
            assertEquals(List.of("alloc 65536"), f.log);
        }
        assertEquals(0, f.liveBytes());
    }

    @Test
    void growingDoublesAndWaitsForTheStreamBeforeFreeingTheOldBlock() {
        Fakes f = new Fakes();
        try (StreamScratch s = new StreamScratch(f.device, f.stream("s1"))) {
            long a = s.get(StreamScratch.TEMP0, 100_000);
            assertEquals(131072, s.bytesHeld(), "rounded up to a power of two");
            long b = s.get(StreamScratch.TEMP0, 131073);
            assertNotEquals(a, b);
            assertEquals(262144, s.bytesHeld());
            int sync = f.log.indexOf("sync s1"), free = f.log.indexOf("free " + a);
            assertTrue(sync >= 0 && free > sync, "queued work may still read the old block: " + f.log);
            assertEquals(1, f.live.size(), "the old block is gone");
        }
        assertEquals(0, f.liveBytes());
    }

    @Test
    void slotsAndStreamsNeverShareABlock() {
        Fakes f = new Fakes();
        try (StreamScratch s1 = new StreamScratch(f.device, f.stream("s1"));
             StreamScratch s2 = new StreamScratch(f.device, f.stream("s2"))) {
            long w1 = s1.get(StreamScratch.WORKSPACE, 10), t1 = s1.get(StreamScratch.TEMP1, 10);
            long w2 = s2.get(StreamScratch.WORKSPACE, 10);
            assertNotEquals(w1, t1);
            assertNotEquals(w1, w2);
            s2.get(StreamScratch.WORKSPACE, 1 << 20); // grows s2 only: waits for s2, never for s1
            assertTrue(f.log.contains("sync s2") && !f.log.contains("sync s1"), f.log::toString);
            assertTrue(f.live.containsKey(w1), "s1's block is untouched");
            s2.close();
            assertEquals(2 * 65536, f.liveBytes(), "closing s2 frees only s2's blocks");
        }
        assertEquals(0, f.liveBytes());
    }

    @Test
    void outOfMemoryLeavesTheSlotEmptyAndTheScratchUsable() {
        Fakes f = new Fakes();
        f.capacity = 1 << 20;
        try (StreamScratch s = new StreamScratch(f.device, f.stream("s1"))) {
            s.get(StreamScratch.WORKSPACE, 1000);
            assertThrows(DeviceOutOfMemoryException.class, () -> s.get(StreamScratch.WORKSPACE, 2 << 20));
            assertEquals(0, s.bytesHeld());
            assertEquals(0, f.liveBytes(), "the old block was freed, nothing leaked");
            assertTrue(s.get(StreamScratch.WORKSPACE, 1000) != 0, "a later smaller request succeeds");
        }
        assertEquals(0, f.liveBytes());
    }

    @Test
    void closeIsIdempotentAndRejectsBadShapes() {
        Fakes f = new Fakes();
        StreamScratch s = new StreamScratch(f.device, f.stream("s1"), 1, 1 << 20);
        s.get(0, 1);
        assertEquals(1 << 20, s.bytesHeld());
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(1, 1));
        s.close();
        s.close();
        assertEquals(0, f.liveBytes());
        assertThrows(IllegalArgumentException.class, () -> new StreamScratch(f.device, f.stream("x"), 0, 1));
    }
}
