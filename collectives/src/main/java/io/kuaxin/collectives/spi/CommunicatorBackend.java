package io.kuaxin.collectives.spi;

import io.kuaxin.DType;
import io.kuaxin.ExternalWork;
import io.kuaxin.collectives.ReduceOp;

/**
 * One rank's communicator in a collective library. Every method enqueues on {@code target}'s stream (its native
 * handle, or a host action) and returns; arguments were validated by {@link io.kuaxin.collectives.Communicator}.
 * Addresses are device addresses from {@link ExternalWork.Target#address}; counts are elements.
 *
 * <p>Failures are {@link io.kuaxin.CollectiveException}s, thrown here or from the stream's next synchronisation.
 * Called by one thread at a time.
 */
public interface CommunicatorBackend extends AutoCloseable {
    /** The library, e.g. {@code nccl} or {@code mpi}. */
    String library();

    /** Whether the library reduces {@code dtype} natively with {@code op} (else the front door refuses). */
    boolean supportsReduction(DType dtype, ReduceOp op);

    void allReduce(ExternalWork.Target t, long send, long recv, long count, DType dtype, ReduceOp op);

    /** {@code recv} holds {@code size * count} elements, rank {@code r}'s at {@code r * count}. */
    void allGather(ExternalWork.Target t, long send, long recv, long count, DType dtype);

    /** {@code send} holds {@code size * count} elements; this rank receives the reduced block {@code rank}. */
    void reduceScatter(ExternalWork.Target t, long send, long recv, long count, DType dtype, ReduceOp op);

    /** {@code send} is read on the root only; every rank's {@code recv} receives it. */
    void broadcast(ExternalWork.Target t, long send, long recv, long count, DType dtype, int root);

    void send(ExternalWork.Target t, long buffer, long count, DType dtype, int peer);

    void recv(ExternalWork.Target t, long buffer, long count, DType dtype, int peer);

    /**
     * Waits for the collectives enqueued on a stream, failing after the communicator's timeout: called with a
     * predicate that says whether the stream's work completed. Returns normally once it did.
     *
     * @throws io.kuaxin.CollectiveException TIMEOUT (after aborting), or the library's asynchronous error
     */
    void await(java.util.function.BooleanSupplier done, String what);

    /** Aborts: pending and later collectives fail, peers see this rank as lost. Idempotent. */
    void abort();

    /** Frees the communicator; waits for nothing (callers synchronise first). */
    @Override
    void close();
}
