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
        super(comm, new Calls("Hccl", h.allReduce, h.allGather, h.reduceScatter, null, h.send, h.recv), timeout);
        this.h = h;
    }

    @Override public String library() { return "hccl"; }

    /** HCCL has SUM, PROD, MAX, MIN: no AVG (V, HcclReduceOp). */
    @Override
    public boolean supportsReduction(DType dtype, ReduceOp op) { return op != ReduceOp.AVG && dtype != DType.BOOL; }

    @Override
    protected int dtype(DType dt) { return HcclCollectives.dtype(dt); }

    @Override
    protected int op(ReduceOp op) {
        return switch (op) {
            case SUM -> 0;
            case MAX -> 2;
            case MIN -> 3;
            case AVG -> throw new IllegalArgumentException("HCCL has no AVG");
        };
    }

    @Override
    protected void check(int status, String call) { h.check(status, call, comm); }

    /** In place (HCCL's broadcast has one buffer); the front door passes the same tensor as send and receive. */
    @Override
    public void broadcast(ExternalWork.Target t, long send, long recv, long count, DType dt, int root) {
        call("HcclBroadcast", () -> (int) h.broadcast.invokeExact(at(recv), count, dtype(dt), root, comm,
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
