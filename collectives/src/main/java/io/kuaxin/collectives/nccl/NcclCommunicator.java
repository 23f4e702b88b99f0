package io.kuaxin.collectives.nccl;

import io.kuaxin.CollectiveException;
import io.kuaxin.DType;
import io.kuaxin.collectives.ReduceOp;
import io.kuaxin.collectives.spi.NativeCommunicator;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One rank's {@code ncclComm_t}. Collectives are enqueued on the stream's native handle; {@link #await} is the
 * watchdog PyTorch's c10d runs: it polls the stream and {@code CommGetAsyncError}, and aborts the communicator when
 * the library reports an error or the timeout passes, so a hang becomes a {@link CollectiveException}.
 *
 * <p>Ownership: {@link #close()} destroys the communicator, {@link #abort()} aborts it (then close does nothing).
 */
final class NcclCommunicator extends NativeCommunicator {
    private final NcclBinding nccl;

    NcclCommunicator(NcclBinding nccl, MemorySegment comm, Duration timeout) {
        super(comm, new Calls("", nccl.allReduce, nccl.allGather, nccl.reduceScatter, nccl.broadcast, nccl.send,
                nccl.recv), timeout);
        this.nccl = nccl;
    }

    @Override public String library() { return nccl.family.name(); }

    @Override
    public boolean supportsReduction(DType dtype, ReduceOp op) { return dtype != DType.BOOL; }

    /** {@code call} without the family's prefix, e.g. {@code AllReduce}; the binding adds it. */
    @Override
    protected void check(int status, String call) { nccl.check(status, call, comm); }

    @Override
    protected int dtype(DType dt) { return NcclBinding.dtype(dt); }

    @Override
    protected int op(ReduceOp op) { return NcclBinding.op(op); }

    @Override
    protected CollectiveException asyncError(MemorySegment err) throws Throwable {
        check((int) nccl.commGetAsyncError.invokeExact(comm, err), "CommGetAsyncError");
        int async = err.get(JAVA_INT, 0);
        return async == 0 || async == 7 ? null : nccl.asyncError(async, comm); // 7 = ncclInProgress
    }

    @Override
    protected void abortComm() { invoke("CommAbort", () -> (int) nccl.commAbort.invokeExact(comm)); }

    @Override
    protected void destroyComm() { call("CommDestroy", () -> (int) nccl.commDestroy.invokeExact(comm)); }
}
