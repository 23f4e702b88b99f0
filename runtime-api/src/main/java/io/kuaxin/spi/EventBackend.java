package io.kuaxin.spi;

/** A point in a stream's work. Thread-safe. */
public interface EventBackend extends AutoCloseable {
    /** Whether the work before the event has completed. Never blocks. */
    boolean isComplete();

    /** Blocks until the event completes. */
    void synchronize();

    /** Milliseconds between {@code start} (recorded earlier, same device) and this event; both must be complete. */
    float elapsedMillis(EventBackend start);

    @Override
    void close();
}
