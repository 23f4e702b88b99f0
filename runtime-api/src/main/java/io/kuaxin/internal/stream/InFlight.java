package io.kuaxin.internal.stream;

import io.kuaxin.internal.memory.Releasable;
import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.StreamBackend;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps what a stream's enqueued work uses (device storages, host staging) alive until that work completes.
 * Uses are batched behind one event per {@value #BATCH} ops so the common path costs a list append; finished
 * batches are released when the next batch is sealed or the stream synchronises.
 *
 * <p>Not thread-safe: owned by one {@link WorkQueue}, which serialises.
 */
final class InFlight {
    static final int BATCH = 32;

    private record Batch(EventBackend event, List<Releasable> resources) {}

    private final StreamBackend stream;
    private final ArrayDeque<Batch> sealed = new ArrayDeque<>();
    private List<Releasable> open = new ArrayList<>();
    private int opsInOpen;

    InFlight(StreamBackend stream) {
        this.stream = stream;
    }

    void hold(Releasable r) { open.add(r); }

    /** Marks the end of one op's enqueue; seals a batch every {@value #BATCH} ops. */
    void opEnqueued() {
        if (++opsInOpen >= BATCH) seal();
    }

    private void seal() {
        if (!open.isEmpty()) {
            sealed.add(new Batch(stream.recordEvent(), open));
            open = new ArrayList<>();
        }
        opsInOpen = 0;
        poll();
    }

    private void poll() {
        RuntimeException first = null;
        while (!sealed.isEmpty() && sealed.peek().event().isComplete()) {
            Batch b = sealed.poll();
            first = release(b.event()::close, first);
            for (Releasable r : b.resources()) first = release(r, first);
        }
        if (first != null) throw first;
    }

    /**
     * After the stream synchronised: everything enqueued so far has completed. Releases everything even if one
     * release fails (e.g. a vendor error destroying an event), then throws the first failure.
     */
    void releaseAll() {
        RuntimeException first = null;
        for (Batch b : sealed) {
            first = release(b.event()::close, first);
            for (Releasable r : b.resources()) first = release(r, first);
        }
        sealed.clear();
        List<Releasable> o = open;
        open = new ArrayList<>();
        opsInOpen = 0;
        for (Releasable r : o) first = release(r, first);
        if (first != null) throw first;
    }

    private static RuntimeException release(Releasable r, RuntimeException first) {
        try {
            r.release();
        } catch (RuntimeException e) {
            if (first == null) return e;
            first.addSuppressed(e);
        }
        return first;
    }

    boolean isEmpty() { return sealed.isEmpty() && open.isEmpty(); }
}
