package io.kuaxin.collectives.spi;

import io.kuaxin.CollectiveException;
import io.kuaxin.CollectiveException.Reason;
import io.kuaxin.DType;
import io.kuaxin.ExternalWork;
import io.kuaxin.collectives.ReduceOp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared part of the vendor communicators: one release, status mapping, and the watchdog's wait. */
class NativeCommunicatorTest {
    /** Records what the base class asks of a library. */
    static final class Recording extends NativeCommunicator {
        final List<String> calls = new ArrayList<>();
        CollectiveException async;

        Recording(Duration timeout) { super(MemorySegment.ofAddress(0x1000), CALLS, timeout); }

        @Override public String library() { return "test"; }

        @Override public boolean supportsReduction(DType dtype, ReduceOp op) { return true; }

        @Override
        protected void check(int status, String call) {
            calls.add(call + "=" + status);
            if (status != 0) throw new CollectiveException(Reason.LIBRARY, "test", call, status, "bad");
        }

        @Override
        protected CollectiveException asyncError(MemorySegment scratch) {
            assertEquals(4, scratch.byteSize());
            return async;
        }

        @Override protected void abortComm() { calls.add("abort"); }

        @Override protected void destroyComm() { call("destroy", () -> 0); }

        @Override protected int dtype(DType dt) { return 100 + dt.ordinal(); }

        @Override protected int op(ReduceOp op) { return 200 + op.ordinal(); }
    }

    /** What the library's reduction got, in NCCL's argument order; answers status 0. */
    static final List<String> SEEN = new ArrayList<>();

    static int reduce(MemorySegment send, MemorySegment recv, long count, int dtype, int op, MemorySegment comm,
                      MemorySegment stream) {
        SEEN.add(send.address() + " " + recv.address() + " " + count + " " + dtype + " " + op + " " + comm.address()
                + " " + stream.address());
        return 0;
    }

    static int p2p(MemorySegment buffer, long count, int dtype, int peer, MemorySegment comm, MemorySegment stream) {
        SEEN.add(buffer.address() + " " + count + " " + dtype + " " + peer + " " + comm.address() + " "
                + stream.address());
        return peer == 9 ? 5 : 0;
    }

    static final NativeCommunicator.Calls CALLS;

    static {
        try {
            var l = MethodHandles.lookup();
            MethodHandle reduce = l.findStatic(NativeCommunicatorTest.class, "reduce", MethodType.methodType(int.class,
                    MemorySegment.class, MemorySegment.class, long.class, int.class, int.class, MemorySegment.class,
                    MemorySegment.class));
            MethodHandle p2p = l.findStatic(NativeCommunicatorTest.class, "p2p", MethodType.methodType(int.class,
                    MemorySegment.class, long.class, int.class, int.class, MemorySegment.class, MemorySegment.class));
            CALLS = new NativeCommunicator.Calls("test", reduce, null, reduce, reduce, p2p, p2p);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final ExternalWork.Target STREAM = new ExternalWork.Target() {
        @Override public long nativeStream() { return 77; }

        @Override public long address(io.kuaxin.Tensor t) { throw new AssertionError(); }

        @Override public void enqueueHost(Runnable action) { throw new AssertionError(); }
    };

    @Test
    void collectivesPassNcclsArgumentOrderAndCheckTheStatusUnderTheLibrarysName() {
        Recording c = new Recording(Duration.ofSeconds(1));
        SEEN.clear();
        c.allReduce(STREAM, 16, 32, 4, DType.F32, ReduceOp.MAX);
        c.broadcast(STREAM, 16, 32, 4, DType.F16, 3);
        c.send(STREAM, 48, 2, DType.I32, 1);
        assertEquals(List.of("16 32 4 " + (100 + DType.F32.ordinal()) + " " + (200 + ReduceOp.MAX.ordinal())
                        + " 4096 77", "16 32 4 " + (100 + DType.F16.ordinal()) + " 3 4096 77",
                "48 2 " + (100 + DType.I32.ordinal()) + " 1 4096 77"), SEEN);
        assertEquals(List.of("testAllReduce=0", "testBroadcast=0", "testSend=0"), c.calls);
        CollectiveException e = assertThrows(CollectiveException.class, () -> c.recv(STREAM, 48, 2, DType.I32, 9));
        assertEquals("testRecv", e.call());
    }

    @Test
    void theCommunicatorIsReleasedOnceByWhicheverComesFirst() {
        Recording closed = new Recording(Duration.ofSeconds(1));
        closed.close();
        closed.abort();
        closed.close();
        assertEquals(List.of("destroy=0"), closed.calls);
        Recording aborted = new Recording(Duration.ofSeconds(1));
        aborted.abort();
        aborted.close();
        assertEquals(List.of("abort"), aborted.calls);
    }

    @Test
    void aStatusGoesThroughTheLibrarysCheckAndACheckedThrowableNamesTheCall() {
        Recording c = new Recording(Duration.ofSeconds(1));
        CollectiveException e = assertThrows(CollectiveException.class, () -> c.call("fooAllReduce", () -> 3));
        assertEquals(3, e.code());
        assertEquals(List.of("fooAllReduce=3"), c.calls);
        IllegalStateException wrapped = assertThrows(IllegalStateException.class,
                () -> NativeCommunicator.invoke("fooAbort", () -> { throw new IOException("gone"); }));
        assertTrue(wrapped.getMessage().startsWith("fooAbort: "), wrapped.getMessage());
        IllegalArgumentException runtime = new IllegalArgumentException("as is");
        assertSame(runtime, assertThrows(IllegalArgumentException.class,
                () -> NativeCommunicator.invoke("x", () -> { throw runtime; })));
    }

    @Test
    void anAsynchronousErrorAbortsAndIsThrown() {
        Recording c = new Recording(Duration.ofSeconds(5));
        c.async = new CollectiveException(Reason.PEER_LOST, "test", "poll", 6, "peer gone");
        CollectiveException e = assertThrows(CollectiveException.class, () -> c.await(() -> false, "allReduce"));
        assertSame(c.async, e);
        assertEquals(List.of("abort"), c.calls);
    }

    @Test
    void theTimeoutAbortsAndSaysWhatAbortingDid() {
        Recording c = new Recording(Duration.ofMillis(20));
        CollectiveException e = assertThrows(CollectiveException.class, () -> c.await(() -> false, "allReduce"));
        assertEquals(Reason.TIMEOUT, e.reason());
        assertTrue(e.getMessage().contains("The communicator was aborted"), e.getMessage());
        assertEquals(List.of("abort"), c.calls);
        Recording done = new Recording(Duration.ofMillis(20));
        done.await(() -> true, "allReduce");
        assertEquals(List.of(), done.calls);
    }
}
