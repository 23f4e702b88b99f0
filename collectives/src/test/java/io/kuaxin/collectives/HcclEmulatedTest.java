package io.kuaxin.collectives;

import io.kuaxin.CollectiveException;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.collectives.hccl.HcclCollectives;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HCCL's binding on two emulated Ascend devices in one process (the HCCL emulator moves the data). */
class HcclEmulatedTest {
    static Kuaxin kx;
    static Device a0, a1;

    @BeforeAll
    static void open() {
        kx = Kuaxin.open();
        a0 = kx.device("ascend:0");
        a1 = kx.device("ascend:1");
        assertTrue(a0.info().emulated());
    }

    @AfterAll
    static void close() { kx.close(); }

    @Test
    void collectivesAndHcclRules() {
        int n = 300;
        List<Communicator> cs = HcclCollectives.initAll(List.of(a0, a1), Duration.ofSeconds(30));
        assertEquals("hccl", cs.get(0).library());
        NcclEmulatedTest.both(cs, c -> {
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

    @Test
    void mismatchIsReportedOnEveryRank() {
        List<Communicator> cs = HcclCollectives.initAll(List.of(a0, a1), Duration.ofSeconds(10));
        CollectiveException[] errs = new CollectiveException[2];
        NcclEmulatedTest.both(cs, c -> {
            Device d = c.device();
            try (Scope s = d.scope()) {
                Tensor t = s.zeros(DType.F32, Shape.of(c.rank() == 0 ? 4 : 5));
                c.allReduce(t, t, ReduceOp.SUM, d.defaultStream());
                errs[c.rank()] = assertThrows(CollectiveException.class, () -> c.synchronize(d.defaultStream()));
            }
        });
        for (CollectiveException e : errs) assertEquals(CollectiveException.Reason.MISMATCH, e.reason(), e.getMessage());
        for (Communicator c : cs) c.close();
        try (Scope s = a0.scope()) { // the device stays usable
            assertArrayEquals(new float[] {3}, s.copyOf(new float[] {3}, Shape.of(1)).toFloatArray());
        }
    }
}
