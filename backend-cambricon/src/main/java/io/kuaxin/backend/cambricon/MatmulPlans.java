package io.kuaxin.backend.cambricon;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A queue's matmul plans, keyed by dtypes, shapes, strides, transposes and whether beta is used: the matmul
 * descriptor, the four tensor descriptors, and the algorithm and workspace size the heuristic chose. CNNL
 * descriptors carry no addresses, so a plan serves every call with the same key and the heuristic runs once per
 * shape. At most {@link #CAPACITY}, least recently used first out. Owned by its queue; not thread-safe.
 */
final class MatmulPlans implements AutoCloseable {
    static final int CAPACITY = 64;

    /** The descriptors (owned by {@code descs}) and the heuristic's choice. */
    record Plan(CnnlDescs descs, MemorySegment matmul, MemorySegment algo, MemorySegment a, MemorySegment b,
                MemorySegment c, MemorySegment d, long workspaceSize) {}

    private final CambriconStream queue;
    private final LinkedHashMap<String, Plan> plans = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MatmulPlans.Plan> eldest) {
            if (size() <= CAPACITY) return false;
            queue.synchronize(); // a queued matmul may still read the evicted descriptors
            eldest.getValue().descs().close();
            return true;
        }
    };

    MatmulPlans(CambriconStream queue) { this.queue = queue; }

    Plan get(String key) { return plans.get(key); }

    void put(String key, Plan p) { plans.put(key, p); }

    int size() { return plans.size(); }

    @Override
    public void close() {
        for (Plan p : plans.values()) p.descs().close();
        plans.clear();
    }
}
