package io.kuaxin.collectives.cncl;

import io.kuaxin.CollectiveException;
import io.kuaxin.CollectiveException.Reason;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.collectives.Communicator;
import io.kuaxin.collectives.EmulatedRanksContract;
import io.kuaxin.collectives.ReduceOp;
import io.kuaxin.collectives.Rendezvous;
import io.kuaxin.emulators.HeaderValues;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CNCL's binding on two emulated Cambricon devices in one process: the CNCL emulator exchanges the data for real on
 * the Cambricon emulator's queues. Expected values are computed here; faults are injected; the bound numbers are
 * checked against the header subset.
 */
class CnclEmulatedTest extends EmulatedRanksContract {
    private MethodHandle runtime;

    CnclEmulatedTest() { super("mlu", "libkuaxin-emu-cncl.so", CnclCollectives::initAll); }

    @BeforeAll
    void bindRuntime() {
        runtime = Linker.nativeLinker().downcallHandle(emulatorLookup().find("kuaxin_ccl_emu_runtime").orElseThrow(),
                FunctionDescriptor.of(ADDRESS));
    }

    @Test
    void collectivesMatchIndependentValues() throws Throwable {
        int n = 513;
        List<Communicator> cs = joinBoth(Duration.ofSeconds(30));
        assertEquals("cncl", cs.get(0).library());
        assertEquals(List.of(0, 1), List.of(cs.get(0).rank(), cs.get(1).rank()));
        // the collectives run on the Cambricon emulator's queues, with device addresses, not on host memory
        assertEquals("cambricon", ((MemorySegment) runtime.invokeExact()).reinterpret(64).getString(0));
        try {
            both(cs, c -> {
                Device d = c.device();
                int r = c.rank();
                try (Scope s = d.scope()) {
                    for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN}) {
                        Tensor out = s.zeros(DType.F32, Shape.of(n));
                        c.allReduce(s.copyOf(values(r, n), Shape.of(n)), out, op, d.defaultStream());
                        c.synchronize(d.defaultStream());
                        float[] got = out.toFloatArray();
                        for (int i = 0; i < n; i++) {
                            float a = value(0, i), b = value(1, i);
                            float want = switch (op) {
                                case SUM -> a + b; case MAX -> Math.max(a, b); case MIN -> Math.min(a, b);
                                case AVG -> throw new AssertionError(); };
                            assertEquals(want, got[i], 1e-6, op + " at " + i);
                        }
                    }
                    Tensor x = s.copyOf(values(r, n), Shape.of(n));
                    // CNCL has no AVG and no f64 reduction: refused before anything is enqueued, the communicator
                    // lives on
                    assertThrows(InvalidArgumentException.class,
                            () -> c.allReduce(x, x, ReduceOp.AVG, d.defaultStream()));
                    Tensor f64 = s.zeros(DType.F64, Shape.of(4));
                    assertThrows(InvalidArgumentException.class,
                            () -> c.allReduce(f64, f64, ReduceOp.SUM, d.defaultStream()));
                    Tensor ints = s.copyOf(new int[] {r + 1, -7 * r, 100, r}, Shape.of(4));
                    c.allReduce(ints, ints, ReduceOp.SUM, d.defaultStream()); // in place, i32
                    Tensor g = s.zeros(DType.F32, Shape.of(2, n));
                    c.allGather(x, g, d.defaultStream());
                    float[] big = new float[2 * n];
                    for (int i = 0; i < 2 * n; i++) big[i] = value(r, i);
                    Tensor rs = s.zeros(DType.F32, Shape.of(n));
                    c.reduceScatter(s.copyOf(big, Shape.of(2 * n)), rs, ReduceOp.SUM, d.defaultStream());
                    Tensor b = s.copyOf(values(r, n), DType.BF16, Shape.of(n));
                    c.broadcast(b, 1, d.defaultStream());
                    double[] dv = {r + 0.1, Math.PI * (r + 1), -1e300 * r};
                    // f64 travels as CNCL's Int64: the same bytes
                    Tensor bd = s.copyOf(MemorySegment.ofArray(dv), DType.F64, Shape.of(3));
                    c.broadcast(bd, 0, d.defaultStream());
                    Tensor in = s.zeros(DType.F32, Shape.of(n));
                    c.send(x, 1 - r, d.defaultStream());
                    c.recv(in, 1 - r, d.defaultStream());
                    c.synchronize(d.defaultStream());
                    assertArrayEquals(new long[] {3, -7, 200, 1}, ints.toLongArray());
                    float[] gg = g.toFloatArray();
                    for (int q = 0; q < 2; q++) for (int i = 0; i < n; i++) assertEquals(value(q, i), gg[q * n + i]);
                    float[] gr = rs.toFloatArray();
                    for (int i = 0; i < n; i++) assertEquals(value(0, r * n + i) + value(1, r * n + i), gr[i], 1e-6);
                    float[] gb = b.toFloatArray();
                    for (int i = 0; i < n; i++) assertEquals(DType.bf16ToFloat(DType.floatToBf16(value(1, i))), gb[i]);
                    // rank 0's bytes, the sign of -0.0 included
                    assertArrayEquals(new double[] {0.1, Math.PI, -0.0}, bd.toDoubleArray());
                    assertArrayEquals(values(1 - r, n), in.toFloatArray());
                    c.barrier();
                }
            });
        } finally {
            for (Communicator c : cs) c.close();
        }
        assertEquals(0, liveAfterClose(), "connections and roots left");
    }

    /** Rank 0 of a two-rank clique whose rank 1 never joins: cnclInitComms fails with TIMEOUT, nothing is left. */
    @Test
    void rankThatNeverJoinsTimesOut() throws Throwable {
        Rendezvous alone = new Rendezvous() {
            @Override public int rank() { return 0; }
            @Override public int size() { return 2; }
            @Override public byte[] broadcast(byte[] data, int root) { return data; }
        };
        Duration timeout = Duration.ofMillis(1200);
        long t0 = System.nanoTime();
        CollectiveException e = assertThrows(CollectiveException.class, () -> CnclCollectives.init(d0, alone, timeout));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Reason.TIMEOUT, e.reason(), e.getMessage());
        assertTrue(ms >= timeout.toMillis() - 100 && ms < timeout.toMillis() + 2000, "failed after " + ms + " ms");
        assertDeviceUsable();
        assertEquals(0, liveAfterClose());
    }

    /** What cncl.h states about cnclInitComms, enforced by the emulator and reported as typed errors. */
    @Test
    void cliqueRulesAreTypedErrors() throws Throwable {
        CnclCollectives c = CnclCollectives.load(d0);
        Duration t = Duration.ofSeconds(10);
        byte[] id = c.cliqueId();
        assertEquals(136, id.length);
        // a rank outside [0, nrank), and the same rank twice
        assertThrows(InvalidArgumentException.class, () -> c.initComms(List.of(d0), List.of(2), 2, id, t));
        assertThrows(InvalidArgumentException.class, () -> c.initComms(List.of(d0, d1), List.of(0, 0), 2, id, t));
        // an id altered in transit: its hash no longer matches its data
        byte[] bent = id.clone();
        bent[20] ^= 1;
        assertThrows(InvalidArgumentException.class, () -> c.initComms(List.of(d0, d1), List.of(0, 1), 2, bent, t));
        // one initialisation per clique id per process: the second is CNCL_RET_ERR_REINIT
        List<Communicator> cs = c.initComms(List.of(d0, d1), List.of(0, 1), 2, id, t);
        InvalidArgumentException again = assertThrows(InvalidArgumentException.class,
                () -> c.initComms(List.of(d0, d1), List.of(0, 1), 2, id, t));
        assertTrue(again.getMessage().contains("once per process"), again.getMessage());
        for (Communicator x : cs) x.close();
        // not a Cambricon device
        assertThrows(InvalidArgumentException.class, () -> CnclCollectives.initAll(List.of(kx.device("cpu")), t));
        assertDeviceUsable();
        assertEquals(0, liveAfterClose());
    }

    /**
     * cncl.h: processes must initialise their cliques in the same order. Two "processes" (threads) that create
     * cliques A and B in opposite orders wait for each other; each join fails with TIMEOUT, no thread hangs.
     */
    @Test
    void cliquesInitialisedInOppositeOrdersTimeOut() throws Throwable {
        CnclCollectives c = CnclCollectives.load(d0);
        Duration t = Duration.ofMillis(1000);
        CnclCollectives.initAll(List.of(d0), t).getFirst().close(); // sets the emulator's timeout to t
        byte[] a = c.cliqueId(), b = c.cliqueId();
        Throwable[] errs = new Throwable[2];
        Thread p = Thread.ofPlatform().start(() -> errs[0] = catchAll(() -> {
            c.initComms(List.of(d0), List.of(0), 2, a, t);
            c.initComms(List.of(d0), List.of(0), 2, b, t);
        }));
        Thread q = Thread.ofPlatform().start(() -> errs[1] = catchAll(() -> {
            c.initComms(List.of(d1), List.of(1), 2, b, t);
            c.initComms(List.of(d1), List.of(1), 2, a, t);
        }));
        p.join(10_000);
        q.join(10_000);
        for (Throwable e : errs) {
            CollectiveException ce = assertInstanceOfCollective(e);
            assertEquals(Reason.TIMEOUT, ce.reason(), ce.getMessage());
        }
        assertEquals(0, liveAfterClose());
    }

    private static Throwable catchAll(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    private static CollectiveException assertInstanceOfCollective(Throwable e) {
        assertTrue(e instanceof CollectiveException, "expected a CollectiveException, got " + e);
        return (CollectiveException) e;
    }

    /** Every number the binding passes, against native/include/cambricon/cncl.h as the C compiler reads it. */
    @Test
    void boundNumbersEqualTheHeaderSubset() {
        Map<String, Integer> java = new LinkedHashMap<>();
        java.put("cnclFloat16", CnclCollectives.dtype(DType.F16));
        java.put("cnclBfloat16", CnclCollectives.dtype(DType.BF16));
        java.put("cnclFloat32", CnclCollectives.dtype(DType.F32));
        java.put("cnclInt8", CnclCollectives.dtype(DType.I8));
        java.put("cnclInt32", CnclCollectives.dtype(DType.I32));
        java.put("cnclInt64", CnclCollectives.dtype(DType.I64));
        java.put("cnclUint8", CnclCollectives.dtype(DType.U8));
        java.put("cnclSum", CnclCollectives.OP_SUM);
        java.put("cnclMax", CnclCollectives.OP_MAX);
        java.put("cnclMin", CnclCollectives.OP_MIN);
        java.put("CNCL_RET_SUCCESS", CnclCollectives.RET_SUCCESS);
        java.put("CNCL_RET_ERR_UNSUPPORTED", CnclCollectives.ERR_UNSUPPORTED);
        java.put("CNCL_RET_ERR_NULL_POINTER", CnclCollectives.ERR_NULL_POINTER);
        java.put("CNCL_RET_ERR_INIT", CnclCollectives.ERR_INIT);
        java.put("CNCL_RET_ERR_NOT_INIT", CnclCollectives.ERR_NOT_INIT);
        java.put("CNCL_RET_ERR_REINIT", CnclCollectives.ERR_REINIT);
        java.put("CNCL_RET_ERR_SYS_SOCKET", CnclCollectives.ERR_SYS_SOCKET);
        java.put("CNCL_RET_ERR_MLU_RUNTIME", CnclCollectives.ERR_MLU_RUNTIME);
        java.put("CNCL_RET_ASYNC_IN_PROGRESS", CnclCollectives.ASYNC_IN_PROGRESS);
        java.put("CNCL_RET_ASYNC_ERROR", CnclCollectives.ASYNC_ERROR);
        java.put("CNCL_RET_ERR_ARGUMENTS", CnclCollectives.ERR_ARGUMENTS);
        java.put("CNCL_CLIQUE_ID_BYTES_SIZE", CnclCollectives.CLIQUE_ID_BYTES - 8);
        HeaderValues.assertBound(List.of("cambricon/cncl.h"), java);
    }
}
