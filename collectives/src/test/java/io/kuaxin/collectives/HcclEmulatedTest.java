package io.kuaxin.collectives;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.collectives.hccl.HcclCollectives;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * HCCL's binding on two emulated Ascend devices in one process (the HCCL emulator moves the data), with the faults
 * every emulated library is checked for.
 */
class HcclEmulatedTest extends EmulatedRanksContract {
    HcclEmulatedTest() { super("ascend", "libkuaxin-emu-hccl.so", HcclCollectives::initAll); }

    @Test
    void collectivesAndHcclRules() {
        int n = 300;
        List<Communicator> cs = joinBoth(Duration.ofSeconds(30));
        assertEquals("hccl", cs.get(0).library());
        both(cs, c -> {
            Device d = c.device();
            int r = c.rank();
            try (Scope s = d.scope()) {
                Tensor x = s.copyOf(NcclEmulatedTest.values(r, n), Shape.of(n));
                Tensor sum = s.zeros(DType.F32, Shape.of(n)), max = s.zeros(DType.F32, Shape.of(n));
                c.allReduce(x, sum, ReduceOp.SUM, d.defaultStream());
                c.allReduce(x, max, ReduceOp.MAX, d.defaultStream());
                Tensor g = s.zeros(DType.F32, Shape.of(2 * n));
                c.allGather(x, g, d.defaultStream());
                Tensor b = s.copyOf(NcclEmulatedTest.values(r, n), Shape.of(n));
                c.broadcast(b, 0, d.defaultStream());
                c.synchronize(d.defaultStream());
                float[] gs = sum.toFloatArray(), gm = max.toFloatArray(), gg = g.toFloatArray();
                for (int i = 0; i < n; i++) {
                    float p = NcclEmulatedTest.value(0, i), q = NcclEmulatedTest.value(1, i);
                    assertEquals(p + q, gs[i], 1e-6);
                    assertEquals(Math.max(p, q), gm[i]);
                    assertEquals(p, gg[i]);
                    assertEquals(q, gg[n + i]);
                }
                assertArrayEquals(NcclEmulatedTest.values(0, n), b.toFloatArray());
                // HCCL has no AVG: refused before anything is enqueued, the communicator stays usable
                assertThrows(InvalidArgumentException.class, () -> c.allReduce(x, sum, ReduceOp.AVG, d.defaultStream()));
                c.barrier();
            }
        });
        for (Communicator c : cs) c.close();
    }
}
