package io.kuaxin.backend.cpu;

import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * By default a CPU stream runs every op on the caller's thread while it is idle, large ones too; with
 * {@code kuaxin.cpu.inlineWork} set, larger ops go to the stream's own thread and the caller gets control back at once.
 */
class CallerThreadTest {
    static final String LIMIT = "kuaxin.cpu.inlineWork";
    private static final int N = 512; // 2·N³ = 268 M flops: far above any small-op limit

    @Test
    void byDefaultALargeOpOnAnIdleStreamHasCompletedWhenItsCallReturns() {
        System.clearProperty(LIMIT);
        try (Kuaxin kx = Kuaxin.open(); Scope s = kx.device("cpu").scope()) {
            Stream stream = kx.device("cpu").defaultStream();
            Tensor x = s.copyOf(filled(1f / N), Shape.of(N, N));
            stream.synchronize();
            for (int round = 0; round < 5; round++) {
                Tensor big = Ops.matmul(x, x);
                assertTrue(stream.record().isComplete(), "round " + round + ": the product ran on the caller's thread");
                assertEquals(1f / N, big.toFloatArray()[N * N - 1], 1e-6f);
                big.close();
            }
        }
    }

    @Test
    void withALimitALargeOpRunsOnTheStreamsThread() throws Exception {
        System.setProperty(LIMIT, "4194304");
        try (Kuaxin kx = Kuaxin.open(); Scope s = kx.device("cpu").scope()) {
            Stream stream = kx.device("cpu").defaultStream();
            Tensor x = s.copyOf(filled(1f / N), Shape.of(N, N));
            stream.synchronize();
            boolean sawPending = false;
            // a product of ~1 ms returns before it completes at least once in a few tries, however fast the host
            for (int round = 0; round < 20 && !sawPending; round++) {
                Tensor big = Ops.matmul(x, x);
                Tensor bigger = Ops.matmul(big, x);
                sawPending = !stream.record().isComplete();
                assertEquals(1f / N, bigger.toFloatArray()[0], 1e-6f);
                big.close();
                bigger.close();
            }
            assertTrue(sawPending, "with a limit, the caller got control back before the products completed");
        } finally {
            System.clearProperty(LIMIT);
        }
    }

    private static float[] filled(float v) {
        float[] a = new float[N * N];
        Arrays.fill(a, v);
        return a;
    }
}
