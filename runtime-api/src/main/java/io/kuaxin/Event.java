package io.kuaxin;

import io.kuaxin.spi.EventBackend;

/**
 * A point in a {@link Stream}'s work, from {@link Stream#record()}. Other streams of the same device can wait for
 * it; two completed events give the time between them.
 *
 * <p>Thread-safe. Owned by the caller: {@link #close()} releases the native event; closing twice throws. An event
 * left open is released when its runtime closes.
 */
public final class Event implements AutoCloseable {
    private final Device device;
    final EventBackend spi;
    private volatile boolean closed;

    Event(Device device, EventBackend spi) {
        this.device = device;
        this.spi = spi;
    }

    public Device device() { return device; }

    /** Whether the work before this event has completed; never blocks. */
    public boolean isComplete() {
        check();
        return spi.isComplete();
    }

    /** Blocks until the work before this event has completed. */
    public void synchronize() {
        check();
        spi.synchronize();
    }

    /**
     * Milliseconds from {@code start} to this event, as measured by the device; waits for both.
     *
     * @throws InvalidArgumentException if {@code start} belongs to another device
     */
    public float elapsedMillis(Event start) {
        check();
        start.check();
        if (start.device != device) {
            throw new InvalidArgumentException("events are on different devices (" + start.device.id() + " and "
                    + device.id() + "); time events recorded on one device");
        }
        start.spi.synchronize();
        spi.synchronize();
        return spi.elapsedMillis(start.spi);
    }

    void check() {
        if (closed) throw new ClosedResourceException("event on " + device.id() + " is closed");
        device.checkOpen();
    }

    /**
     * Releases the native event.
     *
     * @throws ClosedResourceException if already closed, by its owner or by closing the runtime
     */
    @Override
    public synchronized void close() {
        if (closed) throw new ClosedResourceException("event on " + device.id() + " was already closed");
        device.forget(this);
        closeInternal();
    }

    /** Releases the native event once; the device calls it for events left open when it closes. */
    synchronized void closeInternal() {
        if (closed) return;
        closed = true;
        spi.close();
    }
}
