package io.kuaxin.models.decoder;

import io.kuaxin.FallbackPolicy;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder through Kuaxin ops on the CPU against the fp64 loops of {@link ReferenceDecoder}. */
class TinyDecoderTest {
    /** 4 query / 2 KV heads (grouped-query attention), small enough for a 2-core machine. */
    static final DecoderConfig TINY = new DecoderConfig(2, 128, 4, 2, 256, 256, 64, 10000, 1e-5, 20261204L);
    static final long[] PROMPT = {5, 17, 200, 3, 99, 42, 7, 128};

    /** The largest |a - e| / max(1, |e|); the TCK's fp32 tolerance is 1e-4. */
    static double worst(double[] e, float[] a) {
        assertEquals(e.length, a.length);
        double w = 0;
        for (int i = 0; i < e.length; i++) w = Math.max(w, Math.abs(e[i] - a[i]) / Math.max(1, Math.abs(e[i])));
        return w;
    }

    /** The greedy choice from the oracle's logits, so both decoders see the same tokens. */
    static long greedy(double[] logits) {
        return IntStream.range(0, logits.length).reduce((i, j) -> logits[j] > logits[i] ? j : i).orElseThrow();
    }

    @Test
    void prefillAndGreedyDecodeMatchTheFp64Oracle() {
        DecoderWeights w = DecoderWeights.generate(TINY);
        ReferenceDecoder ref = new ReferenceDecoder(w);
        try (Kuaxin kx = Kuaxin.open();
             TinyDecoder dec = new TinyDecoder(kx.device("cpu"), w, Ops.withFallback(FallbackPolicy.FAIL))) {
            Device cpu = kx.device("cpu");
            double[] want = ref.step(PROMPT);
            double err = worst(want, dec.step(PROMPT));
            assertTrue(err <= 1e-4, "prefill: " + err);
            long inUse = -1;
            for (int i = 0; i < 4; i++) {
                long[] next = {greedy(want)};
                want = ref.step(next);
                err = worst(want, dec.step(next));
                assertTrue(err <= 1e-4, "decode step " + i + ": " + err);
                // a decode step leaves nothing behind: the weights and the preallocated cache stay what is in use
                cpu.synchronize();
                long now = cpu.memoryStats().allocatedBytes();
                if (inUse >= 0) assertEquals(inUse, now, "bytes in use after decode step " + i);
                inUse = now;
            }
            assertEquals(PROMPT.length + 4, dec.length());
            assertTrue(dec.provenance().containsKey("attention"), dec.provenance()::toString);
        }
    }

    @Test
    void oneRankOfOneIsTheWholeDecoder() {
        DecoderWeights w = DecoderWeights.generate(TINY);
        try (Kuaxin kx = Kuaxin.open();
             TinyDecoder whole = new TinyDecoder(kx.device("cpu"), w, Ops.withFallback(FallbackPolicy.FAIL));
             TensorParallelDecoder one = new TensorParallelDecoder(kx.device("cpu"), w,
                     Ops.withFallback(FallbackPolicy.FAIL), 0, 1, t -> { })) {
            assertArrayEquals(whole.step(PROMPT), one.step(PROMPT));
            assertArrayEquals(whole.step(new long[] {3}), one.step(new long[] {3}));
        }
    }

    @Test
    void aFullCacheAndAnUnevenSplitAreRefused() {
        DecoderWeights w = DecoderWeights.generate(TINY);
        try (Kuaxin kx = Kuaxin.open();
             TinyDecoder dec = new TinyDecoder(kx.device("cpu"), w, Ops.withFallback(FallbackPolicy.FAIL))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> dec.step(new long[TINY.maxSeq() + 1]));
            assertTrue(e.getMessage().contains("KV cache holds 64"), e.getMessage());
            assertEquals(0, dec.length());
            assertThrows(InvalidArgumentException.class, () -> new TensorParallelDecoder(kx.device("cpu"), w,
                    Ops.withFallback(FallbackPolicy.FAIL), 0, 3, t -> { }));
        }
    }

    @Test
    void shardsAreTheColumnsAndRowsOfTheWholeMatrix() {
        float[] m = {0, 1, 2, 3, 4, 5}; // [2, 3]
        assertArrayEquals(new float[] {1, 2, 4, 5}, DecoderShard.columns(m, 2, 3, 1, 2));
        assertArrayEquals(new float[] {3, 4, 5}, DecoderShard.rows(m, 3, 1, 1));
        assertArrayEquals(m, DecoderShard.columns(m, 2, 3, 0, 3));
        assertArrayEquals(m, DecoderShard.rows(m, 3, 0, 2));
    }
}
