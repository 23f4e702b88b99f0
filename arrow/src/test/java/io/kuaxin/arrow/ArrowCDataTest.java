package io.kuaxin.arrow;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.emulators.CPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Arrow C Data Interface against a C peer compiled with gcc: layouts, dtypes, nesting, lifetimes, bad input. */
class ArrowCDataTest {
    /** The independent C implementation in src/test/c. */
    static final CPeer PEER = CPeer.compile(Path.of("src/test/c/arrow_peer.c"));
    static final MethodHandle LAYOUT = PEER.fn("peer_layout", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    static final MethodHandle FORMATS = PEER.fn("peer_formats",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle GATHER = PEER.fn("peer_gather",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle MOVE_CHILD = PEER.fn("peer_move_child_then_release",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    static final MethodHandle RELEASE = PEER.fn("peer_release", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    static final MethodHandle IS_RELEASED = PEER.fn("peer_is_released", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    static final MethodHandle RELEASED = PEER.fn("peer_arrays_released", FunctionDescriptor.of(JAVA_LONG));
    static final MethodHandle MAKE = PEER.fn("peer_make_f32",
            FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
    static final MethodHandle MAKE_SCHEMA = PEER.fn("peer_make_schema",
            FunctionDescriptor.ofVoid(JAVA_LONG, ADDRESS, ADDRESS));

    static Kuaxin kx;
    static Device cpu;

    @BeforeAll
    static void open() { kx = Kuaxin.open(); cpu = kx.device("cpu"); }

    @AfterAll
    static void closeAll() { kx.close(); }

    @Test
    void structLayoutsAgreeWithTheCCompiler() throws Throwable {
        assertEquals((long) LAYOUT.invokeExact(0), ArrowCData.arraySize());
        assertEquals((long) LAYOUT.invokeExact(1), ArrowCData.schemaSize());
        assertEquals((long) LAYOUT.invokeExact(2), CDataLayout.A_RELEASE);
        assertEquals((long) LAYOUT.invokeExact(3), CDataLayout.S_RELEASE);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyDtypeIsReadByCAndComesBack(DType t) throws Throwable {
        String leaf = switch (t) { case F32 -> "f"; case F64 -> "g"; case F16 -> "e"; case I8 -> "c";
            case U8, BOOL -> "C"; case BF16 -> "S"; case I32 -> "i"; case I64 -> "l"; };
        for (Shape shape : new Shape[]{Shape.of(6), Shape.of(3, 5), Shape.of(2, 3, 2)}) {
            byte[] want = ArrowTensorsTest.randomBytes(t, shape.numel(), 7 + shape.rank());
            int live = ArrowCData.liveExports();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment array = a.allocate(ArrowCData.arraySize()), schema = a.allocate(ArrowCData.schemaSize());
                try (Tensor x = cpu.copyOf(MemorySegment.ofArray(want), t, shape)) {
                    ArrowCData.exportTensor(x, "col", array, schema);
                }
                MemorySegment text = a.allocate(128);
                int depth = (int) FORMATS.invokeExact(schema, text, 128);
                assertEquals(shape.rank(), depth);
                String expected = shape.rank() == 1 ? leaf : shape.rank() == 2 ? "+w:" + shape.dim(1) + "|" + leaf
                        : "+w:" + shape.dim(1) + "|+w:" + shape.dim(2) + "|" + leaf;
                assertEquals(expected, text.getString(0));
                MemorySegment vals = a.allocate(JAVA_LONG, shape.numel());
                assertEquals(shape.numel(), (long) GATHER.invokeExact(array, schema, vals));
                for (int i = 0; i < shape.numel(); i++) {
                    assertEquals(raw(want, t.byteSize(), i), vals.getAtIndex(JAVA_LONG, i), "element " + i);
                }
                // and Kuaxin reads its own export back, moving the array
                try (Tensor back = ArrowCData.importTensor(array, schema, cpu)) {
                    assertEquals(shape, back.shape());
                    assertEquals(t, back.dtype());
                    assertArrayEquals(want, ArrowTensorsTest.bytes(back));
                    assertEquals(1L, (long) IS_RELEASED.invokeExact(array), "the import moved the array");
                }
                RELEASE.invokeExact(MemorySegment.NULL, schema);
            }
            assertEquals(live, ArrowCData.liveExports());
        }
    }

    static long raw(byte[] b, int size, int i) {
        long v = 0;
        for (int k = size - 1; k >= 0; k--) v = (v << 8) | (b[i * size + k] & 0xff);
        return v;
    }

    @Test
    void stridedTensorsAreExportedDenseAndAMovedChildOutlivesItsParent() throws Throwable {
        float[] v = new float[4 * 6];
        for (int i = 0; i < v.length; i++) v[i] = i;
        int live = ArrowCData.liveExports();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment array = a.allocate(ArrowCData.arraySize()), schema = a.allocate(ArrowCData.schemaSize());
            try (Tensor x = cpu.copyOf(v, Shape.of(4, 6)); Tensor tr = x.transpose(0, 1)) {
                ArrowCData.exportTensor(tr, "t", array, schema);
                MemorySegment vals = a.allocate(JAVA_LONG, 24);
                assertEquals(24L, (long) GATHER.invokeExact(array, schema, vals));
                float[] want = tr.toFloatArray();
                for (int i = 0; i < 24; i++) {
                    assertEquals(want[i], Float.intBitsToFloat((int) vals.getAtIndex(JAVA_LONG, i)));
                }
            }
            long first = (long) MOVE_CHILD.invokeExact(array); // tensor closed, parent released, child still read
            assertEquals(0f, Float.intBitsToFloat((int) first));
            RELEASE.invokeExact(MemorySegment.NULL, schema);
        }
        assertEquals(live, ArrowCData.liveExports());
    }

    @Test
    void importFromACProducerWithoutCopyAndReleaseOnce() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            for (long cols : new long[]{0, 3}) {
                MemorySegment array = a.allocate(ArrowCData.arraySize()), schema = a.allocate(ArrowCData.schemaSize());
                long before = (long) RELEASED.invokeExact();
                MAKE.invokeExact(4L, cols, 2L, -1L, array);
                MAKE_SCHEMA.invokeExact(cols, a.allocateFrom("f"), schema);
                Tensor t = ArrowCData.importTensor(array, schema, cpu);
                RELEASE.invokeExact(MemorySegment.NULL, schema); // the schema is only read
                long per = cols == 0 ? 1 : cols;
                assertEquals(cols == 0 ? Shape.of(4) : Shape.of(4, 3), t.shape());
                float[] got = t.toFloatArray();
                for (int i = 0; i < got.length; i++) assertEquals(0.5f * (2 * per + i), got[i], "offset applied");
                Tensor view = t.slice(0, 1, 2);
                t.close();
                assertEquals(before, (long) RELEASED.invokeExact(), "a view is still open");
                assertEquals(0.5f * (3 * per), view.toFloatArray()[0]);
                view.close();
                assertEquals(before + 1, (long) RELEASED.invokeExact());
            }
        }
    }

    @Test
    void badInputIsATypedErrorAndNothingIsMoved() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment array = a.allocate(ArrowCData.arraySize()), schema = a.allocate(ArrowCData.schemaSize());
            long before = (long) RELEASED.invokeExact();
            // a null in slot 1
            MAKE.invokeExact(4L, 0L, 1L, 1L, array);
            MAKE_SCHEMA.invokeExact(0L, a.allocateFrom("f"), schema);
            assertThrows(InvalidArgumentException.class, () -> ArrowCData.importTensor(array, schema, cpu));
            assertEquals(0L, (long) IS_RELEASED.invokeExact(array));
            RELEASE.invokeExact(array, schema);
            // formats without a dtype
            for (String f : new String[]{"u", "b", "I", "+l"}) {
                MAKE.invokeExact(4L, 0L, 0L, -1L, array);
                MAKE_SCHEMA.invokeExact(0L, a.allocateFrom(f), schema);
                assertThrows(UnsupportedOpException.class, () -> ArrowCData.importTensor(array, schema, cpu), f);
                RELEASE.invokeExact(array, schema);
            }
            // list size 4 in the schema, 2 values per row in the child
            MAKE.invokeExact(3L, 2L, 0L, -1L, array);
            MAKE_SCHEMA.invokeExact(4L, a.allocateFrom("f"), schema);
            assertThrows(InvalidArgumentException.class, () -> ArrowCData.importTensor(array, schema, cpu));
            RELEASE.invokeExact(array, schema);
            assertEquals(before + 6, (long) RELEASED.invokeExact(), "each released once, by the caller");
            // an already released array, NULL pointers, a rank-0 export
            MAKE_SCHEMA.invokeExact(0L, a.allocateFrom("f"), schema);
            assertThrows(InvalidArgumentException.class, () -> ArrowCData.importTensor(array, schema, cpu));
            assertThrows(InvalidArgumentException.class,
                    () -> ArrowCData.importTensor(MemorySegment.NULL, schema, cpu));
            RELEASE.invokeExact(MemorySegment.NULL, schema);
            try (Tensor scalar = cpu.copyOf(new float[]{1}, Shape.of())) {
                assertThrows(InvalidArgumentException.class,
                        () -> ArrowCData.exportTensor(scalar, "s", array, schema));
            }
        }
    }

    @Test
    void tenThousandCyclesEitherSideFirstLeaveNothing() throws Throwable {
        cpu.synchronize();
        long baseline = cpu.memoryStats().allocatedBytes();
        int live = ArrowCData.liveExports();
        long released = (long) RELEASED.invokeExact();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment array = a.allocate(ArrowCData.arraySize()), schema = a.allocate(ArrowCData.schemaSize());
            MemorySegment f = a.allocateFrom("f");
            for (int i = 0; i < 10_000; i++) {
                boolean tensorFirst = (i & 1) == 0;
                Tensor x = cpu.copyOf(new float[]{i, i + 1, i + 2, i + 3}, Shape.of(2, 2));
                ArrowCData.exportTensor(x, "c", array, schema);
                if (tensorFirst) x.close();
                RELEASE.invokeExact(array, schema);
                if (!tensorFirst) x.close();
                MAKE.invokeExact(2L, 2L, 0L, -1L, array);
                MAKE_SCHEMA.invokeExact(2L, f, schema);
                Tensor t = ArrowCData.importTensor(array, schema, cpu);
                RELEASE.invokeExact(MemorySegment.NULL, schema);
                Tensor v = t.slice(0, 1, 2);
                if (tensorFirst) { t.close(); v.close(); } else { v.close(); t.close(); }
            }
        }
        cpu.synchronize();
        assertEquals(live, ArrowCData.liveExports());
        assertEquals(released + 10_000, (long) RELEASED.invokeExact());
        assertEquals(baseline, cpu.memoryStats().allocatedBytes());
    }
}
