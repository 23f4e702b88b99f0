package io.kuaxin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ShapeTest {
    @Test
    void rejectsNegativeOverflowingAndTooDeepShapes() {
        var neg = assertThrows(InvalidArgumentException.class, () -> Shape.of(2, -3));
        assertTrue(neg.getMessage().contains("dimension 1") && neg.getMessage().contains("-3"), neg.getMessage());
        var big = assertThrows(InvalidArgumentException.class, () -> Shape.of(1L << 31, 1L << 31, 4));
        assertTrue(big.getMessage().contains("overflow"), big.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Shape.of(1, 1, 1, 1, 1, 1, 1, 1, 1));
        assertThrows(InvalidArgumentException.class, () -> Shape.of(3).dim(1));
    }

    @Test
    void stridesAndCounts() {
        Shape s = Shape.of(2, 3, 4);
        assertArrayEquals(new long[] {12, 4, 1}, s.contiguousStrides());
        assertEquals(24, s.numel());
        assertEquals(4, s.dim(-1));
        assertEquals(0, Shape.of(5, 0, 2).numel());
        assertEquals(1, Shape.scalar().numel());
        assertEquals(Shape.of(2, 3), Shape.of(new int[] {2, 3}));
        assertEquals("[2, 3, 4]", s.toString());
    }
}
