package io.kuaxin.conformance;

import io.kuaxin.DType;
import io.kuaxin.op.Op;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalog's categories cover what they claim, and sweeps are small and reproducible. */
class CatalogCategoriesTest {
    @Test
    void zeroSizeShapesCoverEveryOp() {
        assertEquals(EnumSet.allOf(Op.class), ZeroSizeCases.covered(ZeroSizeCases.all(new Gen(1), DType.F32)));
    }

    @Test
    void aSweepSeedIsSmallReproducibleAndNamedAfterItsSeed() {
        List<Case> a = Catalog.sweep(7), b = Catalog.sweep(7);
        assertEquals(a.stream().map(Case::id).toList(), b.stream().map(Case::id).toList());
        assertTrue(a.size() < 120, "a sweep seed should stay cheap: " + a.size());
        for (Case c : a) {
            assertTrue(c.id().endsWith("@seed7"), c.id());
            for (Input in : c.inputs()) assertTrue(in.base().numel() <= 4 * 12 * 12 * 300, c.id());
        }
    }

    @Test
    void seedRangesParse() {
        assertArrayEquals(new long[] {3, 4, 5}, Catalog.seeds("3..5"));
        assertArrayEquals(new long[] {9}, Catalog.seeds("9"));
        assertThrows(IllegalArgumentException.class, () -> Catalog.seeds("5..3"));
    }
}
