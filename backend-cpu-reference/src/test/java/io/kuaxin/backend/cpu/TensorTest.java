package io.kuaxin.backend.cpu;

import io.kuaxin.ClosedResourceException;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;

class TensorTest {
    static Kuaxin kx;
    static Device cpu;

    @BeforeAll
    static void open() {
        kx = Kuaxin.open();
        cpu = kx.device("cpu");
    }

    @AfterAll
    static void close() { kx.close(); }

    static float[] iota(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i * 0.5f - 3;
        return a;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16", "F64"})
    void floatRoundTripRoundsOnceLikeTheDtype(DType dt) {
        float[] src = {0.1f, -2.7f, 1e-3f, 65504f, 3.14159f, 0f, -0f, 1f / 3};
        try (Scope s = cpu.scope()) {
            Tensor t = s.copyOf(src, dt, Shape.of(2, 4));
            float[] back = t.toFloatArray();
            for (int i = 0; i < src.length; i++) {
                float expected = switch (dt) {
                    case F16 -> Float.float16ToFloat(Float.floatToFloat16(src[i]));
                    case BF16 -> Float.intBitsToFloat(DType.floatToBf16(src[i]) << 16);
                    default -> src[i];
                };
                assertEquals(expected, back[i], "element " + i);
            }
        }
    }

    @Test
    void integerAndSegmentRoundTrips() {
        try (Scope s = cpu.scope(); Arena a = Arena.ofConfined()) {
            assertArrayEquals(new long[] {1, -2, 3}, s.copyOf(new int[] {1, -2, 3}, Shape.of(3)).toLongArray());
            assertArrayEquals(new long[] {Long.MAX_VALUE, -1}, s.copyOf(new long[] {Long.MAX_VALUE, -1}, Shape.of(2))
                    .toLongArray());
            MemorySegment seg = a.allocate(ValueLayout.JAVA_BYTE, 4);
            seg.copyFrom(MemorySegment.ofArray(new byte[] {-1, 2, 0, 127}));
            Tensor u8 = s.copyOf(seg, DType.U8, Shape.of(4));
            assertArrayEquals(new long[] {255, 2, 0, 127}, u8.toLongArray());
            MemorySegment out = a.allocate(4);
            u8.copyTo(out);
            assertEquals(-1, out.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    /** Element (i, j, k) of a row-major [2,3,4] iota. */
    static float at(int i, int j, int k) { return (i * 12 + j * 4 + k) * 0.5f - 3; }

    @Test
    void viewsShareMemoryAndContiguousGathersThem() {
        try (Scope s = cpu.scope()) {
            Tensor x = s.copyOf(iota(24), Shape.of(2, 3, 4));
            Tensor p = x.permute(2, 0, 1); // [4,2,3]
            assertFalse(p.isContiguous());
            float[] got = p.toFloatArray();
            int n = 0;
            for (int k = 0; k < 4; k++) for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) {
                assertEquals(at(i, j, k), got[n++]);
            }
            Tensor sl = x.slice(1, 1, 3).slice(2, 2, 4); // [2,2,2]
            got = sl.toFloatArray();
            n = 0;
            for (int i = 0; i < 2; i++) for (int j = 1; j < 3; j++) for (int k = 2; k < 4; k++) {
                assertEquals(at(i, j, k), got[n++]);
            }
            Tensor row = x.slice(0, 1, 2).slice(1, 0, 1).reshape(1, 1, 4);
            Tensor e = row.expand(3, 2, 4);
            got = e.toFloatArray();
            for (int r = 0; r < 6; r++) for (int k = 0; k < 4; k++) assertEquals(at(1, 0, k), got[r * 4 + k]);
            Tensor t = x.transpose(0, 2).contiguous();
            assertTrue(t.isContiguous());
            assertArrayEquals(x.permute(2, 1, 0).toFloatArray(), t.toFloatArray());
            assertEquals(Shape.of(6, 4), x.reshape(-1, 4).shape());
        }
    }

    @Test
    void badViewsAndCopiesAreTypedErrors() {
        try (Scope s = cpu.scope()) {
            Tensor x = s.copyOf(iota(24), Shape.of(2, 3, 4));
            assertThrows(InvalidArgumentException.class, () -> x.reshape(5, 5));
            assertThrows(InvalidArgumentException.class, () -> x.reshape(-1, -1));
            assertThrows(InvalidArgumentException.class, () -> x.permute(0, 0, 1));
            assertThrows(InvalidArgumentException.class, () -> x.permute(0, 1));
            assertThrows(InvalidArgumentException.class, () -> x.slice(1, 2, 4));
            assertThrows(InvalidArgumentException.class, () -> x.slice(3, 0, 1));
            assertThrows(InvalidArgumentException.class, () -> x.expand(2, 5, 4));
            var e = assertThrows(InvalidArgumentException.class, () -> x.transpose(0, 1).reshape(24));
            assertTrue(e.getMessage().contains("contiguous()"), e.getMessage());
            assertThrows(InvalidArgumentException.class, () -> s.copyOf(new float[5], Shape.of(2, 3)));
            try (Arena a = Arena.ofConfined()) {
                MemorySegment small = a.allocate(8);
                assertThrows(InvalidArgumentException.class, () -> x.copyTo(small));
            }
            assertThrows(InvalidArgumentException.class, () -> s.copyOf(new float[6], DType.I32, Shape.of(6)));
            Tensor y = s.empty(DType.F16, Shape.of(2, 3, 4));
            assertThrows(InvalidArgumentException.class, () -> cpu.defaultStream().copy(x, y));
        }
    }

    @Test
    void useAfterCloseAndDoubleCloseAreTypedErrors() {
        Tensor t = cpu.copyOf(iota(4), Shape.of(4));
        Tensor v = t.reshape(2, 2);
        t.close();
        assertThrows(ClosedResourceException.class, t::toFloatArray);
        assertThrows(ClosedResourceException.class, () -> t.reshape(4));
        assertThrows(ClosedResourceException.class, t::close);
        assertArrayEquals(iota(4), v.toFloatArray(), "a view keeps the memory alive");
        v.close();
        assertTrue(t.toString().contains("closed"), t.toString());
    }

    @Test
    void toStringIsShortAndSaysWhereTheDataCameFrom() {
        try (Scope s = cpu.scope()) {
            String str = s.copyOf(iota(6), DType.BF16, Shape.of(2, 3)).toString();
            assertTrue(str.startsWith("Tensor[bf16 [2, 3] on cpu:0"), str);
            assertTrue(str.length() < 120, str);
        }
    }
}
