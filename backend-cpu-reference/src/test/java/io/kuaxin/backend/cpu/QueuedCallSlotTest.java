package io.kuaxin.backend.cpu;

import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The front door reuses one kernel-call slot per thread, and the CPU stream recycles the slots of queued ops: these
 * queue ops behind long-running work, far more of them than the stream's ring holds, and check every result
 * against a host computation in double precision. A queued op that read a slot refilled by a later op would
 * compute on the later op's tensors.
 */
class QueuedCallSlotTest {
    /** Large ops go to the stream's thread only under a limit (by default everything runs on the caller's). */
    @BeforeAll
    static void largeOpsGoToTheStreamsThread() { System.setProperty(CallerThreadTest.LIMIT, "4194304"); }

    @AfterAll
    static void defaultLimit() { System.clearProperty(CallerThreadTest.LIMIT); }

    @Test
    void queuedMatmulsAndSmallOpsEachComputeTheirOwnCall() {
        int n = 160, rounds = 12; // 2·n³ flops: above the inline limit, so each matmul is queued on the stream's thread
        Random r = new Random(7);
        try (Kuaxin kx = Kuaxin.open(); Scope s = kx.device("cpu").scope()) {
            float[] a = random(r, n * n);
            Tensor ta = s.copyOf(a, Shape.of(n, n));
            List<float[]> bs = new ArrayList<>(), xs = new ArrayList<>(), ys = new ArrayList<>();
            List<Tensor> products = new ArrayList<>(), sums = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                bs.add(random(r, n * n));
                xs.add(random(r, 48));
                ys.add(random(r, 48));
            }
            List<Tensor> tb = new ArrayList<>(), tx = new ArrayList<>(), ty = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                tb.add(s.copyOf(bs.get(i), Shape.of(n, n)));
                tx.add(s.copyOf(xs.get(i), Shape.of(1, 48)));
                ty.add(s.copyOf(ys.get(i), Shape.of(1, 48)));
            }
            for (int i = 0; i < rounds; i++) {
                products.add(Ops.matmul(ta, tb.get(i)));           // queued: the stream is busy or it is large
                sums.add(Ops.add(tx.get(i), ty.get(i)));           // small, queued behind the matmul
            }
            for (int i = 0; i < rounds; i++) {
                float[] got = products.get(i).toFloatArray(), b = bs.get(i);
                for (int row = 0; row < n; row += 37) {
                    for (int col = 0; col < n; col++) {
                        double want = 0;
                        for (int k = 0; k < n; k++) want += (double) a[row * n + k] * b[k * n + col];
                        assertEquals(want, got[row * n + col], 1e-4 * n, "product " + i + " at " + row + "," + col);
                    }
                }
                float[] sum = sums.get(i).toFloatArray(), x = xs.get(i), y = ys.get(i);
                for (int j = 0; j < sum.length; j++) assertEquals(x[j] + (double) y[j], sum[j], 1e-6, "sum " + i);
            }
        }
    }

    @Test
    void moreQueuedOpsThanTheRingHoldsEachComputeTheirOwnCall() {
        int n = 384, ops = 700; // the ring holds 256: queued slots are recycled and, while still queued, not reused
        try (Kuaxin kx = Kuaxin.open(); Scope s = kx.device("cpu").scope()) {
            Tensor big = s.copyOf(new float[n * n], Shape.of(n, n));
            List<Tensor> xs = new ArrayList<>(), outs = new ArrayList<>();
            for (int i = 0; i < ops; i++) {
                float[] v = new float[16];
                for (int j = 0; j < v.length; j++) v[j] = i + j / 16f;
                xs.add(s.copyOf(v, Shape.of(1, 16)));
                outs.add(s.empty(io.kuaxin.DType.F32, Shape.of(1, 16)));
            }
            kx.device("cpu").synchronize();
            Tensor slow = Ops.matmul(big, big);                    // keeps the stream busy while the adds queue
            for (int i = 0; i < ops; i++) Ops.add(xs.get(i), xs.get(i), outs.get(i));
            for (int i = 0; i < ops; i++) {
                float[] got = outs.get(i).toFloatArray();
                for (int j = 0; j < got.length; j++) assertEquals(2 * (i + j / 16f), got[j], 0, "add " + i);
            }
            assertEquals(0f, slow.toFloatArray()[0]);
        }
    }

    private static float[] random(Random r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = r.nextFloat() * 2 - 1;
        return v;
    }
}
