package io.kuaxin.collectives;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.collectives.nccl.NcclCollectives;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The NCCL binding on two emulated CUDA devices in one process: the NCCL emulator exchanges the data for real and
 * enqueues on the CUDA emulator's streams. Expected values are computed here; failures are injected.
 */
class NcclEmulatedTest extends EmulatedRanksContract {
    NcclEmulatedTest() { super("cuda", "libkuaxin-emu-nccl.so", NcclCollectives::initAll); }

    @Test
    void collectivesMatchIndependentSums() throws Throwable {
        int n = 777;
        List<Communicator> cs = joinBoth(Duration.ofSeconds(30));
        assertEquals("nccl", cs.get(0).library());
        both(cs, c -> {
            Device d = c.device();
            int r = c.rank();
            try (Scope s = d.scope()) {
                for (ReduceOp op : ReduceOp.values()) {
                    Tensor t = s.copyOf(values(r, n), Shape.of(n));
                    Tensor out = s.zeros(DType.F32, Shape.of(n));
                    c.allReduce(t, out, op, d.defaultStream());
                    c.synchronize(d.defaultStream());
                    float[] got = out.toFloatArray();
                    for (int i = 0; i < n; i++) {
                        float a = value(0, i), b = value(1, i);
                        float want = switch (op) {
                            case SUM -> a + b; case MAX -> Math.max(a, b); case MIN -> Math.min(a, b);
                            case AVG -> (a + b) / 2; };
                        assertEquals(want, got[i], 1e-6, op + " at " + i);
                    }
                }
                Tensor g = s.zeros(DType.F32, Shape.of(2, n));
                c.allGather(s.copyOf(values(r, n), Shape.of(n)), g, d.defaultStream());
                Tensor rs = s.zeros(DType.F32, Shape.of(n));
                float[] big = new float[2 * n];
                for (int i = 0; i < 2 * n; i++) big[i] = value(r, i);
                c.reduceScatter(s.copyOf(big, Shape.of(2 * n)), rs, ReduceOp.SUM, d.defaultStream());
                Tensor b = s.copyOf(values(r, n), DType.BF16, Shape.of(n));
                c.broadcast(b, 1, d.defaultStream());
                Tensor in = s.zeros(DType.F32, Shape.of(n));
                c.send(s.copyOf(values(r, n), Shape.of(n)), 1 - r, d.defaultStream());
                c.recv(in, 1 - r, d.defaultStream());
                c.synchronize(d.defaultStream());
                float[] gg = g.toFloatArray();
                for (int q = 0; q < 2; q++) for (int i = 0; i < n; i++) assertEquals(value(q, i), gg[q * n + i]);
                float[] gr = rs.toFloatArray();
                for (int i = 0; i < n; i++) assertEquals(value(0, r * n + i) + value(1, r * n + i), gr[i], 1e-6);
                float[] gb = b.toFloatArray();
                for (int i = 0; i < n; i++) assertEquals(DType.bf16ToFloat(DType.floatToBf16(value(1, i))), gb[i]);
                assertArrayEquals(values(1 - r, n), in.toFloatArray());
            }
        });
        for (Communicator c : cs) c.close();
        assertEquals(0, liveAfterClose(), "connections and roots left");
    }
}
