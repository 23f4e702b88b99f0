package io.kuaxin.collectives;

import io.kuaxin.CollectiveException;
import io.kuaxin.CollectiveException.Reason;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

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
 * What every collective library's emulated binding must do with two ranks on two emulated devices of one process:
 * the emulator exchanges the data for real, and the faults the collectives' emulators share (ranks that disagree on
 * a count, a rank that dies, a rank that never calls) end as typed errors within the timeout, with the device usable
 * and no connection left. A subclass names its devices, its emulator library and how it joins both ranks, and adds
 * the library's own checks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EmulatedRanksContract {
    /** Joins one communicator per device, rank {@code i} on device {@code i}. */
    protected interface JoinAll { List<Communicator> join(List<Device> devices, Duration timeout); }

    private final String backend;
    private final String emulator;
    private final JoinAll joinAll;
    protected Kuaxin kx;
    protected Device d0, d1;
    private MethodHandle live, inject;

    /**
     * @param backend  the devices' backend, e.g. {@code cuda}
     * @param emulator the collective emulator's file, e.g. {@code libkuaxin-emu-nccl.so}
     */
    protected EmulatedRanksContract(String backend, String emulator, JoinAll joinAll) {
        this.backend = backend;
        this.emulator = emulator;
        this.joinAll = joinAll;
    }

    @BeforeAll
    void open() {
        kx = Kuaxin.open();
        d0 = kx.device(backend + ":0");
        d1 = kx.device(backend + ":1");
        assertTrue(d0.info().emulated(), "tests run on the emulator");
        SymbolLookup l = emulatorLookup();
        Linker linker = Linker.nativeLinker();
        live = linker.downcallHandle(l.find("kuaxin_ccl_emu_live").orElseThrow(), FunctionDescriptor.of(JAVA_LONG));
        inject = linker.downcallHandle(l.find("kuaxin_ccl_emu_inject").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    @AfterAll
    void close() { kx.close(); }

    /** The collective emulator's symbols (its control calls). */
    protected SymbolLookup emulatorLookup() {
        Path lib = Path.of(System.getProperty("kuaxin.emulator.dir"), emulator);
        return SymbolLookup.libraryLookup(lib, Arena.global());
    }

    protected List<Communicator> joinBoth(Duration timeout) { return joinAll.join(List.of(d0, d1), timeout); }

    protected static float value(int r, int i) { return (r + 1) * 0.75f + (i % 9) - 4f; }

    protected static float[] values(int r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = value(r, i);
        return v;
    }

    protected interface RankBody { void run(Communicator c); }

    /** One platform thread per rank: each rank's collectives wait for the other's (a common pool may have one). */
    protected static void both(List<Communicator> cs, RankBody body) {
        CompletableFuture<?>[] fs = new CompletableFuture<?>[cs.size()];
        for (int r = 0; r < cs.size(); r++) {
            Communicator c = cs.get(r);
            fs[r] = CompletableFuture.runAsync(() -> body.run(c), task -> Thread.ofPlatform().start(task));
        }
        CompletableFuture.allOf(fs).join();
    }

    /** The emulator's live connections and roots, after giving closing ranks up to 3 s to let go. */
    protected long liveAfterClose() throws Throwable {
        long n = (long) live.invokeExact();
        for (int i = 0; i < 150 && n != 0; i++) {
            Thread.sleep(20);
            n = (long) live.invokeExact();
        }
        return n;
    }

    protected void assertDeviceUsable() {
        try (Scope s = d0.scope()) {
            assertArrayEquals(new float[] {5, 6}, s.copyOf(new float[] {5, 6}, Shape.of(2)).toFloatArray());
        }
    }

    @Test
    void mismatchedCountFailsOnEveryRank() throws Throwable {
        List<Communicator> cs = joinBoth(Duration.ofSeconds(10));
        CollectiveException[] errs = new CollectiveException[2];
        both(cs, c -> {
            Device d = c.device();
            try (Scope s = d.scope()) {
                Tensor t = s.zeros(DType.F32, Shape.of(c.rank() == 0 ? 8 : 9)); // ranks disagree on the count
                c.allReduce(t, t, ReduceOp.SUM, d.defaultStream());
                errs[c.rank()] = assertThrows(CollectiveException.class, () -> c.synchronize(d.defaultStream()));
            }
        });
        for (CollectiveException e : errs) assertEquals(Reason.MISMATCH, e.reason(), e.getMessage());
        assertTrue(cs.get(0).isAborted());
        assertThrows(CollectiveException.class, () -> cs.get(0).barrier()); // refused after the failure
        for (Communicator c : cs) c.close();
        assertDeviceUsable();
        assertEquals(0, liveAfterClose());
    }

    @Test
    void deadPeerFailsWithinTheTimeout() throws Throwable {
        List<Communicator> cs = joinBoth(Duration.ofSeconds(5));
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
        assertEquals(Reason.PEER_LOST, errs[0].reason(), errs[0].getMessage());
        assertTrue(ms < 5000, "noticed after " + ms + " ms");
        for (Communicator c : cs) c.close();
        assertDeviceUsable();
        assertEquals(0, liveAfterClose());
    }

    @Test
    void peerThatNeverCallsTimesOut() throws Throwable {
        Duration timeout = Duration.ofMillis(1500);
        List<Communicator> cs = joinBoth(timeout);
        Communicator c = cs.get(0);
        long t0 = System.nanoTime();
        try (Scope s = d0.scope()) {
            Tensor t = s.copyOf(new float[] {1, 2}, Shape.of(2));
            c.allReduce(t, t, ReduceOp.SUM, d0.defaultStream()); // rank 1 never calls
            CollectiveException e = assertThrows(CollectiveException.class, () -> c.synchronize(d0.defaultStream()));
            assertEquals(Reason.TIMEOUT, e.reason(), e.getMessage());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < timeout.toMillis() + 1500, "timed out after " + ms + " ms");
        for (Communicator x : cs) x.close();
        assertDeviceUsable();
        assertEquals(0, liveAfterClose());
    }
}
