package io.kuaxin.spi;

import io.kuaxin.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;

/** The kernel-side view: the segment it spans, what it keeps once made, and its value semantics. */
class TensorRefTest {
    private static TensorRef ref(long address, DType t, long[] shape, long[] strides) {
        return new TensorRef(address, t, shape, strides);
    }

    @Test
    void theSegmentSpansExactlyTheElementsTheViewCanReach() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(256, 64);
            long a = m.address();
            // by hand: (last index + 1) · element size, last index = Σ (extent − 1) · stride
            assertEquals(24, ref(a, DType.F32, new long[] {2, 3}, new long[] {3, 1}).segment().byteSize());
            assertEquals((8 + 2 * 2 + 1) * 4, ref(a, DType.F32, new long[] {2, 3}, new long[] {8, 2}).segment().byteSize());
            assertEquals(3 * 2, ref(a, DType.BF16, new long[] {4, 3}, new long[] {0, 1}).segment().byteSize());
            assertEquals(8, ref(a, DType.F64, new long[] {}, new long[] {}).segment().byteSize());
            assertSame(MemorySegment.NULL, ref(a, DType.F32, new long[] {2, 0}, new long[] {0, 1}).segment());
            TensorRef r = ref(a + 8, DType.F32, new long[] {3}, new long[] {1});
            assertEquals(a + 8, r.segment().address());
            m.setAtIndex(ValueLayout.JAVA_FLOAT, 4, 7.5f);
            assertEquals(7.5f, r.segment().getAtIndex(ValueLayout.JAVA_FLOAT, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> r.segment().getAtIndex(ValueLayout.JAVA_FLOAT, 3));
        }
    }

    @Test
    void theSegmentIsBuiltOnceAndKept() {
        TensorRef r = ref(4096, DType.F32, new long[] {4}, new long[] {1});
        assertSame(r.segment(), r.segment());
    }

    @Test
    void aDerivedValueIsMadeOncePerTypeAndReplacedByAnotherType() {
        TensorRef r = ref(4096, DType.F32, new long[] {4}, new long[] {1});
        int[] made = new int[1];
        String s1 = r.derived(String.class, x -> { made[0]++; return "view of " + x.address(); });
        assertEquals("view of 4096", s1);
        assertSame(s1, r.derived(String.class, x -> { made[0]++; return "again"; }));
        assertEquals(1, made[0]);
        Integer i = r.derived(Integer.class, x -> 42); // another type takes the one slot
        assertEquals(42, i);
        assertEquals("again", r.derived(String.class, x -> { made[0]++; return "again"; }));
        assertEquals(2, made[0]);
        assertThrows(NullPointerException.class, () -> r.derived(Long.class, x -> null));
    }

    @Test
    void equalityIsTheSameAddressDtypeAndArrays() {
        long[] shape = {2, 3}, strides = {3, 1};
        TensorRef a = ref(64, DType.F32, shape, strides);
        assertEquals(a, ref(64, DType.F32, shape, strides));
        assertEquals(a.hashCode(), ref(64, DType.F32, shape, strides).hashCode());
        assertNotEquals(a, ref(64, DType.F32, shape.clone(), strides)); // the arrays themselves, as a record's
        assertNotEquals(a, ref(128, DType.F32, shape, strides));
        assertNotEquals(a, ref(64, DType.I32, shape, strides));
        assertTrue(a.toString().contains("[2, 3]"), a.toString());
    }

    @Test
    void mismatchedOrMissingPartsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ref(64, DType.F32, new long[] {2, 3}, new long[] {1}));
        assertThrows(NullPointerException.class, () -> ref(64, null, new long[] {2}, new long[] {1}));
        assertThrows(NullPointerException.class, () -> ref(64, DType.F32, null, new long[] {1}));
    }

    @Test
    void countsAndContiguity() {
        assertEquals(6, ref(64, DType.F32, new long[] {2, 3}, new long[] {3, 1}).numel());
        assertTrue(ref(64, DType.F32, new long[] {2, 3}, new long[] {3, 1}).isContiguous());
        assertFalse(ref(64, DType.F32, new long[] {2, 3}, new long[] {1, 2}).isContiguous());
        assertTrue(ref(64, DType.F32, new long[] {1, 3}, new long[] {99, 1}).isContiguous());
        assertTrue(ref(64, DType.F32, new long[] {0, 3}, new long[] {0, 0}).isContiguous());
    }
}
