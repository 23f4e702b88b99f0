package io.kuaxin.collectives.spi;

import io.kuaxin.CollectiveException;
import io.kuaxin.CollectiveException.Reason;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The wait of every library communicator's {@link CommunicatorBackend#await}: poll the stream's completion and the
 * library's asynchronous error until the work is done, the library reports a failure, or the timeout passes. On a
 * failure or at the timeout the communicator is aborted first, so peers and the stream are released, then the
 * failure is thrown. Runs on the calling thread; holds nothing between calls.
 */
public final class Watchdog {
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private Watchdog() {}

    /** Reads the communicator's asynchronous error once. */
    @FunctionalInterface
    public interface Poll {
        /** @return the failure the library reports, or {@code null} while there is none (or it is in progress) */
        CollectiveException failure() throws Throwable;
    }

    /**
     * Waits as described above.
     *
     * @param library    the library's name for the timeout's exception, e.g. {@code nccl}
     * @param what       the work waited for, for the timeout's exception
     * @param afterAbort what aborting did, ending the timeout's message (e.g. "the communicator was aborted")
     * @throws CollectiveException the library's failure, or {@link Reason#TIMEOUT} after {@code timeout}
     * @throws IllegalStateException if the poll itself fails with a checked throwable
     */
    public static void await(BooleanSupplier done, Poll poll, Runnable abort, Duration timeout, String library,
                             String what, String afterAbort) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            // completion first, then the error: a collective that fails and completes between the two reads would
            // otherwise look successful
            boolean finished = done.getAsBoolean();
            CollectiveException failure;
            try {
                failure = poll.failure();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(library + ": reading the asynchronous error failed: " + t, t);
            }
            if (failure != null) {
                abort.run();
                throw failure;
            }
            if (finished) return;
            if (System.nanoTime() - deadline > 0) {
                abort.run();
                throw new CollectiveException(Reason.TIMEOUT, library, what, 0,
                        "not complete within " + timeout + "; " + afterAbort);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
