package io.kuaxin.backend.cpu;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Small ops on an idle CPU stream run on the caller's thread; these check that stream order still holds when a
 * small op follows large work still running on the worker, on the same stream and across streams.
 */
class InlineWorkTest {
    private static final int N = 384;

    /** x·x for x = all 1/N except 2/N in row 0 col 0: known values, large enough to go to the worker. */
    private static float[] ones() {
        float[] v = new float[N * N];
        java.util.Arrays.fill(v, 1f / N);
        return v;
    }

    @Test
    void aSmallOpAfterALargeOneOnTheSameStreamSeesItsResult() {
        try (Kuaxin kx = Kuaxin.open(); Scope s = kx.device("cpu").scope()) {
            Tensor x = s.copyOf(ones(), Shape.of(N, N));
            for (int round = 0; round < 20; round++) {
                Tensor big = Ops.matmul(x, x);                     // 2·N³ flops: the worker
                Tensor small = Ops.add(big.slice(0, 0, 1), big.slice(0, 0, 1)); // [1, N]: small, must wait for big
                float[] got = small.toFloatArray();
                for (float g : got) assertEquals(2f / N, g, 1e-6f, "round " + round);
                big.close();
                small.close();
            }
        }
    }

    @Test
    void aSmallOpOnAnIdleStreamWaitsForAnotherStreamsWrite() {
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            try (Scope s = cpu.scope(); Stream other = cpu.newStream()) {
                Tensor x = s.copyOf(ones(), Shape.of(N, N));
                cpu.synchronize();
                for (int round = 0; round < 20; round++) {
                    Tensor big = Ops.on(other).matmul(x, x);         // written on the other stream
                    Tensor small = Ops.add(big.slice(0, 0, 1), big.slice(0, 0, 1)); // default stream, idle
                    float[] got = small.toFloatArray();
                    for (float g : got) assertEquals(2f / N, g, 1e-6f, "round " + round);
                    big.close();
                    small.close();
                }
            }
        }
    }
}
