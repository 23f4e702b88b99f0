package io.kuaxin.collectives.nccl;

import io.kuaxin.CollectiveException;
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

/**
 * One rank's {@code ncclComm_t}. Collectives are enqueued on the stream's native handle; {@link #await} is the
 * watchdog PyTorch's c10d runs: it polls the stream and {@code CommGetAsyncError}, and aborts the communicator when
 * the library reports an error or the timeout passes, so a hang becomes a {@link CollectiveException}.
 *
 * <p>Ownership: {@link #close()} destroys the communicator, {@link #abort()} aborts it (then close does nothing).
 */
final class NcclCommunicator implements CommunicatorBackend {
    private final NcclBinding nccl;
    private final MemorySegment comm;
    private final Duration timeout;
    private final AtomicBoolean released = new AtomicBoolean();

    NcclCommunicator(NcclBinding nccl, MemorySegment comm, Duration timeout) {
        this.nccl = nccl;
        this.comm = comm;
        this.timeout = timeout;
    }

    @Override public String library() { return nccl.family.name(); }

    @Override
    public boolean supportsReduction(DType dtype, ReduceOp op) { return dtype != DType.BOOL; }

    private static MemorySegment at(long a) { return MemorySegment.ofAddress(a); }

    private void call(String name, int rc) {
        nccl.check(rc, name, comm);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    @Override
    public void allReduce(ExternalWork.Target t, long send, long recv, long count, DType dt, ReduceOp op) {
        try {
            call("AllReduce", (int) nccl.allReduce.invokeExact(at(send), at(recv), count, NcclBinding.dtype(dt),
                    NcclBinding.op(op), comm, at(t.nativeStream())));
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public void allGather(ExternalWork.Target t, long send, long recv, long count, DType dt) {
        try {
            call("AllGather", (int) nccl.allGather.invokeExact(at(send), at(recv), count, NcclBinding.dtype(dt), comm,
                    at(t.nativeStream())));
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public void reduceScatter(ExternalWork.Target t, long send, long recv, long count, DType dt, ReduceOp op) {
        try {
            call("ReduceScatter", (int) nccl.reduceScatter.invokeExact(at(send), at(recv), count,
                    NcclBinding.dtype(dt), NcclBinding.op(op), comm, at(t.nativeStream())));
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public void broadcast(ExternalWork.Target t, long send, long recv, long count, DType dt, int root) {
        try {
            call("Broadcast", (int) nccl.broadcast.invokeExact(at(send), at(recv), count, NcclBinding.dtype(dt), root,
                    comm, at(t.nativeStream())));
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public void send(ExternalWork.Target t, long buffer, long count, DType dt, int peer) {
        try {
            call("Send", (int) nccl.send.invokeExact(at(buffer), count, NcclBinding.dtype(dt), peer, comm,
                    at(t.nativeStream())));
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public void recv(ExternalWork.Target t, long buffer, long count, DType dt, int peer) {
        try {
            call("Recv", (int) nccl.recv.invokeExact(at(buffer), count, NcclBinding.dtype(dt), peer, comm,
                    at(t.nativeStream())));
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public void await(BooleanSupplier done, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            Watchdog.await(done, () -> {
                nccl.check((int) nccl.commGetAsyncError.invokeExact(comm, err), "CommGetAsyncError", comm);
                int async = err.get(JAVA_INT, 0);
                return async == 0 || async == 7 ? null : nccl.asyncError(async, comm); // 7 = ncclInProgress
            }, this::abort, timeout, library(), what,
                    "a peer is stuck, dead or issued other collectives. The communicator was aborted");
        }
    }

    @Override
    public void abort() {
        if (released.compareAndSet(false, true)) {
            try {
                int ignored = (int) nccl.commAbort.invokeExact(comm);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            try {
                call("CommDestroy", (int) nccl.commDestroy.invokeExact(comm));
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }
}
