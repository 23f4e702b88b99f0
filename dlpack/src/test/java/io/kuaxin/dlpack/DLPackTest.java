package io.kuaxin.dlpack;

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
import java.util.Random;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DLPack export and import against a C peer compiled with gcc: layouts, every dtype, strides, lifetimes, errors. */
class DLPackTest {
    /** The independent C implementation in src/test/c. */
    static final CPeer PEER = CPeer.compile(Path.of("src/test/c/dlpack_peer.c"));
    static final MethodHandle LAYOUT = PEER.fn("peer_layout", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    static final MethodHandle DESCRIBE = PEER.fn("peer_describe", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle GATHER = PEER.fn("peer_gather", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
    static final MethodHandle DELETE = PEER.fn("peer_delete", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle DELETED = PEER.fn("peer_deleted", FunctionDescriptor.of(JAVA_LONG));
    static final MethodHandle MAKE = PEER.fn("peer_make_f32", FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG,
            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle SET_DTYPE = PEER.fn("peer_set_dtype",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle DROP_STRIDES = PEER.fn("peer_drop_strides", FunctionDescriptor.ofVoid(ADDRESS));

    static Kuaxin kx;
    static Device cpu;

    @BeforeAll
    static void open() { kx = Kuaxin.open(); cpu = kx.device("cpu"); }

    @AfterAll
    static void close() { kx.close(); }

    @Test
    void structLayoutAgreesWithTheCCompiler() throws Throwable {
        assertEquals((long) LAYOUT.invokeExact(0), DLPack.structSize());
        assertEquals((long) LAYOUT.invokeExact(1), DLLayout.DL_TENSOR_AT);
        assertEquals((long) LAYOUT.invokeExact(2), DLLayout.MANAGED.byteOffset(
                java.lang.foreign.MemoryLayout.PathElement.groupElement("dl_tensor"),
                java.lang.foreign.MemoryLayout.PathElement.groupElement("byte_offset")));
        assertEquals((long) LAYOUT.invokeExact(3), DLLayout.MANAGED.byteOffset(
                java.lang.foreign.MemoryLayout.PathElement.groupElement("flags")));
    }

    /** Random raw bytes of a dtype, valid for it (bool 0/1). */
    static byte[] randomBytes(DType t, int n, long seed) {
        byte[] b = new byte[n * t.byteSize()];
        new Random(seed).nextBytes(b);
        if (t == DType.BOOL) for (int i = 0; i < b.length; i++) b[i] &= 1;
        return b;
    }

    /** Element {@code i} of little-endian raw bytes, widened as the C peer widens it (zero-extended bytes). */
    static long raw(byte[] b, int size, int i) {
        long v = 0;
        for (int k = size - 1; k >= 0; k--) v = (v << 8) | (b[i * size + k] & 0xff);
        return v;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void exportEveryDtypeIsReadByCAndComesBack(DType t) throws Throwable {
        int rows = 3, cols = 5;
        byte[] bytes = randomBytes(t, rows * cols, t.ordinal());
        int live = DLPack.liveExports();
        Tensor x = cpu.copyOf(MemorySegment.ofArray(bytes), t, Shape.of(rows, cols));
        MemorySegment m = DLPack.export(x, false);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_LONG, 64);
            int n = (int) DESCRIBE.invokeExact(m, out);
            long[] d = out.asSlice(0, 8L * n).toArray(JAVA_LONG);
            int code = switch (t) { case F32, F16, F64 -> 2; case BF16 -> 4; case I8, I32, I64 -> 0; case U8 -> 1;
                case BOOL -> 6; };
            assertArrayEquals(new long[]{1, 1, 0, 1, 0, 2, code, 8L * t.byteSize(), 1, 0, rows, cols, cols, 1}, d);
            MemorySegment vals = a.allocate(JAVA_LONG, rows * cols);
            assertEquals(rows * cols, (long) GATHER.invokeExact(m, vals));
            for (int i = 0; i < rows * cols; i++) {
                assertEquals(raw(bytes, t.byteSize(), i), vals.getAtIndex(JAVA_LONG, i), "element " + i);
            }
        }
        x.close(); // the export keeps the memory
        Tensor back = DLPack.fromDLPack(m, cpu);
        byte[] got = new byte[bytes.length];
        back.copyTo(MemorySegment.ofArray(got));
        assertArrayEquals(bytes, got);
        assertEquals(live + 1, DLPack.liveExports());
        back.close(); // calls the export's deleter
        assertEquals(live, DLPack.liveExports());
    }

    @Test
    void stridedViewsKeepTheirStrides() throws Throwable {
        float[] v = new float[4 * 6];
        for (int i = 0; i < v.length; i++) v[i] = i;
        try (Tensor x = cpu.copyOf(v, Shape.of(4, 6));
             Tensor tr = x.transpose(0, 1);
             Tensor sl = x.slice(1, 1, 5).slice(0, 1, 3)) {
            for (Tensor view : new Tensor[]{tr, sl}) {
                MemorySegment m = DLPack.export(view, true);
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment out = a.allocate(JAVA_LONG, 64);
                    int n = (int) DESCRIBE.invokeExact(m, out);
                    long[] d = out.asSlice(0, 8L * n).toArray(JAVA_LONG);
                    assertEquals(1, d[2], "read-only flag");
                    assertArrayEquals(view.strides(), new long[]{d[12], d[13]});
                    MemorySegment vals = a.allocate(JAVA_LONG, view.numel());
                    long count = (long) GATHER.invokeExact(m, vals);
                    float[] want = view.toFloatArray();
                    for (int i = 0; i < count; i++) {
                        assertEquals(want[i], Float.intBitsToFloat((int) vals.getAtIndex(JAVA_LONG, i)));
                    }
                    Tensor back = DLPack.fromDLPack(m, cpu); // read-only: copied, deleter called at once
                    assertArrayEquals(want, back.toFloatArray());
                    assertTrue(back.isContiguous());
                    back.close();
                }
            }
        }
    }

    @Test
    void importFromCProducerWithoutCopyAndDeleterOnce() throws Throwable {
        for (int transposed = 0; transposed <= 1; transposed++) {
            long before = (long) DELETED.invokeExact();
            MemorySegment m = (MemorySegment) MAKE.invokeExact(3L, 4L, transposed, 1, 0, 1, 0L, 2L);
            Tensor t = DLPack.fromDLPack(m, cpu);
            assertEquals(transposed == 1 ? Shape.of(4, 3) : Shape.of(3, 4), t.shape());
            float[] got = t.toFloatArray();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    float want = i * 1000 + j;
                    assertEquals(want, transposed == 1 ? got[j * 3 + i] : got[i * 4 + j]);
                }
            }
            // a view: the tensor's memory is the producer's
            long data = t.dataAddress();
            Tensor view = t.slice(0, 1, 2);
            t.close();
            assertEquals(before, (long) DELETED.invokeExact(), "a view is still open");
            assertEquals(data + 4L * view.strides()[0], view.dataAddress());
            view.close();
            assertEquals(before + 1, (long) DELETED.invokeExact());
        }
    }

    @Test
    void nullStridesMeanRowMajor() throws Throwable {
        long before = (long) DELETED.invokeExact();
        MemorySegment m = (MemorySegment) MAKE.invokeExact(2L, 3L, 0, 1, 0, 1, 0L, 0L);
        DROP_STRIDES.invokeExact(m);
        try (Tensor t = DLPack.fromDLPack(m, cpu)) {
            assertArrayEquals(new float[]{0, 1, 2, 1000, 1001, 1002}, t.toFloatArray());
        }
        assertEquals(before + 1, (long) DELETED.invokeExact());
    }

    @Test
    void readOnlyImportIsCopiedAndReleasedAtOnce() throws Throwable {
        long before = (long) DELETED.invokeExact();
        MemorySegment m = (MemorySegment) MAKE.invokeExact(2L, 2L, 0, 1, 0, 1, DLLayout.FLAG_READ_ONLY, 0L);
        try (Tensor t = DLPack.fromDLPack(m, cpu)) {
            cpu.synchronize();
            assertEquals(before + 1, (long) DELETED.invokeExact());
            assertArrayEquals(new float[]{0, 1, 1000, 1001}, t.toFloatArray());
        }
    }

    @Test
    void badInputIsATypedErrorAndTheStructStaysTheCallers() throws Throwable {
        long before = (long) DELETED.invokeExact();
        assertThrows(InvalidArgumentException.class, () -> DLPack.fromDLPack(MemorySegment.NULL, cpu));
        MemorySegment[] bad = {
                (MemorySegment) MAKE.invokeExact(2L, 2L, 0, 1, 0, 2, 0L, 0L),   // major version 2
                (MemorySegment) MAKE.invokeExact(2L, 2L, 0, 2, 0, 1, 0L, 0L),   // kDLCUDA:0 onto cpu
                (MemorySegment) MAKE.invokeExact(2L, 2L, 0, 10, 1, 1, 0L, 0L),  // kDLROCM:1
                (MemorySegment) MAKE.invokeExact(2L, 2L, 0, 99, 0, 1, 0L, 0L),  // no such device type
        };
        for (MemorySegment m : bad) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> DLPack.fromDLPack(m, cpu));
            assertTrue(e.getMessage().contains("major version") || e.getMessage().contains("cpu:0"), e.getMessage());
        }
        MemorySegment complex = (MemorySegment) MAKE.invokeExact(2L, 2L, 0, 1, 0, 1, 0L, 0L);
        SET_DTYPE.invokeExact(complex, 5, 64, 1);
        assertThrows(UnsupportedOpException.class, () -> DLPack.fromDLPack(complex, cpu));
        MemorySegment lanes = (MemorySegment) MAKE.invokeExact(2L, 2L, 0, 1, 0, 1, 0L, 0L);
        SET_DTYPE.invokeExact(lanes, 2, 32, 4);
        assertThrows(InvalidArgumentException.class, () -> DLPack.fromDLPack(lanes, cpu));
        MemorySegment misaligned = (MemorySegment) MAKE.invokeExact(2L, 2L, 0, 1, 0, 1, 0L, 1L);
        SET_DTYPE.invokeExact(misaligned, 2, 64, 1); // f64 at byte_offset 4
        assertThrows(InvalidArgumentException.class, () -> DLPack.fromDLPack(misaligned, cpu), "alignment");
        assertEquals(before, (long) DELETED.invokeExact(), "a failed import takes nothing");
        for (MemorySegment m : bad) DELETE.invokeExact(m);
        DELETE.invokeExact(complex);
        DELETE.invokeExact(lanes);
        DELETE.invokeExact(misaligned);
        assertEquals(before + bad.length + 3, (long) DELETED.invokeExact());
        // the device is still usable
        try (Tensor t = cpu.copyOf(new float[]{1, 2}, Shape.of(2))) {
            assertArrayEquals(new float[]{1, 2}, t.toFloatArray());
        }
    }

    @Test
    void tenThousandCyclesEitherSideFirstLeaveNothing() throws Throwable {
        cpu.synchronize();
        long baseline = cpu.memoryStats().allocatedBytes();
        int live = DLPack.liveExports();
        long deleted = (long) DELETED.invokeExact();
        for (int i = 0; i < 10_000; i++) {
            boolean tensorFirst = (i & 1) == 0;
            Tensor x = cpu.copyOf(new float[]{i, i + 1, i + 2}, Shape.of(3));
            MemorySegment m = DLPack.export(x, false);
            if (tensorFirst) x.close();
            DELETE.invokeExact(m); // the consumer is done
            if (!tensorFirst) {
                assertEquals(i + 2, x.toFloatArray()[2]);
                x.close();
            }
            MemorySegment p = (MemorySegment) MAKE.invokeExact(1L, 2L, 0, 1, 0, 1, 0L, 0L);
            Tensor y = DLPack.fromDLPack(p, cpu);
            Tensor v = y.slice(1, 1, 2);
            if (tensorFirst) { y.close(); v.close(); } else { v.close(); y.close(); }
        }
        cpu.synchronize();
        assertEquals(live, DLPack.liveExports());
        assertEquals(deleted + 10_000, (long) DELETED.invokeExact());
        assertEquals(baseline, cpu.memoryStats().allocatedBytes());
    }

    @Test
    void wrapValidatesAtTheFrontDoor() {
        Runnable none = () -> { };
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mem = a.allocate(64, 64);
            assertThrows(InvalidArgumentException.class, () -> cpu.wrap(MemorySegment.ofArray(new float[4]),
                    DType.F32, Shape.of(4), new long[]{1}, 0, none), "heap");
            assertThrows(InvalidArgumentException.class,
                    () -> cpu.wrap(mem, DType.F32, Shape.of(17), new long[]{1}, 0, none), "past the end");
            assertThrows(InvalidArgumentException.class,
                    () -> cpu.wrap(mem, DType.F32, Shape.of(4, 4), new long[]{5, 1}, 0, none), "strides past end");
            assertThrows(InvalidArgumentException.class,
                    () -> cpu.wrap(mem, DType.F32, Shape.of(4), new long[]{-1}, 3, none), "negative stride");
            assertThrows(InvalidArgumentException.class,
                    () -> cpu.wrap(mem.asSlice(2), DType.F32, Shape.of(4), new long[]{1}, 0, none), "misaligned");
            assertThrows(InvalidArgumentException.class,
                    () -> cpu.wrap(mem, DType.F32, Shape.of(4), new long[]{1, 1}, 0, none), "rank");
            int[] released = {0};
            Tensor t = cpu.wrap(mem, DType.F32, Shape.of(4, 4), new long[]{4, 1}, 0, () -> released[0]++);
            mem.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 5, 7f);
            assertEquals(7f, t.toFloatArray()[5]);
            Tensor s = t.share();
            t.close();
            assertEquals(0, released[0]);
            s.close();
            assertEquals(1, released[0]);
            Tensor empty = cpu.wrap(mem, DType.F32, Shape.of(0, 4), new long[]{4, 1}, 0, () -> released[0]++);
            assertEquals(0, empty.hostSegment().byteSize());
            empty.close();
            assertEquals(2, released[0]);
            assertEquals(0, mem.get(JAVA_BYTE, 0)); // untouched by Kuaxin
        }
    }
}
