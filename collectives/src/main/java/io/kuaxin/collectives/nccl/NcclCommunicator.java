package io.kuaxin.collectives.nccl;

import io.kuaxin.CollectiveException;
import io.kuaxin.DType;
import io.kuaxin.ExternalWork;
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
        super(comm, timeout);
        this.nccl = nccl;
    }

    @Override public String library() { return nccl.family.name(); }

    @Override
    public boolean supportsReduction(DType dtype, ReduceOp op) { return dtype != DType.BOOL; }

    /** {@code call} without the family's prefix, e.g. {@code AllReduce}; the binding adds it. */
    @Override
    protected void check(int status, String call) { nccl.check(status, call, comm); }

    @Override
    public void allReduce(ExternalWork.Target t, long send, long recv, long count, DType dt, ReduceOp op) {
        call("AllReduce", () -> (int) nccl.allReduce.invokeExact(at(send), at(recv), count, NcclBinding.dtype(dt),
                NcclBinding.op(op), comm, at(t.nativeStream())));
    }

    @Override
    public void allGather(ExternalWork.Target t, long send, long recv, long count, DType dt) {
        call("AllGather", () -> (int) nccl.allGather.invokeExact(at(send), at(recv), count, NcclBinding.dtype(dt),
                comm, at(t.nativeStream())));
    }

    @Override
    public void reduceScatter(ExternalWork.Target t, long send, long recv, long count, DType dt, ReduceOp op) {
        call("ReduceScatter", () -> (int) nccl.reduceScatter.invokeExact(at(send), at(recv), count,
                NcclBinding.dtype(dt), NcclBinding.op(op), comm, at(t.nativeStream())));
    }

    @Override
    public void broadcast(ExternalWork.Target t, long send, long recv, long count, DType dt, int root) {
        call("Broadcast", () -> (int) nccl.broadcast.invokeExact(at(send), at(recv), count, NcclBinding.dtype(dt),
                root, comm, at(t.nativeStream())));
    }

    @Override
    public void send(ExternalWork.Target t, long buffer, long count, DType dt, int peer) {
        call("Send", () -> (int) nccl.send.invokeExact(at(buffer), count, NcclBinding.dtype(dt), peer, comm,
                at(t.nativeStream())));
    }

    @Override
    public void recv(ExternalWork.Target t, long buffer, long count, DType dt, int peer) {
        call("Recv", () -> (int) nccl.recv.invokeExact(at(buffer), count, NcclBinding.dtype(dt), peer, comm,
                at(t.nativeStream())));
    }

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
