package io.kuaxin.backend.ascend;

import java.lang.foreign.MemorySegment;

/** Small FFM helpers shared by the Ascend classes. */
final class Native {
    private Native() {}

    /** A pointer argument for a device or host address. */
    static MemorySegment ptr(long address) { return MemorySegment.ofAddress(address); }

    /** Reads a NUL-terminated C string, or returns an empty string for NULL. */
    static String string(MemorySegment p) {
        if (p == null || p.address() == 0) return "";
        return p.reinterpret(64 * 1024).getString(0);
    }

    /** Unchecked rethrow of what a downcall handle threw (only linkage errors in practice). */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
