package io.kuaxin.collectives.spi;

import io.kuaxin.CollectiveException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What every vendor library's communicator (NCCL and its renames, HCCL, CNCL) does around its calls: run one
 * downcall and map its status in the library's one place ({@link #check}), wait with the {@link Watchdog} polling
 * the library's asynchronous error, and release the native communicator exactly once, by {@link #close()} or by
 * {@link #abort()}. A subclass states only its calls, its status mapping and how it reads the asynchronous error.
 *
 * <p>Ownership: owns {@code comm}. Called by one thread at a time, but {@link #abort()} may race {@link #close()}
 * from a watchdog; the first one releases.
 */
public abstract class NativeCommunicator implements CommunicatorBackend {
    /** The library's communicator handle ({@code ncclComm_t}, {@code HcclComm}, {@code cnclComm_t}). */
    protected final MemorySegment comm;
    private final Duration timeout;
    private final AtomicBoolean released = new AtomicBoolean();

    /** @param timeout how long {@link #await} waits before aborting */
    protected NativeCommunicator(MemorySegment comm, Duration timeout) {
        this.comm = Objects.requireNonNull(comm);
        this.timeout = Objects.requireNonNull(timeout);
    }

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
