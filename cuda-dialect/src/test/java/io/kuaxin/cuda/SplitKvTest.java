package io.kuaxin.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitKvTest {
    @Test
    void decodeWithLongKvAndFewRowsSplitsIntoWholeBlocks() {
        // 32 query heads, batch 1, one query row, 32K keys on a 132-multiprocessor part: 264 blocks wanted.
        SplitKv p = SplitKv.plan(1, 32, 1, 32768, 132, 256);
        assertTrue(p.split());
        assertEquals(0, p.chunk() % 256);
        assertTrue((long) p.splits() * p.chunk() >= 32768, p.toString());
        assertTrue((long) (p.splits() - 1) * p.chunk() < 32768, p.toString());
        assertTrue(32L * p.splits() >= 2 * 132 - 32, p.toString());
    }

    @Test
    void prefillShortKvAndFullDevicesDoNotSplit() {
        assertFalse(SplitKv.plan(1, 32, 128, 32768, 132, 256).split());   // prefill: enough rows
        assertFalse(SplitKv.plan(1, 32, 1, 300, 132, 256).split());       // under two chunks
        assertFalse(SplitKv.plan(64, 32, 1, 32768, 132, 256).split());    // 2048 rows fill the device
        assertFalse(SplitKv.plan(0, 32, 1, 32768, 132, 256).split());
    }

    @Test
    void unknownMultiprocessorCountAssumesADefault() {
        assertEquals(SplitKv.plan(1, 8, 1, 8192, SplitKv.DEFAULT_MULTIPROCESSORS, 256),
                SplitKv.plan(1, 8, 1, 8192, 0, 256));
        assertTrue(SplitKv.plan(1, 8, 1, 8192, 0, 256).splits() <= SplitKv.MAX_SPLITS);
    }
}
