package io.kuaxin;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** reshape as a view: whenever strides are found, they must address exactly the elements of the original view. */
class ViewStridesTest {
    /** Storage offsets of every element in row-major order: the independent oracle. */
    static long[] offsets(long[] shape, long[] strides) {
        int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        long[] out = new long[n];
        long[] idx = new long[shape.length];
        for (int i = 0; i < n; i++) {
            long o = 0;
            for (int d = 0; d < shape.length; d++) o += idx[d] * strides[d];
            out[i] = o;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return out;
    }

    @Test
    void randomViewsReshapeToTheSameElementsOrRefuse() {
        SplittableRandom r = new SplittableRandom(11);
        int viewed = 0, refused = 0;
        for (int trial = 0; trial < 3000; trial++) {
            int rank = 1 + r.nextInt(4);
            long[] base = new long[rank];
            for (int i = 0; i < rank; i++) base[i] = 1 + r.nextInt(5);
            long[] strides = Shape.of(base).contiguousStrides();
            long[] shape = base.clone();
            // a random permutation and a random slice of one axis
            List<Integer> perm = new ArrayList<>();
            for (int i = 0; i < rank; i++) perm.add(i);
            java.util.Collections.shuffle(perm, new java.util.Random(trial));
            long[] ps = new long[rank], pst = new long[rank];
            for (int i = 0; i < rank; i++) {
                ps[i] = shape[perm.get(i)];
                pst[i] = strides[perm.get(i)];
            }
            int ax = r.nextInt(rank);
            if (ps[ax] > 1) ps[ax] = 1 + r.nextInt((int) ps[ax]);
            long numel = Arrays.stream(ps).reduce(1, (a, b) -> a * b);
            // a random factorisation of numel into a new shape
            List<Long> dims = new ArrayList<>();
            long left = numel;
            while (left > 1) {
                long f = 2;
                while (left % f != 0) f++;
                long d = f;
                while (left % (d * f) == 0 && r.nextBoolean()) d *= f;
                dims.add(d);
                left /= d;
                if (r.nextInt(4) == 0) dims.add(1L);
            }
            if (dims.isEmpty()) dims.add(1L);
            long[] ns = dims.stream().mapToLong(Long::longValue).toArray();
            long[] st = Tensor.viewStrides(ps, pst, ns);
            if (st == null) {
                refused++;
                continue;
            }
            viewed++;
            assertArrayEquals(offsets(ps, pst), offsets(ns, st),
                    () -> Arrays.toString(ps) + " " + Arrays.toString(pst) + " -> " + Arrays.toString(ns));
        }
        assertTrue(viewed > 500 && refused > 100, viewed + " viewed, " + refused + " refused");
    }

    @Test
    void columnSliceSplitsWithinRowsButDoesNotFlatten() {
        long[] shape = {6, 4}, strides = {8, 1}; // columns 2..5 of a 6 x 8 matrix
        assertArrayEquals(new long[] {8, 2, 1}, Tensor.viewStrides(shape, strides, new long[] {6, 2, 2}));
        assertNull(Tensor.viewStrides(shape, strides, new long[] {24}));
    }
}
