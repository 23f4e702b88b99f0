package io.kuaxin.collectives.mpi;

import io.kuaxin.CollectiveException;
import io.kuaxin.DType;
import io.kuaxin.ExternalWork;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.collectives.ReduceOp;
import io.kuaxin.collectives.spi.CommunicatorBackend;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The CPU's collectives: MPI's non-blocking collectives on host memory over {@code MPI_COMM_WORLD}, each run as a
 * host action on the stream (so ordered with its other work) and polled until done or the timeout passed.
 *
 * <p>{@code AVG} is a sum scaled by {@code 1/size} on the host (MPI has no average). f16/bf16 move as bytes
 * (all-gather, broadcast, send/recv) but cannot be reduced: MPI has no half-precision type.
 * Abort is {@code MPI_Abort}: MPI cannot abort one communicator, so it ends the job.
 */
final class MpiCommunicator implements CommunicatorBackend {
    private static final int TAG = 0x6b78; // 'kx'
    private final Mpi mpi;
    private final Duration timeout;
    private volatile CollectiveException failed;

    MpiCommunicator(Mpi mpi, Duration timeout) {
        this.mpi = mpi;
        this.timeout = timeout;
    }

    @Override public String library() { return "mpi"; }

    @Override
    public boolean supportsReduction(DType dtype, ReduceOp op) {
        return switch (dtype) {
            case F32, F64, I8, U8, I32, I64 -> true;
            case F16, BF16, BOOL -> false;
        };
    }

    private static MemorySegment at(long address) { return MemorySegment.ofAddress(address); }

    private static int count(long n, String what) {
        if (n > Integer.MAX_VALUE) {
            throw new InvalidArgumentException(what + " of " + n + " elements: MPI counts are int; split the tensor");
        }
        return (int) n;
    }

    private void host(ExternalWork.Target t, String name, Runnable r) {
        t.enqueueHost(() -> {
            CollectiveException f = failed;
            if (f != null) {
                throw new CollectiveException(CollectiveException.Reason.ABORTED, "mpi", name, 0,
                        "an earlier collective failed: " + f.getMessage());
            }
            try {
                r.run();
            } catch (CollectiveException e) {
                failed = e;
                throw e;
            }
        });
    }

    @Override
    public void allReduce(ExternalWork.Target t, long send, long recv, long count, DType dt, ReduceOp op) {
        int n = count(count, "allReduce");
        host(t, "MPI_Iallreduce", () -> {
            MemorySegment s = send == recv ? mpi.abi.inPlace() : at(send);
            mpi.run("MPI_Iallreduce", timeout, req -> (int) mpi.iallreduce().invoke(s, at(recv), n,
                    mpi.abi.datatype(dt), mpi.op(op), mpi.abi.commWorld(), req));
            if (op == ReduceOp.AVG) Average.divide(recv, count, dt, mpi.size());
        });
    }

    @Override
    public void allGather(ExternalWork.Target t, long send, long recv, long count, DType dt) {
        int n = count(count * dt.byteSize(), "allGather bytes");
        host(t, "MPI_Iallgather", () -> mpi.run("MPI_Iallgather", timeout, req -> (int) mpi.iallgather().invoke(
                at(send), n, mpi.abi.byteType(), at(recv), n, mpi.abi.byteType(), mpi.abi.commWorld(), req)));
    }

    @Override
    public void reduceScatter(ExternalWork.Target t, long send, long recv, long count, DType dt, ReduceOp op) {
        int n = count(count, "reduceScatter");
        host(t, "MPI_Ireduce_scatter_block", () -> {
            mpi.run("MPI_Ireduce_scatter_block", timeout, req -> (int) mpi.ireduceScatterBlock().invoke(at(send),
                    at(recv), n, mpi.abi.datatype(dt), mpi.op(op), mpi.abi.commWorld(), req));
            if (op == ReduceOp.AVG) Average.divide(recv, count, dt, mpi.size());
        });
    }

    @Override
    public void broadcast(ExternalWork.Target t, long send, long recv, long count, DType dt, int root) {
        int n = count(count * dt.byteSize(), "broadcast bytes");
        host(t, "MPI_Ibcast", () -> {
            if (mpi.rank() == root && send != recv) {
                at(recv).reinterpret(n).copyFrom(at(send).reinterpret(n));
            }
            mpi.run("MPI_Ibcast", timeout, req -> (int) mpi.ibcast().invoke(at(recv), n, mpi.abi.byteType(), root,
                    mpi.abi.commWorld(), req));
        });
    }

    @Override
    public void send(ExternalWork.Target t, long buffer, long count, DType dt, int peer) {
        int n = count(count * dt.byteSize(), "send bytes");
        host(t, "MPI_Isend", () -> mpi.run("MPI_Isend", timeout, req -> (int) mpi.isend().invoke(at(buffer), n,
                mpi.abi.byteType(), peer, TAG, mpi.abi.commWorld(), req)));
    }

    @Override
    public void recv(ExternalWork.Target t, long buffer, long count, DType dt, int peer) {
        int n = count(count * dt.byteSize(), "recv bytes");
        host(t, "MPI_Irecv", () -> mpi.run("MPI_Irecv", timeout, req -> (int) mpi.irecv().invoke(at(buffer), n,
                mpi.abi.byteType(), peer, TAG, mpi.abi.commWorld(), req)));
    }

    @Override
    public void await(BooleanSupplier done, String what) {
        // Nothing to poll: the host actions enforce the timeout themselves and fail on the stream, whose blocking
        // synchronisation (next) rethrows. Spinning here would take a core from the rank's own MPI progress.
    }

    @Override
    public void abort() {
        if (failed == null) {
            failed = new CollectiveException(CollectiveException.Reason.ABORTED, "mpi", "abort", 0, "aborted");
        }
    }

    /** Ends the whole MPI job: the only abort MPI offers, for a caller that wants peers stopped now. */
    void abortJob() { mpi.abortJob(1); }

    @Override
    public void close() {
        // MPI_COMM_WORLD is not freed; MPI is finalised at exit.
    }
}
