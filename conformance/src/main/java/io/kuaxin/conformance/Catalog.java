package io.kuaxin.conformance;

import io.kuaxin.DType;

import java.util.ArrayList;
import java.util.List;

/** Every case of the suite, generated deterministically from a seed. */
public final class Catalog {
    /** Random cases per run ({@code -Dconformance.randomCases}). */
    static final int RANDOM = Integer.getInteger("conformance.randomCases", 160);
    /** Random cases per seed of a sweep. */
    static final int SWEEP_RANDOM = 16;
    /** Largest extent a sweep's random cases draw. */
    static final int SWEEP_MAX_DIM = 12;

    private Catalog() {}

    /** The full catalog: every op family, zero-size shapes, value ranges and {@link #RANDOM} random cases. */
    public static List<Case> cases(long seed) {
        Gen g = new Gen(seed);
        List<Case> all = new ArrayList<>();
        all.addAll(MatmulCases.all(g));
        all.addAll(AttentionCases.all(g));
        all.addAll(NnCases.all(g));
        all.addAll(ElementwiseCases.all(g));
        all.addAll(ReduceCases.all(g));
        all.addAll(NegativeCases.all(g));
        for (DType t : List.of(DType.F32, DType.F16)) all.addAll(ZeroSizeCases.all(g, t));
        all.addAll(ValueRangeCases.all(g, 64));
        all.addAll(RandomCases.all(g, RANDOM));
        return all;
    }

    /**
     * The cases one seed of a sweep adds, cheap enough to run for many seeds: {@link #SWEEP_RANDOM} random cases of
     * every family with extents up to {@link #SWEEP_MAX_DIM}, and the value-range cases (activation tails, exp
     * overflow, NaN/Inf, wrap-around) on a random element count from 1 up. Ids end in {@code @seed<N>}.
     */
    public static List<Case> sweep(long seed) {
        Gen g = new Gen(seed, SWEEP_MAX_DIM);
        List<Case> all = new ArrayList<>(RandomCases.all(g, SWEEP_RANDOM));
        all.addAll(ValueRangeCases.all(g, g.rnd.nextInt(4) == 0 ? 1 : g.nextInt(1, 40)));
        return all.stream().map(c -> c.withIdSuffix("@seed" + seed)).toList();
    }

    /** Parses {@code N} or {@code A..B} (inclusive) into seeds. */
    public static long[] seeds(String spec) {
        String s = spec.trim();
        int dots = s.indexOf("..");
        if (dots < 0) return new long[] {Long.parseLong(s)};
        long a = Long.parseLong(s.substring(0, dots).trim()), b = Long.parseLong(s.substring(dots + 2).trim());
        if (b < a) throw new IllegalArgumentException("seed range " + spec + " is empty: write A..B with A <= B");
        if (b - a >= 1_000_000) throw new IllegalArgumentException("seed range " + spec + " has more than 10^6 seeds");
        long[] r = new long[(int) (b - a + 1)];
        for (int i = 0; i < r.length; i++) r[i] = a + i;
        return r;
    }
}
