package io.kuaxin.conformance;

import java.util.ArrayList;
import java.util.List;

/** Every case of the suite, generated deterministically from a seed. */
public final class Catalog {
    /** Random cases per run ({@code -Dconformance.randomCases}). */
    static final int RANDOM = Integer.getInteger("conformance.randomCases", 160);

    private Catalog() {}

    public static List<Case> cases(long seed) {
        Gen g = new Gen(seed);
        List<Case> all = new ArrayList<>();
        all.addAll(MatmulCases.all(g));
        all.addAll(AttentionCases.all(g));
        all.addAll(NnCases.all(g));
        all.addAll(ElementwiseCases.all(g));
        all.addAll(ReduceCases.all(g));
        all.addAll(NegativeCases.all(g));
        all.addAll(RandomCases.all(g, RANDOM));
        return all;
    }
}
