package io.kuaxin.kernels.cpu;

import io.kuaxin.kernels.cpu.ops.Activations;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** gelu and silu where they are tiny (x ≪ 0): no cancellation to 0, against tabulated normal tail probabilities. */
class ActivationTailTest {
    /** x·Φ(x) from tabulated Φ(−1), Φ(−3), Φ(−6), Φ(−8), Φ(−10). */
    private static final double[][] GELU_ERF = {
            {-1, -0.15865525393145705}, {-3, -3 * 1.3498980316300946e-3}, {-6, -6 * 9.8658764503769814e-10},
            {-8, -8 * 6.2209605742717841e-16}, {-10, -10 * 7.6198530241605260e-24}};

    @Test
    void geluErfTailInDoubleAndFloat() {
        for (double[] c : GELU_ERF) {
            assertEquals(c[1], Activations.geluErf(c[0]), 1e-14 * Math.abs(c[1]), "double gelu_erf(" + c[0] + ")");
            float f = Activation.GELU_ERF.apply((float) c[0]);
            assertEquals(c[1], f, 4 * Math.ulp((float) c[1]), "float gelu_erf(" + c[0] + ")");
        }
    }

    @Test
    void geluTanhAndSiluTailsInFloat() {
        for (double x : new double[] {-6, -9, -10.5, -12}) {
            double u = Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
            double want = x * Math.exp(2 * u) / (1 + Math.exp(2 * u));
            if (Math.abs(want) < Float.MIN_NORMAL) continue;
            assertEquals(want, Activation.GELU_TANH.apply((float) x), 4 * Math.ulp((float) want), "gelu_tanh(" + x + ")");
            assertEquals(want, Activations.geluTanh(x), 1e-13 * Math.abs(want), "double gelu_tanh(" + x + ")");
        }
        for (double x : new double[] {-20, -80, -95}) {
            double want = x * Math.exp(x) / (1 + Math.exp(x));
            assertEquals(want, Activation.SILU.apply((float) x), 4 * Math.ulp((float) want), "silu(" + x + ")");
        }
    }
}
