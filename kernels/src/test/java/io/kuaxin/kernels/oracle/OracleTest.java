package io.kuaxin.kernels.oracle;

import io.kuaxin.DType;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.op.CastAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The oracle against hand-computed values, and its rounding against the runtime's cast conversions. */
class OracleTest {
    @Test
    void roundingAgreesWithTheRuntimesConversionsForEveryDtype() {
        Random rnd = new Random(7);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(8);
            for (int i = 0; i < 200_000; i++) {
                // Random bit patterns hit ties, subnormals, NaN and infinities; plus plain doubles.
                double v = i % 2 == 0 ? Float.intBitsToFloat(rnd.nextInt()) : (rnd.nextDouble() - 0.5) * Math.pow(2, rnd.nextInt(80) - 40);
                for (DType t : DType.values()) {
                    t.setFromDouble(seg, 0, v);
                    double want = t.getAsDouble(seg, 0);
                    double got = Rounding.round(t, v);
                    if (!(Double.isNaN(want) && Double.isNaN(got))) assertEquals(want, got, 0, t + " of " + v);
                }
            }
        }
    }

    @Test
    void bf16TiesRoundToEven() {
        assertEquals(1.0, Rounding.round(DType.BF16, 1.00390625)); // halfway between 1 and 1.0078125
        assertEquals(1.015625, Rounding.round(DType.BF16, 1.01171875)); // halfway, rounds up to even
        assertEquals(Double.POSITIVE_INFINITY, Rounding.round(DType.BF16, 3.4e38));
    }

    @Test
    void matmulBroadcastsBatchesAndRounds() {
        HostTensor a = HostTensor.of(DType.F32, new long[] {2, 1, 2}, 1, 2, 3, 4);
        HostTensor b = HostTensor.of(DType.F32, new long[] {2, 1}, 10, 100);
        var at = new io.kuaxin.op.MatmulAttrs(false, false, 1, 0, false, false, io.kuaxin.op.Epilogue.NONE, DType.F32);
        HostTensor y = Oracle.run(Op.MATMUL, at, List.of(a, b));
        assertArrayEquals(new long[] {2, 1, 1}, y.shape());
        assertArrayEquals(new double[] {210, 430}, y.data());
    }

    @Test
    void causalAttentionIsAlignedToTheEndOfTheKeys() {
        // One query against 3 keys with causal: sees all 3 (decode); values are the key index.
        HostTensor q = HostTensor.of(DType.F32, new long[] {1, 1, 1, 1}, 0);
        HostTensor k = HostTensor.of(DType.F32, new long[] {1, 1, 3, 1}, 0, 0, 0);
        HostTensor v = HostTensor.of(DType.F32, new long[] {1, 1, 3, 1}, 0, 1, 2);
        HostTensor y = Oracle.run(Op.ATTENTION, new AttentionAttrs(1, true, false, false), List.of(q, k, v));
        assertEquals(1.0, y.data()[0], 1e-12);
        // Two queries: the first sees keys 0..1 only.
        HostTensor q2 = HostTensor.of(DType.F32, new long[] {1, 1, 2, 1}, 0, 0);
        HostTensor y2 = Oracle.run(Op.ATTENTION, new AttentionAttrs(1, true, false, false), List.of(q2, k, v));
        assertArrayEquals(new double[] {0.5, 1.0}, y2.data(), 1e-12);
    }

    @Test
    void integerArithmeticWrapsAndDivisionByZeroIsZero() {
        HostTensor a = HostTensor.of(DType.U8, new long[] {3}, 3, 7, 9);
        HostTensor b = HostTensor.of(DType.U8, new long[] {3}, 7, 0, 2);
        assertArrayEquals(new double[] {252, 7, 7}, Oracle.run(Op.SUB, OpAttributes.NONE, List.of(a, b)).data());
        assertArrayEquals(new double[] {0, 0, 4}, Oracle.run(Op.DIV, OpAttributes.NONE, List.of(a, b)).data());
    }

    @Test
    void castSaturatesAndSpecRejectsBadInputs() {
        HostTensor x = HostTensor.of(DType.F32, new long[] {4}, 300, -300, Double.NaN, -1.9);
        assertArrayEquals(new double[] {127, -128, 0, -1}, Oracle.run(Op.CAST, new CastAttrs(DType.I8), List.of(x)).data());
        assertThrows(InvalidArgumentException.class, () -> Oracle.run(Op.EXP, OpAttributes.NONE,
                List.of(HostTensor.of(DType.I32, new long[] {1}, 1))));
    }

    /** x·Φ(x) from tabulated normal tail probabilities Φ(−1), Φ(−3), Φ(−6), Φ(−8), Φ(−10). */
    static final double[][] GELU_ERF_TAIL = {
            {-1, -0.15865525393145705}, {-3, -3 * 1.3498980316300946e-3}, {-6, -6 * 9.8658764503769814e-10},
            {-8, -8 * 6.2209605742717841e-16}, {-10, -10 * 7.6198530241605260e-24}};

    @Test
    void geluKeepsItsRelativePrecisionInTheNegativeTail() {
        for (double[] c : GELU_ERF_TAIL) {
            double got = Oracle.run(Op.GELU_ERF, OpAttributes.NONE, List.of(HostTensor.of(DType.F64, new long[] {1}, c[0]))).data()[0];
            assertEquals(c[1], got, 1e-14 * Math.abs(c[1]), "gelu_erf(" + c[0] + ")");
        }
        for (double x : new double[] {-6, -9, -12}) {
            double u = Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
            double want = x * Math.exp(2 * u) / (1 + Math.exp(2 * u));      // x·sigmoid(2u), for u ≪ 0
            double got = Oracle.run(Op.GELU_TANH, OpAttributes.NONE, List.of(HostTensor.of(DType.F64, new long[] {1}, x))).data()[0];
            assertEquals(want, got, 1e-13 * Math.abs(want), "gelu_tanh(" + x + ")");
        }
    }

    /**
     * {x, gelu_erf(x)} and {z, erf(z)} correctly rounded, from a 300-bit evaluation: the near-minimum of gelu (κ ≈ 0,
     * where the f64 tolerance is tightest), both sides of the series/continued-fraction switches, the tail, and a
     * subnormal result.
     */
    static final double[][] GELU_ERF_ROUNDED = {
            {-0x1.68d5d3efadabep-1, -0x1.5b18937e987f5p-3}, {-0x1.3d70a3d70a3d7p-1, -0x1.53d3100ec5effp-3},
            {-0x1.3333333333333p-2, -0x1.d582ac7c317abp-4}, {0x1.999999999999ap-4, 0x1.ba3a1a550a71cp-5},
            {0x1.560d98a78e20ap-1, 0x1.ffae7c3a97f01p-2}, {-0x1.ccccccccccccdp-1, -0x1.534276a7ce6ccp-3},
            {-0x1.b333333333333p+0, -0x1.3651778a266dep-4}, {-0x1.d33be8d1a0af0p+1, -0x1.f55a9d3d20ca0p-12},
            {-0x1.0e1aefb0ccbaep+2, -0x1.afb304c70431bp-15}, {-0x1.7dc76a5217a48p+2, -0x1.f481e78d8e263p-28},
            {-0x1.b6402103e2abep+2, -0x1.c423d82de7558p-36}, {-0x1.9000000000000p+3, -0x1.f02494d8a3f13p-115},
            {0x1.4000000000000p+1, 0x1.3e034de12223cp+1}, {0x1.4000000000000p+2, 0x1.3ffff9fd0d146p+2},
            {-0x1.3266666666666p+5, -0x0.0000000005cc9p-1022}};
    static final double[][] ERF_ROUNDED = {
            {0x1.999999999999ap-4, 0x1.cca5ea24fb334p-4}, {0x1.ccccccccccccdp-2, 0x1.e6e4ae11529c0p-2},
            {0x1.0000000000000p-1, 0x1.0a7ef5c18edd2p-1}, {0x1.6666666666666p-1, 0x1.5b08c21171646p-1},
            {0x1.4cccccccccccdp+0, 0x1.de364a1372d3ap-1}, {0x1.7333333333333p+1, 0x1.fffa9cfbea4e3p-1},
            {0x1.8cccccccccccdp+1, 0x1.fffe7922cb8dbp-1}, {0x1.2000000000000p+2, 0x1.fffffffe4fa30p-1},
            {0x1.8000000000000p+2, 0x1.0000000000000p+0}};

    /**
     * The oracle judges f64 kernels to a few ulps, so its own error must sit well below one: within one ulp of the
     * correctly rounded value (an fp64 evaluation is 3–5 ulps off near these points, and 0 instead of a subnormal).
     */
    @Test
    void geluErfAndErfAreWithinOneUlpOfTheCorrectlyRoundedValue() {
        for (double[] c : GELU_ERF_ROUNDED) {
            assertEquals(c[1], Functions.geluErf(c[0]), Math.ulp(c[1]), "gelu_erf(" + c[0] + ")");
        }
        for (double[] c : ERF_ROUNDED) {
            assertEquals(c[1], Functions.erf(c[0]), Math.ulp(c[1]), "erf(" + c[0] + ")");
            assertEquals(-c[1], Functions.erf(-c[0]), Math.ulp(c[1]), "erf(" + -c[0] + ")");
        }
        assertEquals(Double.NaN, Functions.geluErf(Double.NaN));
        assertEquals(Double.NaN, Functions.geluErf(Double.NEGATIVE_INFINITY));   // −∞·0, as 0.5·x·(1 + erf) gives
        assertEquals(Double.POSITIVE_INFINITY, Functions.geluErf(Double.POSITIVE_INFINITY));
        assertEquals(-0.0, Functions.geluErf(-50));
        assertEquals(1.0, Functions.erf(Double.POSITIVE_INFINITY));
    }

    @Test
    void softmaxOverAZeroLengthAxisOrAnEmptyTensorIsEmpty() {
        for (long[] shape : new long[][] {{5, 0}, {0, 5}}) {
            for (int axis = 0; axis < 2; axis++) {
                HostTensor y = Oracle.run(Op.SOFTMAX, new io.kuaxin.op.AxisAttrs(axis), List.of(HostTensor.zeros(DType.F32, shape)));
                assertArrayEquals(shape, y.shape());
                assertEquals(0, y.data().length);
            }
        }
    }

    @Test
    void int32ProductsPast2To53WrapExactly() {
        HostTensor a = HostTensor.of(DType.I32, new long[] {2}, 2147483647, -2147483648);
        HostTensor b = HostTensor.of(DType.I32, new long[] {2}, 2147483647, 3);
        // (2^31 − 1)² = 2^62 − 2^32 + 1 → low 32 bits 1; −2^31·3 → low 32 bits −2^31
        assertArrayEquals(new double[] {1, -2147483648}, Oracle.run(Op.MUL, OpAttributes.NONE, List.of(a, b)).data());
    }
}
