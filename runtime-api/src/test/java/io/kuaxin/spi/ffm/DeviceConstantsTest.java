package io.kuaxin.spi.ffm;

import io.kuaxin.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeviceConstantsTest {
    @Test
    void uploadsEachConstantOnceWithItsValues() {
        Fakes f = new Fakes();
        List<float[]> uploads = new ArrayList<>();
        try (DeviceConstants c = new DeviceConstants(f.device,
                (dst, host, bytes) -> uploads.add(host.toArray(ValueLayout.JAVA_FLOAT)))) {
            long ones = c.filled(DType.F32, 3, 1.0);
            assertEquals(ones, c.filled(DType.F32, 3, 1.0));
            long offsets = c.of(DType.F32, 0, 7);
            assertNotEquals(ones, offsets);
            assertEquals(2, uploads.size());
            assertEquals(List.of(1f, 1f, 1f), boxed(uploads.get(0)));
            assertEquals(List.of(0f, 7f), boxed(uploads.get(1)));
            assertEquals(2, c.size());
        }
        assertEquals(0, f.liveBytes());
    }

    @Test
    void aFailedUploadFreesItsBlockAndKeepsNothing() {
        Fakes f = new Fakes();
        try (DeviceConstants c = new DeviceConstants(f.device, (dst, host, bytes) -> {
            throw new IllegalStateException("copy failed");
        })) {
            assertThrows(IllegalStateException.class, () -> c.get("k", 16, (MemorySegment h) -> {}));
            assertEquals(0, f.liveBytes());
            assertEquals(0, c.size());
        }
    }

    private static List<Float> boxed(float[] a) {
        List<Float> out = new ArrayList<>();
        for (float v : a) out.add(v);
        return out;
    }
}
