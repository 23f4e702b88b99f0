package io.kuaxin.dlpack;

import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.kuaxin.dlpack.DLPackTest.DELETED;
import static io.kuaxin.dlpack.DLPackTest.DESCRIBE;
import static io.kuaxin.dlpack.DLPackTest.MAKE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** DLPack on a device whose memory the host cannot read: Kuaxin's emulated {@code cuda:0}. */
class DLPackDeviceTest {
    static Kuaxin kx;
    static Device cuda, cpu;

    @BeforeAll
    static void open() {
        kx = Kuaxin.open();
        cuda = kx.device("cuda:0");
        cpu = kx.device("cpu");
    }

    @AfterAll
    static void close() { kx.close(); }

    @Test
    void deviceTensorsTravelAsKDLCudaPointers() throws Throwable {
        int live = DLPack.liveExports();
        try (Tensor x = cuda.copyOf(new float[]{1, 2, 3, 4, 5, 6}, Shape.of(2, 3)); Tensor xt = x.transpose(0, 1)) {
            MemorySegment m = DLPack.export(xt, false);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment out = a.allocate(JAVA_LONG, 64);
                int n = (int) DESCRIBE.invokeExact(m, out);
                long[] d = out.asSlice(0, 8L * n).toArray(JAVA_LONG);
                assertEquals(2, d[3], "kDLCUDA");
                assertEquals(0, d[4], "device_id");
                assertArrayEquals(new long[]{3, 2, 1, 3}, new long[]{d[10], d[11], d[12], d[13]});
            }
            assertEquals(x.dataAddress(), ((MemorySegment) DLLayout.DATA.get(m)).address(), "the device pointer");
            assertThrows(InvalidArgumentException.class, () -> DLPack.fromDLPack(m, cpu), "not the CPU's memory");
            try (Tensor back = DLPack.fromDLPack(m, cuda)) { // a view of the same device memory
                assertEquals(x.dataAddress(), back.dataAddress());
                assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, back.toFloatArray());
            }
        }
        assertEquals(live, DLPack.liveExports());
        assertThrows(UnsupportedOpException.class, () -> {
            try (Tensor x = cuda.copyOf(new float[]{1}, Shape.of(1))) {
                x.hostSegment();
            }
        });
    }

    @Test
    void hostProducerIsCopiedOnceToTheDevice() throws Throwable {
        long before = (long) DELETED.invokeExact();
        MemorySegment p = (MemorySegment) MAKE.invokeExact(2L, 3L, 0, 1, 0, 1, 0L, 0L);
        try (Tensor t = DLPack.fromDLPack(p, cuda)) {
            assertEquals(before + 1, (long) DELETED.invokeExact(), "copied, so released at once");
            assertEquals(cuda, t.device());
            assertArrayEquals(new float[]{0, 1, 2, 1000, 1001, 1002}, t.toFloatArray());
        }
        MemorySegment other = (MemorySegment) MAKE.invokeExact(2L, 3L, 0, 2, 1, 1, 0L, 0L); // kDLCUDA:1
        assertThrows(InvalidArgumentException.class, () -> DLPack.fromDLPack(other, cuda));
        DLPackTest.DELETE.invokeExact(other);
    }
}
