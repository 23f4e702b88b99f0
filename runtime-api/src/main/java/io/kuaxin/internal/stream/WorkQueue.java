package io.kuaxin.internal.stream;

import io.kuaxin.ClosedResourceException;
import io.kuaxin.internal.memory.Releasable;
import io.kuaxin.internal.memory.Storage;
import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.StreamBackend;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The hazard rules of one stream, in one place: {@link #enqueue} is the only way work reaches the backend stream,
 * and it takes every step a use of device memory needs, in order — wait for the last writer of each storage on
 * another stream of the device, enqueue, keep every storage (and the extra resource) alive until the work
 * completes, and record this queue as the last writer of what it wrote. A step left out would let a reader run
 * before its writer, or memory be reused while the device still uses it.
 *
 * <p>Thread-safe: every method runs under this queue's lock; a caller that needs several steps to be atomic (enqueue,
 * then synchronise) holds the lock around them.
 */
public final class WorkQueue implements Storage.Writer {
    /** Work that only enqueues on the backend stream, under the queue's lock. */
    @FunctionalInterface
    public interface Work<T> {
        T enqueue(StreamBackend stream);
    }

    /**
     * Work that only enqueues on the backend stream, given one argument: a constant (non-capturing) step and its
     * argument cost no allocation per call, where a {@link Work} lambda capturing the argument would.
     */
    @FunctionalInterface
    public interface Step<A, T> {
        T enqueue(StreamBackend stream, A arg);
    }

    /** Enqueues, on the queue that needs them, the copy of contents that live elsewhere into their storage. */
    @FunctionalInterface
    public interface CopyBack {
        void copy(Storage.Mirror from, Storage into);
    }

    private final Object device;
    private final String deviceId;
    private final StreamBackend spi;
    private final Runnable checkDeviceOpen;
    private final CopyBack copyBack;
    private final InFlight inFlight;
    private boolean closed;

    /**
     * @param device          identifies the device (streams of one device order their work through events)
     * @param deviceId        for messages
     * @param spi             the backend stream; this queue closes it
     * @param checkDeviceOpen throws {@link ClosedResourceException} once the device closed
     * @param copyBack        brings a storage's contents here from its {@link Storage.Mirror}
     */
    public WorkQueue(Object device, String deviceId, StreamBackend spi, Runnable checkDeviceOpen, CopyBack copyBack) {
        this.inFlight = new InFlight(Objects.requireNonNull(spi, "spi"));
        this.spi = spi;
        this.device = device;
        this.deviceId = deviceId;
        this.checkDeviceOpen = Objects.requireNonNull(checkDeviceOpen, "checkDeviceOpen");
        this.copyBack = Objects.requireNonNull(copyBack, "copyBack");
    }

    /**
     * Enqueues {@code work} after the contents of {@code reads} and {@code writes} are here (copied back on this
     * queue from where a run of fallback ops left them) and after their writers on other streams of this device,
     * keeps all of them and {@code extra} alive until the work completes, and becomes the last writer of
     * {@code writes}.
     *
     * @param extra a resource the work uses (a staging buffer), held on success and released at once on failure;
     *              may be null
     * @return what {@code work} returned
     * @throws ClosedResourceException if this queue or its device is closed
     */
    @SuppressWarnings("unchecked")
    public <T> T enqueue(List<Storage> reads, List<Storage> writes, Releasable extra, Work<T> work) {
        return (T) enqueue(reads, writes, Function.identity(), extra, RUN_WORK, work);
    }

    private static final Step<Work<?>, Object> RUN_WORK = (stream, work) -> work.enqueue(stream);

    /**
     * As {@link #enqueue(List, List, Releasable, Work)}, for the per-op path: {@code reads} and {@code writes} are any
     * objects with a storage ({@code storage} finds it; a constant function), and {@code work} runs with
     * {@code arg}, so an op enqueued here allocates nothing of its own.
     */
    public synchronized <R, A, T> T enqueue(List<R> reads, List<R> writes, Function<? super R, Storage> storage,
                                            Releasable extra, Step<? super A, T> work, A arg) {
        T result;
        int nr = reads.size(), nw = writes.size(); // indexed loops: no iterator per list per op
        try {
            checkOpen();
            for (int i = 0; i < nr; i++) bringHome(storage.apply(reads.get(i)));
            for (int i = 0; i < nw; i++) bringHome(storage.apply(writes.get(i))); // a write may cover only part of it
            for (int i = 0; i < nr; i++) awaitWriter(storage.apply(reads.get(i)));
            for (int i = 0; i < nw; i++) awaitWriter(storage.apply(writes.get(i)));
            result = work.enqueue(spi, arg);
        } catch (RuntimeException e) {
            if (extra != null) extra.release();
            throw e;
        }
        if (extra != null) inFlight.hold(extra);
        for (int i = 0; i < nr; i++) hold(storage.apply(reads.get(i)));
        for (int i = 0; i < nw; i++) {
            Storage s = storage.apply(writes.get(i));
            hold(s);
            s.lastWriter = this;
        }
        inFlight.opEnqueued();
        return result;
    }

    /** Enqueues the copy of {@code s}'s contents to here if they are elsewhere; for direct access to its memory. */
    public synchronized void bringHomeNow(Storage s) {
        checkOpen();
        bringHome(s);
    }

    private void bringHome(Storage s) {
        if (s.hasMirror()) s.bringHome(m -> copyBack.copy(m, s));
    }

    /** An event after all work enqueued so far; the caller closes it. */
    public synchronized EventBackend record() {
        checkOpen();
        return spi.recordEvent();
    }

    /** Makes later work wait for {@code event} (of this device). */
    public synchronized void waitEvent(EventBackend event) {
        checkOpen();
        spi.waitEvent(event);
    }

    /** Blocks until the work enqueued so far completed, then releases what it held. */
    public synchronized void synchronize() {
        checkOpen();
        syncLocked();
    }

    private void syncLocked() {
        try {
            spi.synchronize();
        } finally {
            inFlight.releaseAll();
        }
    }

    private void hold(Storage s) {
        if (s.blockSize == 0) return;
        s.retain();
        inFlight.hold(s);
    }

    /** If another stream of this device last wrote {@code s}, make this queue wait for it. */
    private void awaitWriter(Storage s) {
        Storage.Writer w = s.lastWriter;
        if (w == null || w == this || w.device() != device) return;
        EventBackend e = w.eventAfterWork();
        if (e == null) return; // closing waited for its work
        try {
            spi.waitEvent(e);
        } catch (RuntimeException x) {
            e.close(); // a failed wait must not leak the event it was given
            throw x;
        }
        inFlight.hold(e::close);
    }

    @Override
    public Object device() { return device; }

    @Override
    public synchronized EventBackend eventAfterWork() { return closed ? null : spi.recordEvent(); }

    @Override
    public synchronized void awaitWork() {
        if (!closed) syncLocked();
    }

    /** @throws ClosedResourceException if this queue or its device is closed */
    public void checkOpen() {
        if (closed) throw new ClosedResourceException("stream on " + deviceId + " is closed");
        checkDeviceOpen.run();
    }

    /**
     * Waits for the work, then closes the backend stream.
     *
     * @throws ClosedResourceException if already closed
     */
    public synchronized void close() {
        if (closed) throw new ClosedResourceException("stream on " + deviceId + " was already closed");
        try {
            syncLocked();
        } finally {
            closed = true;
            spi.close();
        }
    }
}
