package io.kuaxin;

/**
 * Work a library outside Kuaxin's op set enqueues on a {@link Stream} (a collective library call), through
 * {@link Stream#enqueueExternal}.
 */
@FunctionalInterface
public interface ExternalWork {
    /** Enqueues the work; called under the stream's lock, so it must not block on other streams. */
    void enqueue(Target target);

    /** What the work may use: valid only during {@link #enqueue}. */
    interface Target {
        /** The vendor's stream handle to enqueue on, or 0 where the stream has none (then use {@link #enqueueHost}). */
        long nativeStream();

        /** The device address of a tensor declared as read or written (a host address on the CPU). */
        long address(Tensor t);

        /** Enqueues a host action ordered with the stream's work; a failure it throws is rethrown by a later sync. */
        void enqueueHost(Runnable action);
    }
}
