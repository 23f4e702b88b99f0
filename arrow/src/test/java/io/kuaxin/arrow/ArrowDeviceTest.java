package io.kuaxin.arrow;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.kuaxin.arrow.ArrowCDataTest.GATHER;
import static io.kuaxin.arrow.ArrowCDataTest.RELEASE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Arrow with a device whose memory the host cannot read (Kuaxin's emulated {@code cuda:0}): one copy each way. */
class ArrowDeviceTest {
    static Kuaxin kx;
    static Device cuda;

    @BeforeAll
    static void open() { kx = Kuaxin.open(); cuda = kx.device("cuda:0"); }

    @AfterAll
    static void closeAll() { kx.close(); }

    @Test
    void vectorsAreCopiedOnceEachWay() {
        float[] v = {1, 2, 3, 4, 5, 6};
        try (BufferAllocator arrow = new RootAllocator()) {
            try (Tensor x = cuda.copyOf(v, Shape.of(3, 2));
                 FieldVector col = ArrowTensors.toVector(x, "e", arrow)) {
                Float4Vector items = (Float4Vector) ((FixedSizeListVector) col).getDataVector();
                for (int i = 0; i < 6; i++) assertEquals(v[i], items.get(i));
                try (Tensor back = ArrowTensors.toTensor(col, cuda)) {
                    assertEquals(cuda, back.device());
                    assertArrayEquals(v, back.toFloatArray());
                    items.set(0, 42f); // a copy: the device tensor does not see it
                    assertEquals(1f, back.toFloatArray()[0]);
                }
            }
            assertEquals(0, arrow.getAllocatedMemory());
        }
    }

    @Test
    void cDataExportOfADeviceTensorIsOneHostCopy() throws Throwable {
        int live = ArrowCData.liveExports();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment array = a.allocate(ArrowCData.arraySize()), schema = a.allocate(ArrowCData.schemaSize());
            try (Tensor x = cuda.copyOf(new float[]{1, 2, 3, 4}, Shape.of(2, 2))) {
                ArrowCData.exportTensor(x, "d", array, schema);
            }
            MemorySegment vals = a.allocate(JAVA_LONG, 4);
            assertEquals(4L, (long) GATHER.invokeExact(array, schema, vals));
            for (int i = 0; i < 4; i++) assertEquals(i + 1f, Float.intBitsToFloat((int) vals.getAtIndex(JAVA_LONG, i)));
            try (Tensor back = ArrowCData.importTensor(array, schema, cuda)) { // host memory to the device: a copy
                assertArrayEquals(new float[]{1, 2, 3, 4}, back.toFloatArray());
            }
            RELEASE.invokeExact(MemorySegment.NULL, schema);
        }
        assertEquals(live, ArrowCData.liveExports());
    }
}
