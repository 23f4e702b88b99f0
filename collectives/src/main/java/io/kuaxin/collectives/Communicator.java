package io.kuaxin.collectives;

import io.kuaxin.ClosedResourceException;
import io.kuaxin.CollectiveException;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Event;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import io.kuaxin.collectives.spi.CommunicatorBackend;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One rank of a group of devices that run collectives together: all-reduce, all-gather, reduce-scatter, broadcast,
 * send/recv and barrier. Each call validates its arguments, then enqueues on a {@link Stream} of this rank's device,
 * ordered with the stream's other work, and returns; {@link #synchronize(Stream)} waits for it with the timeout.
 *
 * <p>Every rank must issue the same collectives in the same order (as with NCCL and MPI); use one stream per
 * communicator at a time. Tensors must be contiguous and on {@link #device()}.
 *
 * <p>Failures: invalid arguments throw {@link InvalidArgumentException} before anything is enqueued. A lost peer,
 * a disagreement between ranks, the timeout passing or a library error throws {@link CollectiveException} (from the
 * call or from the stream's next synchronisation); the communicator is then aborted, later calls throw
 * {@link CollectiveException} with reason {@code ABORTED}, and it must be closed. The device stays usable.
 *
 * <p>Ownership: the caller closes it ({@link #close()} frees the library's communicator; closing twice throws).
 * Thread-safety: one thread at a time.
 */
public final class Communicator implements AutoCloseable {
    private final CommunicatorBackend spi;
    private final Device device;
    private final int rank;
    private final int size;
    private final Duration timeout;
    private volatile boolean aborted;
    private boolean closed;

    /** For providers: wraps one rank's backend. */
    public Communicator(CommunicatorBackend spi, Device device, int rank, int size, Duration timeout) {
        this.spi = Objects.requireNonNull(spi, "spi");
        this.device = Objects.requireNonNull(device, "device");
        this.rank = rank;
        this.size = size;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    public int rank() { return rank; }

    public int size() { return size; }

    public Device device() { return device; }

    /** The longest a collective may wait for its peers before failing with reason {@code TIMEOUT}. */
    public Duration timeout() { return timeout; }

    /** The collective library, e.g. {@code nccl}, {@code mpi}. */
    public String library() { return spi.library(); }

    /** Whether this communicator was aborted (after a failure or {@link #abort()}). */
    public boolean isAborted() { return aborted; }

    /**
     * Reduces {@code send} over all ranks into {@code recv} (same dtype and element count; may be the same tensor).
     *
     * @throws InvalidArgumentException if dtypes or counts differ, a tensor is not contiguous or not on this device,
     *                                  or the library cannot reduce the dtype with {@code op}
     */
    public void allReduce(Tensor send, Tensor recv, ReduceOp op, Stream stream) {
        check(stream, send, recv);
        sameShape("allReduce", send, recv, 1);
        reducible("allReduce", send.dtype(), op);
        enqueue(stream, send, recv, t -> spi.allReduce(t, t.address(send), t.address(recv), send.numel(),
                send.dtype(), op));
    }

    /** All-reduce on the device's default stream. */
    public void allReduce(Tensor send, Tensor recv, ReduceOp op) { allReduce(send, recv, op, device.defaultStream()); }

    /**
     * Gathers every rank's {@code send} into {@code recv}, rank {@code r}'s block at element {@code r * send.numel()}.
     *
     * @throws InvalidArgumentException if {@code recv} does not hold {@code size()} times {@code send}'s elements
     */
    public void allGather(Tensor send, Tensor recv, Stream stream) {
        check(stream, send, recv);
        sameShape("allGather", send, recv, size);
        enqueue(stream, send, recv, t -> spi.allGather(t, t.address(send), t.address(recv), send.numel(),
                send.dtype()));
    }

    /**
     * Reduces {@code send} ({@code size()} blocks of {@code recv.numel()} elements) over all ranks; this rank
     * receives block {@link #rank()}.
     */
    public void reduceScatter(Tensor send, Tensor recv, ReduceOp op, Stream stream) {
        check(stream, send, recv);
        sameShape("reduceScatter", recv, send, size);
        reducible("reduceScatter", send.dtype(), op);
        enqueue(stream, send, recv, t -> spi.reduceScatter(t, t.address(send), t.address(recv), recv.numel(),
                send.dtype(), op));
    }

    /** Copies {@code root}'s {@code buffer} into every other rank's {@code buffer}. */
    public void broadcast(Tensor buffer, int root, Stream stream) {
        check(stream, buffer);
        rankArg("root", root, true);
        enqueue(stream, buffer, buffer, t -> spi.broadcast(t, t.address(buffer), t.address(buffer), buffer.numel(),
                buffer.dtype(), root));
    }

    /** Sends {@code tensor} to {@code peer}, which must post a matching {@link #recv}. */
    public void send(Tensor tensor, int peer, Stream stream) {
        check(stream, tensor);
        rankArg("peer", peer, false);
        enqueue(stream, tensor, null, t -> spi.send(t, t.address(tensor), tensor.numel(), tensor.dtype(), peer));
    }

    /** Receives into {@code tensor} from {@code peer}'s matching {@link #send}. */
    public void recv(Tensor tensor, int peer, Stream stream) {
        check(stream, tensor);
        rankArg("peer", peer, false);
        enqueue(stream, null, tensor, t -> spi.recv(t, t.address(tensor), tensor.numel(), tensor.dtype(), peer));
    }

    /**
     * Waits until every rank reached this point and every collective enqueued on the device's default stream before
     * it completed (an all-reduce of one element, then a synchronisation with the timeout).
     */
    public void barrier() {
        Stream s = device.defaultStream();
        try (io.kuaxin.Scope scope = device.scope()) {
            Tensor one = scope.copyOf(new float[] {1f}, io.kuaxin.Shape.of(1));
            allReduce(one, one, ReduceOp.SUM, s);
            synchronize(s);
        }
    }

    /**
     * Waits for the work enqueued on {@code stream}, failing once the timeout passed without it completing.
     *
     * @throws CollectiveException TIMEOUT (this communicator is then aborted), or a failure of an enqueued collective
     */
    public void synchronize(Stream stream) {
        checkOpen();
        try (Event e = stream.record()) {
            spi.await(e::isComplete, "synchronize on " + device.id());
            stream.synchronize();
        } catch (CollectiveException e) {
            abort();
            throw e;
        }
    }

    /** Aborts: pending and later collectives fail on every rank instead of waiting for this one. Idempotent. */
    public void abort() {
        aborted = true;
        spi.abort();
    }

    /** Frees the library's communicator (aborting it first if a collective failed). */
    @Override
    public void close() {
        if (closed) throw new ClosedResourceException("communicator rank " + rank + " was already closed");
        closed = true;
        spi.close();
    }

    private interface Call { void run(io.kuaxin.ExternalWork.Target t); }

    private void enqueue(Stream stream, Tensor read, Tensor write, Call call) {
        List<Tensor> reads = read == null ? List.of() : List.of(read);
        List<Tensor> writes = write == null ? List.of() : List.of(write);
        try {
            stream.enqueueExternal(reads, writes, call::run);
        } catch (CollectiveException e) {
            abort();
            throw e;
        }
    }

    private void check(Stream stream, Tensor... tensors) {
        checkOpen();
        Objects.requireNonNull(stream, "stream");
        if (stream.device() != device) {
            throw new InvalidArgumentException("stream is on " + stream.device().id() + ", communicator rank " + rank
                    + " on " + device.id());
        }
        for (Tensor t : tensors) {
            Objects.requireNonNull(t, "tensor");
            if (t.device() != device) {
                throw new InvalidArgumentException("tensor is on " + t.device().id() + ", communicator rank " + rank
                        + " on " + device.id() + "; copy it there first");
            }
            if (!t.isContiguous()) {
                throw new InvalidArgumentException("collectives need contiguous tensors; call contiguous() first");
            }
        }
    }

    private void sameShape(String what, Tensor small, Tensor big, int factor) {
        if (small.dtype() != big.dtype()) {
            throw new InvalidArgumentException(what + " needs one dtype: " + small.dtype().label() + " and "
                    + big.dtype().label());
        }
        if (small.numel() * factor != big.numel()) {
            throw new InvalidArgumentException(what + ": " + big.numel() + " elements where " + factor + " x "
                    + small.numel() + " = " + small.numel() * factor + " are needed (size " + size + ")");
        }
    }

    private void reducible(String what, DType dtype, ReduceOp op) {
        Objects.requireNonNull(op, "op");
        if (!spi.supportsReduction(dtype, op)) {
            throw new InvalidArgumentException(what + ": " + spi.library() + " cannot reduce " + dtype.label()
                    + " with " + op + "; cast to f32 first");
        }
    }

    private void rankArg(String name, int r, boolean selfAllowed) {
        if (r < 0 || r >= size || (!selfAllowed && r == rank)) {
            throw new InvalidArgumentException(name + " " + r + " is not " + (selfAllowed ? "a rank" : "another rank")
                    + " of this communicator (size " + size + ", rank " + rank + ")");
        }
    }

    private void checkOpen() {
        if (closed) throw new ClosedResourceException("communicator rank " + rank + " is closed");
        if (aborted) {
            throw new CollectiveException(CollectiveException.Reason.ABORTED, spi.library(), "communicator", 0,
                    "rank " + rank + " was aborted after an earlier failure; close it and create a new one");
        }
    }
}
