package io.kuaxin.backend.cpu;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.MemoryStats;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MemoryLifetimeTest {
    @Test
    void statsReturnToZeroAfterAScopeCloses() {
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            try (Scope s = cpu.scope()) {
                Tensor a = s.copyOf(new float[1000], Shape.of(10, 100));
                Tensor view = a.transpose(0, 1);
                Tensor copy = Ops.copy(view); // op outputs join the first input's scope
                s.zeros(DType.BF16, Shape.of(3, 3));
                assertEquals(4, s.size());
                assertTrue(cpu.memoryStats().allocatedBytes() > 0);
                assertNotNull(copy.provenance());
            }
            cpu.synchronize();
            MemoryStats st = cpu.memoryStats();
            assertEquals(0, st.allocatedBytes(), st.toString());
            assertEquals(0, st.liveBlocks());
            assertTrue(st.peakAllocatedBytes() >= 8000);
        }
    }

    @Test
    void aDetachedTensorOutlivesItsScope() {
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            Tensor kept;
            try (Scope s = cpu.scope()) {
                kept = s.detach(s.copyOf(new float[] {1, 2}, Shape.of(2)));
            }
            assertArrayEquals(new float[] {1, 2}, kept.toFloatArray());
            kept.close();
            assertEquals(0, cpu.memoryStats().allocatedBytes());
        }
    }

    @Test
    void memoryUsedByInFlightWorkIsNotReusedEarly() throws Exception {
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            float[] data = new float[1 << 16];
            for (int i = 0; i < data.length; i++) data[i] = i;
            try (Stream side = cpu.newStream()) {
                for (int round = 0; round < 50; round++) {
                    Tensor src = cpu.copyOf(data, Shape.of(data.length));
                    Tensor dst = cpu.empty(DType.F32, Shape.of(data.length));
                    side.copy(src, dst); // waits for the default stream's upload, then copies
                    src.close();         // closed while the copy may still be queued
                    Tensor scribble = cpu.zeros(DType.F32, Shape.of(data.length)); // may reuse src's class
                    assertArrayEquals(data, dst.toFloatArray(), "round " + round);
                    scribble.close();
                    dst.close();
                }
            }
            cpu.synchronize();
            assertEquals(0, cpu.memoryStats().allocatedBytes());
        }
    }
}
