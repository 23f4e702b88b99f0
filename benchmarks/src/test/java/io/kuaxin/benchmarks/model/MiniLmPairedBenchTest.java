package io.kuaxin.benchmarks.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The arithmetic behind the MiniLM ratio of record: which side each iteration runs, and the quantiles. */
class MiniLmPairedBenchTest {
    @Test
    void everyPairHoldsOneIterationOfEachSideAndTheFirstSideAlternates() {
        StringBuilder order = new StringBuilder();
        for (int j = 0; j < 12; j++) order.append(MiniLmPairedBench.kuaxinAt(j) ? 'K' : 'O');
        assertEquals("KOOKKOOKKOOK", order.toString());
        for (int j = 0; j < 1000; j += 2) {
            assertNotEquals(MiniLmPairedBench.kuaxinAt(j), MiniLmPairedBench.kuaxinAt(j + 1), "pair at " + j);
        }
    }

    @Test
    void quantilesInterpolateBetweenSortedValues() {
        List<Double> xs = List.of(1.0, 2.0, 4.0, 8.0);
        assertEquals(1.0, MiniLmPairedBench.quantile(xs, 0), 0);
        assertEquals(3.0, MiniLmPairedBench.quantile(xs, 0.5), 1e-12);     // between 2 and 4
        assertEquals(1.75, MiniLmPairedBench.quantile(xs, 0.25), 1e-12);   // 3/4 of the way from 1 to 2
        assertEquals(8.0, MiniLmPairedBench.quantile(xs, 1), 0);
        assertEquals(5.0, MiniLmPairedBench.quantile(List.of(5.0), 0.5), 0);
        assertTrue(Double.isNaN(MiniLmPairedBench.quantile(List.of(), 0.5)));
    }
}
