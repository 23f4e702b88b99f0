package io.kuaxin.collectives;

import io.kuaxin.CollectiveException;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.collectives.nccl.NcclCollectives;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NCCL binding on two emulated CUDA devices in one process: the NCCL emulator exchanges the data for real and
 * enqueues on the CUDA emulator's streams. Expected values are computed here; failures are injected.
 */
class NcclEmulatedTest {
    static Kuaxin kx;
    static Device d0, d1;
    static MethodHandle live, inject;

    @BeforeAll
    static void open() {
        kx = Kuaxin.open();
        d0 = kx.device("cuda:0");
        d1 = kx.device("cuda:1");
        assertTrue(d0.info().emulated(), "tests run on the emulator");
        Path lib = Path.of(System.getProperty("kuaxin.emulator.dir"), "libkuaxin-emu-nccl.so");
        SymbolLookup l = SymbolLookup.libraryLookup(lib, Arena.global());
        Linker linker = Linker.nativeLinker();
        live = linker.downcallHandle(l.find("kuaxin_ccl_emu_live").orElseThrow(), FunctionDescriptor.of(JAVA_LONG));
        inject = linker.downcallHandle(l.find("kuaxin_ccl_emu_inject").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    @AfterAll
    static void close() { kx.close(); }

    static float value(int r, int i) { return (r + 1) * 0.75f + (i % 9) - 4f; }

    static float[] values(int r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = value(r, i);
        return v;
    }

    /** Runs one body per rank concurrently (each rank's collectives block its stream until all joined). */
    static void both(List<Communicator> cs, RankBody body) {
        CompletableFuture<?>[] fs = new CompletableFuture<?>[cs.size()];
        for (int r = 0; r < cs.size(); r++) {
            Communicator c = cs.get(r);
            // a thread per rank: the common pool may have one thread on a small machine, and ranks block each other
            fs[r] = CompletableFuture.runAsync(() -> body.run(c), task -> Thread.ofPlatform().start(task));
        }
        CompletableFuture.allOf(fs).join();
    }

    interface RankBody { void run(Communicator c); }

    static long liveAfterClose() throws Throwable {
        long n = (long) live.invokeExact();
        for (int i = 0; i < 100 && n != 0; i++) {
            Thread.sleep(20);
            n = (long) live.invokeExact();
        }
        return n;
    }

    @Test
    void collectivesMatchIndependentSums() throws Throwable {
        int n = 777;
        List<Communicator> cs = NcclCollectives.initAll(List.of(d0, d1), Duration.ofSeconds(30));
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

    @Test
    void mismatchedCountFailsOnEveryRank() throws Throwable {
        List<Communicator> cs = NcclCollectives.initAll(List.of(d0, d1), Duration.ofSeconds(10));
        CollectiveException[] errs = new CollectiveException[2];
        both(cs, c -> {
            Device d = c.device();
            try (Scope s = d.scope()) {
                Tensor t = s.zeros(DType.F32, Shape.of(c.rank() == 0 ? 8 : 9)); // ranks disagree on the count
                c.allReduce(t, t, ReduceOp.SUM, d.defaultStream());
                errs[c.rank()] = assertThrows(CollectiveException.class, () -> c.synchronize(d.defaultStream()));
            }
        });
        for (CollectiveException e : errs) assertEquals(CollectiveException.Reason.MISMATCH, e.reason(), e.getMessage());
        assertTrue(cs.get(0).isAborted());
        assertThrows(CollectiveException.class, () -> cs.get(0).barrier()); // refused after the failure
        for (Communicator c : cs) c.close();
        assertDeviceUsable();
        assertEquals(0, liveAfterClose());
    }

    @Test
    void deadPeerFailsWithinTheTimeout() throws Throwable {
        List<Communicator> cs = NcclCollectives.initAll(List.of(d0, d1), Duration.ofSeconds(5));
        try (Arena a = Arena.ofConfined()) {
            assertEquals(0, (int) inject.invokeExact(a.allocateFrom("die"), 1, 1)); // rank 1 dies in its next op
        }
        long t0 = System.nanoTime();
        CollectiveException[] errs = new CollectiveException[2];
        both(cs, c -> {
            Device d = c.device();
            try (Scope s = d.scope()) {
                Tensor t = s.copyOf(new float[] {1, 2, 3}, Shape.of(3));
                c.allReduce(t, t, ReduceOp.SUM, d.defaultStream());
                errs[c.rank()] = assertThrows(CollectiveException.class, () -> c.synchronize(d.defaultStream()));
            }
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(CollectiveException.Reason.PEER_LOST, errs[0].reason(), errs[0].getMessage());
        assertTrue(ms < 5000, "noticed after " + ms + " ms");
        for (Communicator c : cs) c.close();
        assertDeviceUsable();
        assertEquals(0, liveAfterClose());
    }

    @Test
    void peerThatNeverCallsTimesOut() throws Throwable {
        Duration timeout = Duration.ofMillis(1500);
        List<Communicator> cs = NcclCollectives.initAll(List.of(d0, d1), timeout);
        Communicator c = cs.get(0);
        long t0 = System.nanoTime();
        try (Scope s = d0.scope()) {
            Tensor t = s.copyOf(new float[] {1, 2}, Shape.of(2));
            c.allReduce(t, t, ReduceOp.SUM, d0.defaultStream()); // rank 1 never calls
            CollectiveException e = assertThrows(CollectiveException.class, () -> c.synchronize(d0.defaultStream()));
            assertEquals(CollectiveException.Reason.TIMEOUT, e.reason(), e.getMessage());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < timeout.toMillis() + 1500, "timed out after " + ms + " ms");
        for (Communicator x : cs) x.close();
        assertDeviceUsable();
        assertEquals(0, liveAfterClose());
    }

    static void assertDeviceUsable() {
        try (Scope s = d0.scope()) {
            assertArrayEquals(new float[] {5, 6}, s.copyOf(new float[] {5, 6}, Shape.of(2)).toFloatArray());
        }
    }
}
