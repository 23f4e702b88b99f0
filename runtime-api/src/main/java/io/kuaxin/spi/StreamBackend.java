package io.kuaxin.spi;

import java.lang.foreign.MemorySegment;

/**
 * An in-order queue of work on one device. Every method enqueues and returns without waiting unless it says
 * otherwise. The runtime keeps host segments and device buffers used by enqueued work alive until an event
 * recorded after that work completes.
 *
 * <p>Thread-safety: called by one thread at a time (the front door serialises), though not always the same
 * thread; each call happens-before the next. The runtime relies on this to reuse its {@link KernelCall} slots.
 */
public interface StreamBackend extends AutoCloseable {
    /** Copies {@code bytes} from host {@code src} to device address {@code dst}. */
    void copyHostToDevice(MemorySegment src, long dst, long bytes);

    /** Copies {@code bytes} from device address {@code src} to host {@code dst}. */
    void copyDeviceToHost(long src, MemorySegment dst, long bytes);

    /** Copies {@code bytes} between two addresses of this device. */
    void copyDeviceToDevice(long src, long dst, long bytes);

    /** Sets {@code bytes} bytes at {@code dst} to {@code value}. */
    void fill(long dst, long bytes, byte value);

    /**
     * Runs an op; returns the name of the kernel or library call that will run it, for provenance.
     *
     * <p>{@code call} is valid only until this returns: the runtime refills the same object for its next op. A
     * backend that runs the kernel later on another thread (a host stream's own thread) copies what it needs first
     * ({@link KernelCall#copyFrom} into a slot of its own); native work enqueued here may keep reading the
     * addresses, which stay valid until that work completes.
     */
    String execute(KernelCall call);

    /** Records an event after all work enqueued so far. */
    EventBackend recordEvent();

    /** Makes later work on this stream wait until {@code event} (of the same device) completes. */
    void waitEvent(EventBackend event);

    /** Blocks until all enqueued work completed; rethrows an asynchronous failure as a typed exception. */
    void synchronize();

    /**
     * The vendor's stream handle ({@code cudaStream_t}, {@code aclrtStream}, {@code cnrtQueue_t}) for a library that
     * enqueues on it itself, such as a collective library; 0 where the stream has none (the CPU).
     */
    default long nativeHandle() { return 0L; }

    /**
     * Enqueues a host action after the work enqueued so far; later work waits for it. The default waits for the
     * stream and runs the action on the calling thread (ordered, but blocking); a failure it throws surfaces here
     * or at the next {@link #synchronize()}.
     */
    default void enqueueHost(Runnable action) {
        synchronize();
        action.run();
    }

    /** Destroys the stream after its work completes. */
    @Override
    void close();
}
