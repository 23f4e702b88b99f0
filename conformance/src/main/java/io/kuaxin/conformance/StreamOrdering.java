package io.kuaxin.conformance;

import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.StreamBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream-ordering check every backend's runtime tests share, at the SPI level (no automatic cross-stream
 * tracking): with the writer's stream made slow on demand, a reader on another stream sees stale data without an
 * event and the writer's data after {@code waitEvent}, so the effect of the wait is observed, not assumed. Test
 * support; uses JUnit assertions.
 */
public final class StreamOrdering {
    private static final int BYTES = 1 << 16;
    private static final byte OLD = 0, NEW = 0x5a;

    private StreamOrdering() {}

    /**
     * @param slowNextTask makes the next task enqueued on the given stream take a few hundred milliseconds (an
     *                     emulator's delay control, or a sleeping task the backend queues first)
     */
    public static void readerSeesTheWriteOnlyThroughTheEvent(DeviceBackend dev, Consumer<StreamBackend> slowNextTask) {
        StreamBackend writer = dev.createStream(), reader = dev.createStream();
        long src = dev.allocate(BYTES), dst = dev.allocate(BYTES);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seen = dev.allocateHost(BYTES, arena);
            writer.fill(src, BYTES, NEW);
            writer.fill(dst, BYTES, OLD);
            writer.synchronize();

            // no event: the reader runs ahead of the slow writer and sees the old bytes
            slowNextTask.accept(writer);
            writer.copyDeviceToDevice(src, dst, BYTES);
            reader.copyDeviceToHost(dst, seen, BYTES);
            reader.synchronize();
            assertEquals(OLD, seen.get(ValueLayout.JAVA_BYTE, BYTES - 1),
                    "without an event the reader should not have waited for the slow writer (is the writer slow?)");
            writer.synchronize();

            // with the event: the same race, now ordered
            writer.fill(dst, BYTES, OLD);
            writer.synchronize();
            slowNextTask.accept(writer);
            writer.copyDeviceToDevice(src, dst, BYTES);
            EventBackend written = writer.recordEvent();
            assertFalse(written.isComplete(), "the event after a slow copy completed at once");
            reader.waitEvent(written);
            reader.copyDeviceToHost(dst, seen, BYTES);
            reader.synchronize();
            assertTrue(written.isComplete(), "the reader's stream finished before the event it waited for");
            for (int i = 0; i < BYTES; i += 997) {
                assertEquals(NEW, seen.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " read before the write it waited for");
            }
            assertEquals(NEW, seen.get(ValueLayout.JAVA_BYTE, BYTES - 1));
            written.close();
        } finally {
            writer.synchronize();
            reader.synchronize();
            dev.free(src);
            dev.free(dst);
            writer.close();
            reader.close();
        }
    }
}
