package io.kuaxin.collectives.hccl;

import io.kuaxin.DType;
import io.kuaxin.ExternalWork;
import io.kuaxin.collectives.ReduceOp;
import io.kuaxin.collectives.spi.CommunicatorBackend;
import io.kuaxin.collectives.spi.Watchdog;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** One rank's {@code HcclComm}; the watchdog polls {@code HcclGetCommAsyncError}. Destroy is HCCL's abort. */
final class HcclCommunicator implements CommunicatorBackend {
    private final HcclCollectives h;
    private final MemorySegment comm;
    private final Duration timeout;
    private final AtomicBoolean released = new AtomicBoolean();

    HcclCommunicator(HcclCollectives h, MemorySegment comm, Duration timeout) {
        this.h = h;
        this.comm = comm;
        this.timeout = timeout;
    }

    @Override public String library() { return "hccl"; }

    /** HCCL has SUM, PROD, MAX, MIN: no AVG (V, HcclReduceOp). */
    @Override
    public boolean supportsReduction(DType dtype, ReduceOp op) { return op != ReduceOp.AVG && dtype != DType.BOOL; }

    private static int op(ReduceOp op) {
        return switch (op) {
            case SUM -> 0;
            case MAX -> 2;
            case MIN -> 3;
            case AVG -> throw new IllegalArgumentException("HCCL has no AVG");
        };
    }

    private static MemorySegment at(long a) { return MemorySegment.ofAddress(a); }

    private interface Call { int run() throws Throwable; }

    private void call(String name, Call c) {
        int rc;
        try {
            rc = c.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + ": " + t, t);
        }
        h.check(rc, name, comm);
    }

    @Override
    public void allReduce(ExternalWork.Target t, long send, long recv, long count, DType dt, ReduceOp o) {
        call("HcclAllReduce", () -> (int) h.allReduce.invokeExact(at(send), at(recv), count, HcclCollectives.dtype(dt),
                op(o), comm, at(t.nativeStream())));
    }

    @Override
    public void allGather(ExternalWork.Target t, long send, long recv, long count, DType dt) {
        call("HcclAllGather", () -> (int) h.allGather.invokeExact(at(send), at(recv), count, HcclCollectives.dtype(dt),
                comm, at(t.nativeStream())));
    }

    @Override
    public void reduceScatter(ExternalWork.Target t, long send, long recv, long count, DType dt, ReduceOp o) {
        call("HcclReduceScatter", () -> (int) h.reduceScatter.invokeExact(at(send), at(recv), count,
                HcclCollectives.dtype(dt), op(o), comm, at(t.nativeStream())));
    }

    /** In place (HCCL's broadcast has one buffer); the front door passes the same tensor as send and receive. */
    @Override
    public void broadcast(ExternalWork.Target t, long send, long recv, long count, DType dt, int root) {
        call("HcclBroadcast", () -> (int) h.broadcast.invokeExact(at(recv), count, HcclCollectives.dtype(dt), root,
                comm, at(t.nativeStream())));
    }

    @Override
    public void send(ExternalWork.Target t, long buffer, long count, DType dt, int peer) {
        call("HcclSend", () -> (int) h.send.invokeExact(at(buffer), count, HcclCollectives.dtype(dt), peer, comm,
                at(t.nativeStream())));
    }

    @Override
    public void recv(ExternalWork.Target t, long buffer, long count, DType dt, int peer) {
        call("HcclRecv", () -> (int) h.recv.invokeExact(at(buffer), count, HcclCollectives.dtype(dt), peer, comm,
                at(t.nativeStream())));
    }

    @Override
    public void await(BooleanSupplier done, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            Watchdog.await(done, () -> {
                call("HcclGetCommAsyncError", () -> (int) h.asyncError.invokeExact(comm, err));
                int async = err.get(JAVA_INT, 0);
                return async == 0 ? null : h.error(async, "HcclGetCommAsyncError", comm);
            }, this::abort, timeout, "hccl", what, "the communicator was destroyed");
        }
    }

    @Override
    public void abort() { close(); }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) call("HcclCommDestroy", () -> (int) h.destroy.invokeExact(comm));
    }
}
