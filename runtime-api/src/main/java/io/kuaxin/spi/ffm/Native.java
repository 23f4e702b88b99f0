package io.kuaxin.spi.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The small FFM helpers every FFM backend needs, and the one downcall style they share: a downcall is an
 * {@code invokeExact} on a handle bound by {@link SymbolBinder}, with the exact static types of its
 * {@code FunctionDescriptor} (a cast on the result, {@code long} for {@code size_t}, {@code MemorySegment} for
 * pointers), and the {@code Throwable} that {@code invokeExact} declares is turned unchecked by {@link #rethrow}.
 * A method whose only native work is one status call writes it with {@link #status}:
 * <pre>{@code
 * errors.check(Native.status(() -> (int) s.vendorStreamSync.invokeExact(handle)), "vendorStreamSync");
 * }</pre>
 * a block of several calls puts them in one {@code try} ending in
 * {@code catch (Throwable t) { throw Native.rethrow(t); }}. {@code invokeExact} is what lets the JIT inline the
 * downcall; a boxed {@code invokeWithArguments} allocates and converts its arguments on every call. A backend may wrap a handle in a typed method (as {@code CudaSymbols} does
 * where a dialect reorders arguments) — the method body is still this one call.
 *
 * <p>Stateless and thread-safe.
 */
public final class Native {
    private Native() {}

    /** A pointer argument for a device or host address. */
    public static MemorySegment ptr(long address) { return MemorySegment.ofAddress(address); }

    /** Reads a NUL-terminated C string of at most 64 KiB, or returns an empty string for NULL. */
    public static String string(MemorySegment p) {
        if (p == null || p.address() == 0) return "";
        return p.reinterpret(64 * 1024).getString(0);
    }

    /**
     * What a downcall threw, unchecked: a {@link RuntimeException} is returned as it is, an {@link Error} is thrown,
     * anything else (only a linkage problem in practice) is wrapped in {@link IllegalStateException}.
     */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** One downcall returning a C {@code int} status, as a lambda around {@code (int) handle.invokeExact(...)}. */
    @FunctionalInterface
    public interface StatusCall {
        /** Makes the call; throws what {@code invokeExact} throws. */
        int call() throws Throwable;
    }

    /** Makes {@code call} and returns its status; what it throws comes out through {@link #rethrow}. */
    public static int status(StatusCall call) {
        try {
            return call.call();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Frees one native block; used where the vendor's status cannot be reported (an arena's cleanup). */
    @FunctionalInterface
    public interface Release {
        /** Frees the block; may throw, the caller ignores it. */
        void free(long address) throws Throwable;
    }

    /**
     * The host block at {@code address} as a segment of {@code bytes} owned by {@code arena}: closing the arena calls
     * {@code release} once, ignoring what it throws (an arena's cleanup has nobody to report to).
     */
    public static MemorySegment hostBlock(long address, long bytes, Arena arena, Release release) {
        return MemorySegment.ofAddress(address).reinterpret(bytes, arena, seg -> {
            try {
                release.free(address);
            } catch (Throwable ignored) {
                // runs from Arena.close(): nothing to report to
            }
        });
    }
}
