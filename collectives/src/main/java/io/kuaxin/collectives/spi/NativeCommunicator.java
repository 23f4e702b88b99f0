package io.kuaxin.collectives.spi;

import io.kuaxin.CollectiveException;
import io.kuaxin.DType;
import io.kuaxin.ExternalWork;
import io.kuaxin.collectives.ReduceOp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What every vendor library's communicator (NCCL and its renames, HCCL, CNCL) does: enqueue each collective with one
 * downcall on the stream's native handle and map its status in the library's one place ({@link #check}), wait with
 * the {@link Watchdog} polling the library's asynchronous error, and release the native communicator exactly once,
 * by {@link #close()} or by {@link #abort()}. The three libraries take the same arguments in the same order
 * ({@code send, recv, count, datatype[, op | root], comm, stream}; V: their headers in {@code native/include}), so
 * the collectives are written here once; a subclass states its handles, its type and operator numbers, its status
 * mapping and how it reads the asynchronous error, and overrides a call whose arguments differ (HCCL's broadcast).
 *
 * <p>Ownership: owns {@code comm}. Called by one thread at a time, but {@link #abort()} may race {@link #close()}
 * from a watchdog; the first one releases.
 */
public abstract class NativeCommunicator implements CommunicatorBackend {
    /** The library's communicator handle ({@code ncclComm_t}, {@code HcclComm}, {@code cnclComm_t}). */
    protected final MemorySegment comm;
    private final Calls calls;
    private final Duration timeout;
    private final AtomicBoolean released = new AtomicBoolean();

    /**
     * The library's collective calls, bound in NCCL's argument order: {@code int(send, recv, long count, int dtype,
     * int op, comm, stream)} for the reductions, without {@code op} for all-gather, with {@code int root} for
     * broadcast, {@code int(buffer, long count, int dtype, int peer, comm, stream)} for send and receive.
     *
     * @param prefix    what {@link NativeCommunicator#check} is told before the collective's name
     *                  ({@code HcclAllReduce}), or empty
     * @param broadcast {@code null} where the subclass overrides {@link NativeCommunicator#broadcast} (its arguments
     *                  differ)
     */
    public record Calls(String prefix, MethodHandle allReduce, MethodHandle allGather, MethodHandle reduceScatter,
                        MethodHandle broadcast, MethodHandle send, MethodHandle recv) {}

    /** @param timeout how long {@link #await} waits before aborting */
    protected NativeCommunicator(MemorySegment comm, Calls calls, Duration timeout) {
        this.comm = Objects.requireNonNull(comm);
        this.calls = Objects.requireNonNull(calls);
        this.timeout = Objects.requireNonNull(timeout);
    }

    /** The library's datatype number for {@code dt} (one the front door let through). */
    protected abstract int dtype(DType dt);

    /** The library's operator number for {@code op}; only called where {@link #supportsReduction} said yes. */
    protected abstract int op(ReduceOp op);

    /** One downcall returning the library's status code. */
    @FunctionalInterface
    protected interface Call {
        int run() throws Throwable;
    }

    /** The library's status check: returns on success, else throws its typed exception for {@code call}. */
    protected abstract void check(int status, String call);

    /**
     * Reads the communicator's asynchronous error once.
     *
     * @param scratch one {@code int} of native memory for the libraries that return the error through a pointer
     * @return the failure, or {@code null} while there is none or it is still in progress
     */
    protected abstract CollectiveException asyncError(MemorySegment scratch) throws Throwable;

    /** What {@link #abort()} did, ending the timeout's message. */
    protected String afterAbort() {
        return "a peer is stuck, dead or issued other collectives. The communicator was aborted";
    }

    /** Aborts the native communicator (called once, by the first of close and abort to come). */
    protected abstract void abortComm();

    /** Destroys the native communicator (called once, by the first of close and abort to come). */
    protected abstract void destroyComm();

    /** A device address as a segment for a downcall. */
    protected static MemorySegment at(long address) { return MemorySegment.ofAddress(address); }

    /**
     * Runs {@code c} and returns its status without checking it (for calls whose status does not matter, such as
     * an abort).
     *
     * @throws IllegalStateException naming {@code name} if the downcall throws a checked throwable
     */
    protected static int invoke(String name, Call c) {
        try {
            return c.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + ": " + t, t);
        }
    }

    /** Runs {@code c} and {@link #check}s its status. */
    protected final void call(String name, Call c) { check(invoke(name, c), name); }

    /** {@code name} as the library's call, e.g. {@code cnclAllReduce}. */
    protected final String named(String name) { return calls.prefix() + name; }

    @Override
    public void allReduce(ExternalWork.Target t, long send, long recv, long count, DType dt, ReduceOp op) {
        call(named("AllReduce"), () -> (int) calls.allReduce().invokeExact(at(send), at(recv), count, dtype(dt),
                op(op), comm, at(t.nativeStream())));
    }

    @Override
    public void allGather(ExternalWork.Target t, long send, long recv, long count, DType dt) {
        call(named("AllGather"), () -> (int) calls.allGather().invokeExact(at(send), at(recv), count, dtype(dt), comm,
                at(t.nativeStream())));
    }

    @Override
    public void reduceScatter(ExternalWork.Target t, long send, long recv, long count, DType dt, ReduceOp op) {
        call(named("ReduceScatter"), () -> (int) calls.reduceScatter().invokeExact(at(send), at(recv), count,
                dtype(dt), op(op), comm, at(t.nativeStream())));
    }

    /** {@code broadcast(send, recv, ...)}: in place when the front door passes one tensor as both. */
    @Override
    public void broadcast(ExternalWork.Target t, long send, long recv, long count, DType dt, int root) {
        call(named("Broadcast"), () -> (int) calls.broadcast().invokeExact(at(send), at(recv), count, dtype(dt), root,
                comm, at(t.nativeStream())));
    }

    @Override
    public void send(ExternalWork.Target t, long buffer, long count, DType dt, int peer) {
        call(named("Send"), () -> (int) calls.send().invokeExact(at(buffer), count, dtype(dt), peer, comm,
                at(t.nativeStream())));
    }

    @Override
    public void recv(ExternalWork.Target t, long buffer, long count, DType dt, int peer) {
        call(named("Recv"), () -> (int) calls.recv().invokeExact(at(buffer), count, dtype(dt), peer, comm,
                at(t.nativeStream())));
    }

    @Override
    public final void await(BooleanSupplier done, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment scratch = a.allocate(JAVA_INT);
            Watchdog.await(done, () -> asyncError(scratch), this::abort, timeout, library(), what, afterAbort());
        }
    }

    @Override
    public final void abort() {
        if (released.compareAndSet(false, true)) abortComm();
    }

    @Override
    public final void close() {
        if (released.compareAndSet(false, true)) destroyComm();
    }
}
