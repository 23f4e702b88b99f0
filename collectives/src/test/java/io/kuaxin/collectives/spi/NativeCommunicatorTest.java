package io.kuaxin.collectives.spi;

import io.kuaxin.CollectiveException;
import io.kuaxin.CollectiveException.Reason;
import io.kuaxin.DType;
import io.kuaxin.ExternalWork;
import io.kuaxin.collectives.ReduceOp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
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

        Recording(Duration timeout) { super(MemorySegment.ofAddress(0x1000), timeout); }

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

        @Override public void allReduce(ExternalWork.Target t, long s, long r, long n, DType d, ReduceOp o) {}

        @Override public void allGather(ExternalWork.Target t, long s, long r, long n, DType d) {}

        @Override public void reduceScatter(ExternalWork.Target t, long s, long r, long n, DType d, ReduceOp o) {}

        @Override public void broadcast(ExternalWork.Target t, long s, long r, long n, DType d, int root) {}

        @Override public void send(ExternalWork.Target t, long b, long n, DType d, int peer) {}

        @Override public void recv(ExternalWork.Target t, long b, long n, DType d, int peer) {}
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
