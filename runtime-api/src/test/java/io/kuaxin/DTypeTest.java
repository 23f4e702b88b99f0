package io.kuaxin;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class DTypeTest {
    /** Independent bf16 rounding: the nearer of the two neighbouring bf16 values, ties to the even one (finite inputs
     *  below 2^127, so the upper neighbour stays finite). */
    static short referenceBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int lo = bits & 0xffff0000;
        int hi = lo + 0x10000;
        double dl = Math.abs((double) Float.intBitsToFloat(lo) - f);
        double dh = Math.abs((double) Float.intBitsToFloat(hi) - f);
        int pick = dl < dh ? lo : dh < dl ? hi : (((lo >>> 16) & 1) == 0 ? lo : hi);
        return (short) (pick >>> 16);
    }

    @Test
    void bf16RoundsToNearestEvenLikeAnIndependentReference() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt() & 0x7effffff) * (r.nextBoolean() ? 1 : -1);
            assertEquals(referenceBf16(f), DType.floatToBf16(f), () -> "for " + f);
        }
        // exact ties: 1 + 2^-8 lies halfway between 1 and 1 + 2^-7 and must round to the even (1.0)
        assertEquals(1.0f, DType.bf16ToFloat(DType.floatToBf16(1.0f + 0x1p-8f)));
        assertEquals(1.0f + 0x1p-6f, DType.bf16ToFloat(DType.floatToBf16(1.0f + 0x1p-7f + 0x1p-8f)));
    }

    @Test
    void bf16SpecialValues() {
        assertTrue(Float.isNaN(DType.bf16ToFloat(DType.floatToBf16(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, DType.bf16ToFloat(DType.floatToBf16(Float.POSITIVE_INFINITY)));
        assertEquals(Float.POSITIVE_INFINITY, DType.bf16ToFloat(DType.floatToBf16(Float.MAX_VALUE)));
        assertEquals(-0.0f, DType.bf16ToFloat(DType.floatToBf16(-0.0f)));
    }

    @Test
    void setAndGetConvertLikeCasts() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(64);
            DType.I8.setFromDouble(s, 0, 300.7);
            assertEquals(127, DType.I8.getAsDouble(s, 0));
            DType.U8.setFromDouble(s, 0, -5);
            assertEquals(0, DType.U8.getAsDouble(s, 0));
            DType.I32.setFromDouble(s, 0, Double.NaN);
            assertEquals(0, DType.I32.getAsDouble(s, 0));
            DType.I32.setFromDouble(s, 0, -2.9);
            assertEquals(-2, DType.I32.getAsDouble(s, 0));
            DType.BOOL.setFromDouble(s, 0, 0.25);
            assertEquals(1, DType.BOOL.getAsDouble(s, 0));
            DType.F16.setFromDouble(s, 0, 65520); // beyond the largest fp16 (65504) by half an ulp: infinity
            assertEquals(Double.POSITIVE_INFINITY, DType.F16.getAsDouble(s, 0));
            DType.F16.setFromDouble(s, 0, 1.0 + 0x1p-11); // tie between 1 and 1+2^-10: even is 1
            assertEquals(1.0, DType.F16.getAsDouble(s, 0));
        }
    }

    @Test
    void parseAcceptsCommonSpellingsAndRejectsOthersClearly() {
        assertEquals(DType.BF16, DType.parse("bfloat16"));
        assertEquals(DType.F16, DType.parse("FP16"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> DType.parse("f8"));
        assertTrue(e.getMessage().contains("f8") && e.getMessage().contains("bf16"), e.getMessage());
    }
}
