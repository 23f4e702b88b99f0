package io.kuaxin;

import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.MatmulAttrs;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The attribute records {@link Matmul} and {@link Attention} options keep for the front door: whatever is cached, each
 * call gets the record the options and the input describe, written out here field by field.
 */
class OptionAttrsCacheTest {
    @AutoClose
    static final Kuaxin kx = Kuaxin.open(Kuaxin.Options.defaults().withEnv(Map.of())
            .withProviders(List.of(new FakeBackend("fake", 1, 1, null))));
    @AutoClose
    static final Tensor t = kx.device("fake").empty(DType.F32, Shape.of(4));

    private static final DType[] INPUTS = {DType.F32, DType.F16, DType.BF16, DType.I8};
    private static final DType[] OUTS = {null, DType.F32, DType.I32};

    /** The output dtype a matmul of an {@code a} input gets, by the documented rule. */
    private static DType defaultOut(DType a) { return a == DType.I8 ? DType.I32 : a; }

    @Test
    void matmulRecordMatchesEveryOptionCombination() {
        Set<MatmulAttrs> seen = new HashSet<>();
        int combos = 0;
        for (int bits = 0; bits < 32; bits++) {
            boolean ta = (bits & 1) != 0, tb = (bits & 2) != 0, hasC = (bits & 4) != 0, hasBias = (bits & 8) != 0,
                    reduced = (bits & 16) != 0;
            for (float alpha : new float[] {1f, 0.5f}) {
                for (Epilogue e : Epilogue.values()) {
                    for (DType outDtype : OUTS) {
                        Matmul m = Matmul.options();
                        if (ta) m = m.transposeA();
                        if (tb) m = m.transposeB();
                        m = m.alpha(alpha);
                        if (hasC) m = m.accumulate(t, 2f);
                        if (hasBias) m = m.bias(t);
                        m = m.epilogue(e);
                        if (outDtype != null) m = m.outDtype(outDtype);
                        if (reduced) m = m.allowReducedPrecisionReduction();
                        // each input dtype twice and then back to the first, so a stale record would show
                        for (DType a : new DType[] {DType.F32, DType.F32, DType.I8, DType.F16, DType.F32}) {
                            DType out = outDtype != null ? outDtype : defaultOut(a);
                            MatmulAttrs expected = new MatmulAttrs(ta, tb, alpha, hasC ? 2f : 0f, hasC, hasBias, e,
                                    out, reduced);
                            MatmulAttrs got = m.attrs(a);
                            assertEquals(expected, got, m + " with a " + a);
                            seen.add(got);
                        }
                        combos++;
                    }
                }
            }
        }
        // every option and every resolved output dtype gives a record of its own
        assertEquals(combos, 32 * 2 * Epilogue.values().length * OUTS.length);
        // (an explicit F32 or I32 output gives the record the default gives an F32 or I8 input, hence 3 per set)
        assertEquals(32 * 2 * Epilogue.values().length * 3 /* F32, I32, F16 */, seen.size());
    }

    @Test
    void matmulRecordIsReusedOnlyWhileItFits() {
        Matmul m = Matmul.options().bias(t).epilogue(Epilogue.GELU_TANH);
        MatmulAttrs first = m.attrs(DType.F32);
        assertSame(first, m.attrs(DType.F32), "the same options and input dtype reuse the record");
        assertNotEquals(first, m.epilogue(Epilogue.RELU).attrs(DType.F32));
        assertNotEquals(first, m.transposeB().attrs(DType.F32));
        assertNotEquals(first, m.alpha(2f).attrs(DType.F32));
        assertNotEquals(first, m.accumulate(t, 1f).attrs(DType.F32));
        assertNotEquals(first, m.bias(null).attrs(DType.F32));
        assertNotEquals(first, m.allowReducedPrecisionReduction().attrs(DType.F32));
        assertNotEquals(first, m.outDtype(DType.F16).attrs(DType.F32));
        assertEquals(DType.BF16, m.attrs(DType.BF16).outDtype());
        assertEquals(first, m.attrs(DType.F32));
    }

    @Test
    void attentionRecordMatchesEveryOptionCombination() {
        Set<AttentionAttrs> seen = new HashSet<>();
        for (int bits = 0; bits < 8; bits++) {
            boolean causal = (bits & 1) != 0, hasMask = (bits & 2) != 0, hasLens = (bits & 4) != 0;
            for (float scale : new float[] {Float.NaN, 0.25f, 1f}) {
                Attention o = Attention.defaults().withCausal(causal);
                if (!Float.isNaN(scale)) o = o.scale(scale);
                if (hasMask) o = o.mask(t);
                if (hasLens) o = o.kvLengths(t);
                o = o.kvHeads(bits);
                for (long d : new long[] {64, 64, 16, 0, 32, 64}) {
                    float s = !Float.isNaN(scale) ? scale : d > 0 ? (float) (1.0 / Math.sqrt(d)) : 1f;
                    AttentionAttrs got = o.attrs(d);
                    assertEquals(new AttentionAttrs(s, causal, hasMask, hasLens), got, o + " with D=" + d);
                    seen.add(got);
                }
            }
        }
        // the default scale gives 1/8, 1/4, 1/sqrt(32) and (D=0) 1 by head size; 0.25 and 1 coincide with those
        assertEquals(8 * 4, seen.size());
    }

    @Test
    void attentionRecordChangesWithEachOption() {
        Attention o = Attention.defaults();
        AttentionAttrs first = o.attrs(64);
        assertSame(first, o.attrs(64));
        assertNotEquals(first, o.withCausal(true).attrs(64));
        assertNotEquals(first, o.scale(0.5f).attrs(64));
        assertNotEquals(first, o.mask(t).attrs(64));
        assertNotEquals(first, o.kvLengths(t).attrs(64));
        assertNotEquals(first, o.attrs(16));
        assertEquals(first, o.attrs(64));
    }

    @Test
    void sharedOptionsGiveEachThreadItsOwnRecord() throws Exception {
        // one options object used by two threads with different input dtypes (and head sizes): the cached record
        // is replaced under them all the time, and each call must still get the record of its own input
        Matmul m = Matmul.options().bias(t);
        Attention o = Attention.defaults();
        int threads = 2, rounds = 200_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                DType a = i == 0 ? DType.F32 : DType.F16;
                long d = i == 0 ? 64 : 16;
                float s = i == 0 ? 0.125f : 0.25f;
                done.add(pool.submit(() -> {
                    start.await();
                    int wrong = 0;
                    for (int r = 0; r < rounds; r++) {
                        if (m.attrs(a).outDtype() != a) wrong++;
                        if (o.attrs(d).scale() != s) wrong++;
                    }
                    return wrong;
                }));
            }
            for (Future<Integer> f : done) assertEquals(0, f.get(), "calls that got another thread's record");
        } finally {
            pool.shutdownNow();
        }
    }
}
