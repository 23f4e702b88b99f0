package io.kuaxin.collectives.cncl;

import io.kuaxin.CollectiveException;
import io.kuaxin.DType;
import io.kuaxin.collectives.ReduceOp;
import io.kuaxin.collectives.spi.NativeCommunicator;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * One rank's {@code cnclComm_t}, enqueuing on the Cambricon backend's {@code cnrtQueue_t}. The watchdog polls
 * {@code cnclGetCommAsyncError} and calls {@code cnclAbortComm} on an error or at the timeout, which unblocks the
 * queue; {@link #close()} is {@code cnclFreeComm}.
 */
final class CnclCommunicator extends NativeCommunicator {
    private final CnclCollectives c;

    CnclCommunicator(CnclCollectives c, MemorySegment comm, Duration timeout) {
        super(comm, new Calls("cncl", c.allReduce, c.allGather, c.reduceScatter, c.broadcast, c.send, c.recv), timeout);
        this.c = c;
    }

    @Override public String library() { return "cncl"; }

    /** CNCL reduces with Sum, Prod, Max, Min (no AVG), over its float and integer types (no 64-bit float) (V). */
    @Override
    public boolean supportsReduction(DType dtype, ReduceOp op) {
        return op != ReduceOp.AVG && dtype != DType.BOOL && dtype != DType.F64;
    }

    @Override
    protected int dtype(DType dt) { return CnclCollectives.dtype(dt); }

    @Override
    protected int op(ReduceOp op) {
        return switch (op) {
            case SUM -> CnclCollectives.OP_SUM;
            case MAX -> CnclCollectives.OP_MAX;
            case MIN -> CnclCollectives.OP_MIN;
            case AVG -> throw new IllegalArgumentException("CNCL has no AVG");
        };
    }

    @Override
    protected void check(int status, String call) { c.check(status, call, comm); }

    @Override
    protected CollectiveException asyncError(MemorySegment unused) throws Throwable {
        int async = (int) c.asyncError.invokeExact(comm);
        return async == CnclCollectives.RET_SUCCESS || async == CnclCollectives.ASYNC_IN_PROGRESS ? null
                : c.error(async, "cnclGetCommAsyncError", comm);
    }

    @Override
    protected void abortComm() { invoke("cnclAbortComm", () -> (int) c.abortComm.invokeExact(comm)); }

    @Override
    protected void destroyComm() { call("cnclFreeComm", () -> (int) c.freeComm.invokeExact(comm)); }
}
