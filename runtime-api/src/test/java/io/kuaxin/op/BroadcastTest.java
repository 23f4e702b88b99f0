package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** NumPy broadcasting of two shapes; a result equal to an input is that input itself, so none is built. */
class BroadcastTest {
    private static Shape bc(Shape a, Shape b) { return Broadcast.shapes("add", "a", a, "b", b); }

    @Test
    void growsBothSidesWhereEachHasAOne() {
        assertEquals(Shape.of(3, 4), bc(Shape.of(3, 1), Shape.of(1, 4)));
        assertEquals(Shape.of(2, 3, 4), bc(Shape.of(3, 1), Shape.of(2, 1, 4)));
        assertEquals(Shape.of(5, 0), bc(Shape.of(5, 1), Shape.of(0)));
        assertEquals(Shape.scalar(), bc(Shape.scalar(), Shape.scalar()));
    }

    @Test
    void aResultEqualToAnInputIsThatInput() {
        Shape a = Shape.of(2, 3, 4), b = Shape.of(4);
        assertSame(a, bc(a, b));
        assertSame(a, bc(b, a));
        Shape c = Shape.of(2, 3, 4);
        assertSame(a, bc(a, c)); // equal shapes: the first
        Shape one = Shape.of(1, 1);
        assertSame(a, bc(one, a));
        assertNotSame(a, bc(Shape.of(3, 1), Shape.of(1, 4)));
    }

    @Test
    void prefixesAndConcatenations() {
        Shape s = Shape.of(2, 3, 4);
        assertSame(s, Broadcast.prefix(s, 3));
        assertSame(Shape.scalar(), Broadcast.prefix(s, 0));
        assertEquals(Shape.of(2, 3), Broadcast.prefix(s, 2));
        assertEquals(s, Broadcast.concat(Shape.of(2), 3, 4));
        assertTrue(Broadcast.isConcat(s, Shape.of(2), 3, 4));
        assertTrue(Broadcast.isConcat(s, Shape.of(2, 3, 4)));
        assertTrue(Broadcast.isConcat(Shape.of(3, 4), Shape.scalar(), 3, 4));
        assertFalse(Broadcast.isConcat(s, Shape.of(2), 3, 5));
        assertFalse(Broadcast.isConcat(s, Shape.of(1), 3, 4));
        assertFalse(Broadcast.isConcat(s, Shape.of(2), 3));
        assertFalse(Broadcast.isConcat(s, Shape.of(2, 3), 4, 1));
    }

    @Test
    void clashingExtentsNameBothArgumentsAndTheDimension() {
        var e = assertThrows(InvalidArgumentException.class, () -> bc(Shape.of(2, 3), Shape.of(4, 3)));
        assertEquals("add: a [2, 3] and b [4, 3] do not broadcast: dimension -2 is 2 vs 4; extents must be equal or 1"
                + " (aligned at the last dimension)", e.getMessage());
    }

    @Test
    void binaryInferenceReturnsTheInputTypeWhenNothingChanges() {
        TensorType a = TensorType.of(DType.F32, 2, 3), b = TensorType.of(DType.F32, 3);
        assertSame(a, ElementwiseSpecs.binary(Op.ADD, List.of(a, b)));
        assertSame(a, ElementwiseSpecs.binary(Op.ADD, List.of(b, a)));
        TensorType i = TensorType.of(DType.I32, 2, 3); // promoted: a new type of the same shape
        assertEquals(TensorType.of(DType.F32, 2, 3), ElementwiseSpecs.binary(Op.ADD, List.of(i, b)));
    }
}
