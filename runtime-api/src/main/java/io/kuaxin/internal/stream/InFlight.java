package io.kuaxin.internal.stream;

import io.kuaxin.internal.memory.Releasable;
import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.StreamBackend;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * Keeps what a stream's enqueued work uses (device storages, host staging) alive until that work completes.
 * Uses are batched behind one event per {@value #BATCH} ops so the common path costs a list append; finished
 * batches are released when the next batch is sealed or the stream synchronises. The lists of released batches
 * are reused, so a stream in a steady state allocates only its batch events.
 *
 * <p>Not thread-safe: owned by one {@link WorkQueue}, which serialises.
 */
final class InFlight {
    static final int BATCH = 32;
    /** Lists kept for reuse; more are only needed while many batches are pending, and then they are dropped. */
    private static final int SPARE_LISTS = 4;

    private final StreamBackend stream;
    /** Sealed batches, oldest first: each one's event and its resources, in two queues (no object per batch). */
    private final ArrayDeque<EventBackend> sealedEvents = new ArrayDeque<>();
    private final ArrayDeque<ArrayList<Releasable>> sealedResources = new ArrayDeque<>();
    private final ArrayDeque<ArrayList<Releasable>> spare = new ArrayDeque<>();
    private ArrayList<Releasable> open = new ArrayList<>();
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
            EventBackend e = stream.recordEvent();
            sealedEvents.add(e);
            sealedResources.add(open);
            open = newList();
        }
        opsInOpen = 0;
        poll();
    }

    private ArrayList<Releasable> newList() {
        ArrayList<Releasable> l = spare.poll();
        return l != null ? l : new ArrayList<>();
    }

    private void poll() {
        RuntimeException first = null;
        while (!sealedEvents.isEmpty() && sealedEvents.peek().isComplete()) first = releaseOldest(first);
        if (first != null) throw first;
    }

    /**
     * After the stream synchronised: everything enqueued so far has completed. Releases everything even if one
     * release fails (e.g. a vendor error destroying an event), then throws the first failure.
     */
    void releaseAll() {
        RuntimeException first = null;
        while (!sealedEvents.isEmpty()) first = releaseOldest(first);
        ArrayList<Releasable> o = open;
        open = newList(); // first: a release that enqueues again must not add to the list being released
        opsInOpen = 0;
        first = releaseEach(o, first);
        if (spare.size() < SPARE_LISTS) spare.add(o);
        if (first != null) throw first;
    }

    /** Closes the oldest batch's event, releases its resources, and keeps its emptied list for reuse. */
    private RuntimeException releaseOldest(RuntimeException first) {
        EventBackend event = sealedEvents.poll();
        ArrayList<Releasable> resources = sealedResources.poll();
        try {
            event.close();
        } catch (RuntimeException e) {
            first = suppress(e, first);
        }
        first = releaseEach(resources, first);
        if (spare.size() < SPARE_LISTS) spare.add(resources);
        return first;
    }

    /** Releases every element (indexed: no iterator) and empties the list, even where a release fails. */
    private static RuntimeException releaseEach(ArrayList<Releasable> rs, RuntimeException first) {
        for (int i = 0, n = rs.size(); i < n; i++) {
            try {
                rs.get(i).release();
            } catch (RuntimeException e) {
                first = suppress(e, first);
            }
        }
        rs.clear();
        return first;
    }

    private static RuntimeException suppress(RuntimeException e, RuntimeException first) {
        if (first == null) return e;
        first.addSuppressed(e);
        return first;
    }

    boolean isEmpty() { return sealedEvents.isEmpty() && open.isEmpty(); }
}
