package io.kuaxin.arrow;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Arrow vectors to and from tensors on the CPU: no copies, every dtype, strides, nulls, lifetimes, bad input. */
class ArrowTensorsTest {
    static Kuaxin kx;
    static Device cpu;
    BufferAllocator arrow;

    @BeforeAll
    static void open() { kx = Kuaxin.open(); cpu = kx.device("cpu"); }

    @AfterAll
    static void closeAll() { kx.close(); }

    @BeforeEach
    void allocator() { arrow = new RootAllocator(); }

    @AfterEach
    void noArrowBytesOutstanding() {
        assertEquals(0, arrow.getAllocatedMemory(), "Arrow bytes still allocated");
        arrow.close();
    }

    static byte[] randomBytes(DType t, long n, long seed) {
        byte[] b = new byte[Math.toIntExact(n * t.byteSize())];
        new Random(seed).nextBytes(b);
        if (t == DType.BOOL) for (int i = 0; i < b.length; i++) b[i] &= 1;
        return b;
    }

    static byte[] bytes(Tensor t) {
        byte[] b = new byte[Math.toIntExact(t.byteSize())];
        t.copyTo(MemorySegment.ofArray(b));
        return b;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyDtypeRoundTripsWithoutCopies(DType t) {
        for (Shape shape : new Shape[]{Shape.of(7), Shape.of(5, 3), Shape.of(2, 3, 4), Shape.of(0, 4)}) {
            byte[] want = randomBytes(t, shape.numel(), shape.rank() * 31L + t.ordinal());
            try (Tensor x = cpu.copyOf(MemorySegment.ofArray(want), t, shape);
                 FieldVector v = ArrowTensors.toVector(x, "col", arrow)) {
                assertEquals(shape.dim(0), v.getValueCount());
                FieldVector leaf = v;
                while (leaf instanceof FixedSizeListVector l) leaf = l.getDataVector();
                if (shape.numel() > 0) {
                    assertEquals(x.dataAddress(), leaf.getDataBuffer().memoryAddress(), "tensor -> vector shares");
                }
                try (Tensor back = ArrowTensors.toTensor(v, cpu)) {
                    assertEquals(shape, back.shape());
                    assertEquals(t, back.dtype());
                    if (shape.numel() > 0) {
                        assertEquals(leaf.getDataBuffer().memoryAddress(), back.dataAddress(), "vector -> tensor shares");
                    }
                    assertArrayEquals(want, bytes(back));
                }
            }
        }
    }

    @Test
    void arrowBuiltColumnIsReadInPlace() {
        try (FixedSizeListVector v = FixedSizeListVector.empty("emb", 3, arrow)) {
            v.addOrGetVector(FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
            Float4Vector items = (Float4Vector) v.getDataVector();
            v.allocateNew();
            items.allocateNew(6);
            for (int i = 0; i < 6; i++) items.set(i, i * 0.5f);
            items.setValueCount(6);
            v.setNotNull(0);
            v.setNotNull(1);
            v.setValueCount(2);
            try (Tensor t = ArrowTensors.toTensor(v, cpu)) {
                assertEquals(Shape.of(2, 3), t.shape());
                assertArrayEquals(new float[]{0, .5f, 1, 1.5f, 2, 2.5f}, t.toFloatArray());
                items.set(4, 9f); // a view: the tensor sees the vector's memory
                assertEquals(9f, t.toFloatArray()[4]);
            }
        }
    }

    /** Validity bitmaps are shared copy-on-write: all set, and a null written into one vector stays in that vector. */
    @Test
    void exportedValidityIsAllSetAndPrivateToEachVector() {
        // 9 Mi values: a 1.1 MiB bitmap, more than the first size of the shared ones file
        for (long n : new long[]{4, 9L << 20, 100_003}) {
            try (Tensor x = cpu.zeros(DType.I8, Shape.of(n));
                 FieldVector a = ArrowTensors.toVector(x, "a", arrow);
                 FieldVector b = ArrowTensors.toVector(x, "b", arrow)) {
                for (FieldVector v : new FieldVector[]{a, b}) {
                    assertEquals(0, v.getNullCount());
                    var validity = v.getValidityBuffer();
                    assertTrue(validity.capacity() >= (n + 7) / 8);
                    for (long i = 0; i < n / 8; i++) assertEquals(-1, validity.getByte(i), "bitmap byte " + i);
                }
                a.setNull(1);
                a.setNull(Math.toIntExact(n - 1));
                assertEquals(2, a.getNullCount());
                assertEquals(0, b.getNullCount(), "a null written into one vector leaked into another");
                try (FieldVector c = ArrowTensors.toVector(x, "c", arrow)) {
                    assertEquals(0, c.getNullCount(), "a null written into one vector leaked into a later one");
                    assertTrue(c.getValidityBuffer().memoryAddress() != a.getValidityBuffer().memoryAddress());
                }
            }
        }
        try (Tensor x = cpu.zeros(DType.F32, Shape.of(3, 5, 2));
             FixedSizeListVector v = (FixedSizeListVector) ArrowTensors.toVector(x, "nested", arrow)) {
            assertEquals(0, v.getNullCount());
            assertEquals(0, ((FixedSizeListVector) v.getDataVector()).getNullCount());
            assertEquals(0, ((FixedSizeListVector) v.getDataVector()).getDataVector().getNullCount());
        }
    }

    @Test
    void stridedViewsAreExportedDense() {
        float[] v = new float[4 * 6];
        for (int i = 0; i < v.length; i++) v[i] = i;
        try (Tensor x = cpu.copyOf(v, Shape.of(4, 6));
             Tensor tr = x.transpose(0, 1);
             Tensor sl = x.slice(1, 2, 5)) {
            for (Tensor view : new Tensor[]{tr, sl}) {
                try (FieldVector col = ArrowTensors.toVector(view, "v", arrow);
                     Tensor back = ArrowTensors.toTensor(col, cpu)) {
                    assertEquals(view.shape(), back.shape());
                    assertArrayEquals(view.toFloatArray(), back.toFloatArray());
                }
            }
        }
    }

    @Test
    void nullsAreRejectedOrMasked() {
        try (IntVector v = new IntVector("ids", arrow)) {
            v.allocateNew(4);
            v.set(0, 10);
            v.setNull(1);
            v.set(2, 30);
            v.set(3, 40);
            v.setValueCount(4);
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> ArrowTensors.toTensor(v, cpu));
            assertTrue(e.getMessage().contains("index 1"), e.getMessage());
            try (Tensor t = ArrowTensors.toTensor(v, cpu, Nulls.AS_STORED);
                 Tensor mask = ArrowTensors.validityMask(v, cpu)) {
                assertEquals(10, t.toLongArray()[0]);
                assertArrayEquals(new long[]{1, 0, 1, 1}, mask.toLongArray());
            }
        }
        try (FixedSizeListVector v = FixedSizeListVector.empty("emb", 2, arrow)) {
            v.addOrGetVector(FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
            Float4Vector items = (Float4Vector) v.getDataVector();
            v.allocateNew();
            items.allocateNew(6);
            for (int i = 0; i < 6; i++) items.set(i, i);
            items.setNull(3); // row 1 holds a null value
            items.setValueCount(6);
            for (int i = 0; i < 3; i++) v.setNotNull(i);
            v.setValueCount(3);
            assertThrows(InvalidArgumentException.class, () -> ArrowTensors.toTensor(v, cpu));
            try (Tensor mask = ArrowTensors.validityMask(v, cpu)) {
                assertArrayEquals(new long[]{1, 0, 1}, mask.toLongArray());
            }
        }
    }

    @Test
    void bitVectorIsUnpackedToBool() {
        try (BitVector v = new BitVector("flags", arrow)) {
            v.allocateNew(5);
            int[] bits = {1, 0, 0, 1, 1};
            for (int i = 0; i < 5; i++) v.set(i, bits[i]);
            v.setValueCount(5);
            try (Tensor t = ArrowTensors.toTensor(v, cpu)) {
                assertEquals(DType.BOOL, t.dtype());
                assertArrayEquals(new long[]{1, 0, 0, 1, 1}, t.toLongArray());
            }
        }
    }

    @Test
    void badInputIsATypedError() {
        try (VarCharVector s = new VarCharVector("text", arrow)) {
            s.allocateNew(1);
            s.set(0, "hi".getBytes(StandardCharsets.UTF_8));
            s.setValueCount(1);
            UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> ArrowTensors.toTensor(s, cpu));
            assertTrue(e.getMessage().contains("Utf8"), e.getMessage());
        }
        try (UInt4Vector u = new UInt4Vector("u", arrow)) {
            u.allocateNew(1);
            u.setValueCount(1);
            assertThrows(UnsupportedOpException.class, () -> ArrowTensors.toTensor(u, cpu));
        }
        try (FixedSizeListVector v = FixedSizeListVector.empty("emb", 4, arrow)) {
            v.addOrGetVector(FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
            v.allocateNew();
            ((Float4Vector) v.getDataVector()).allocateNew(8);
            v.setNotNull(0);
            v.setNotNull(1);
            v.setValueCount(2);
            v.getDataVector().setValueCount(5); // 2 lists of 4 need 8
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> ArrowTensors.toTensor(v, cpu));
            assertTrue(e.getMessage().contains("need 8"), e.getMessage());
        }
        try (Tensor scalar = cpu.copyOf(new float[]{1}, Shape.of())) {
            assertThrows(InvalidArgumentException.class, () -> ArrowTensors.toVector(scalar, "s", arrow));
        }
        try (Tensor ok = cpu.copyOf(new float[]{1, 2}, Shape.of(2))) { // the device is still usable
            assertArrayEquals(new float[]{1, 2}, ok.toFloatArray());
        }
    }

    @Test
    void tenThousandCyclesEitherSideFirstLeaveBothAllocatorsAtBaseline() {
        cpu.synchronize();
        long baseline = cpu.memoryStats().allocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            boolean tensorFirst = (i & 1) == 0;
            // tensor -> vector
            Tensor x = cpu.copyOf(new float[]{i, i + 1, i + 2, i + 3}, Shape.of(2, 2));
            FieldVector v = ArrowTensors.toVector(x, "c", arrow);
            if (tensorFirst) {
                x.close();
                assertEquals(i + 3, ((Float4Vector) ((FixedSizeListVector) v).getDataVector()).get(3));
                v.close();
            } else {
                v.close();
                assertEquals(i + 3, x.toFloatArray()[3]);
                x.close();
            }
            // vector -> tensor
            Float4Vector f = new Float4Vector("f", arrow);
            f.allocateNew(3);
            for (int k = 0; k < 3; k++) f.set(k, i + k);
            f.setValueCount(3);
            Tensor t = ArrowTensors.toTensor(f, cpu);
            if (tensorFirst) {
                t.close();
                assertEquals(i + 2, f.get(2));
                f.close();
            } else {
                f.close();
                assertEquals(i + 2, t.toFloatArray()[2]);
                t.close();
            }
        }
        cpu.synchronize();
        assertEquals(baseline, cpu.memoryStats().allocatedBytes(), "Kuaxin bytes still allocated");
        // and Arrow's allocator is checked after each test
        assertInstanceOf(RootAllocator.class, arrow);
    }
}
