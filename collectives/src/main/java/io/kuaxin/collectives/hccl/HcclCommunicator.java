package io.kuaxin.collectives.hccl;

import io.kuaxin.CollectiveException;
import io.kuaxin.DType;
import io.kuaxin.ExternalWork;
import io.kuaxin.collectives.ReduceOp;
import io.kuaxin.collectives.spi.NativeCommunicator;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** One rank's {@code HcclComm}; the watchdog polls {@code HcclGetCommAsyncError}. Destroy is HCCL's abort. */
final class HcclCommunicator extends NativeCommunicator {
    private final HcclCollectives h;

    HcclCommunicator(HcclCollectives h, MemorySegment comm, Duration timeout) {
        super(comm, timeout);
        this.h = h;
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

    @Override
    protected void check(int status, String call) { h.check(status, call, comm); }

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
    protected CollectiveException asyncError(MemorySegment err) {
        call("HcclGetCommAsyncError", () -> (int) h.asyncError.invokeExact(comm, err));
        int async = err.get(JAVA_INT, 0);
        return async == 0 ? null : h.error(async, "HcclGetCommAsyncError", comm);
    }

    @Override
    protected String afterAbort() { return "the communicator was destroyed"; }

    /** HCCL's abort is its destroy. */
    @Override
    protected void abortComm() { destroyComm(); }

    @Override
    protected void destroyComm() { call("HcclCommDestroy", () -> (int) h.destroy.invokeExact(comm)); }
}
