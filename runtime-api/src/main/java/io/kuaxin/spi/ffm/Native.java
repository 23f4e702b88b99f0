package io.kuaxin.spi.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
 * {@code catch (Throwable t) { throw Native.rethrow(t); }}. A call that answers through an out-parameter (a new
 * handle, an allocation, a size, a time) is one {@code out...} call, which owns the out-parameter's memory and
 * routes the status through the vendor's mapping:
 * <pre>{@code
 * long p = Native.outAddress(out -> (int) s.vendorMalloc.invokeExact(out, bytes),
 *         rc -> errors.checkAlloc(rc, "vendorMalloc", device, bytes, this::freeMemory));
 * }</pre> {@code invokeExact} is what lets the JIT inline the
 * downcall; a boxed {@code invokeWithArguments} allocates and converts its arguments on every call. A backend may
 * wrap a handle in a typed method (as {@code CudaSymbols} does
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

    /**
     * What a non-zero status becomes: the vendor's one mapping, e.g. {@code rc -> errors.check(rc, "vendorCall")}
     * ({@link VendorErrors#checking}). Returns for success, throws the mapped exception otherwise.
     */
    @FunctionalInterface
    public interface StatusCheck {
        /** Returns if {@code status} is success; throws the vendor's exception for it otherwise. */
        void check(int status);
    }

    /** One downcall that writes its answer through the out-parameter {@code out} and returns a C {@code int} status. */
    @FunctionalInterface
    public interface OutCall {
        /** Makes the call with {@code out}, zeroed memory for the answer; throws what {@code invokeExact} throws. */
        int call(MemorySegment out) throws Throwable;
    }

    /** Releases what a failed setup step would otherwise leave without an owner; may throw, the caller ignores it. */
    @FunctionalInterface
    public interface Cleanup {
        /** Releases; what it throws is ignored. */
        void run() throws Throwable;
    }

    /** Makes {@code call} and hands its status to {@code check}. */
    public static void call(StatusCall call, StatusCheck check) {
        check.check(status(call));
    }

    /**
     * Makes {@code call} with an out-pointer and returns the address it wrote (a handle or an allocation).
     *
     * @throws RuntimeException what {@code check} throws for the status, or what the call threw, via {@link #rethrow}
     */
    public static long outAddress(OutCall call, StatusCheck check) {
        try (Arena a = Arena.ofConfined()) {
            return out(a, ADDRESS, call, check).get(ADDRESS, 0).address();
        }
    }

    /** As {@link #outAddress}, the answer as a zero-length segment, the form an opaque handle is kept in. */
    public static MemorySegment outPointer(OutCall call, StatusCheck check) {
        return MemorySegment.ofAddress(outAddress(call, check));
    }

    /** As {@link #outAddress} for a C {@code int} answer. */
    public static int outInt(OutCall call, StatusCheck check) {
        try (Arena a = Arena.ofConfined()) {
            return out(a, JAVA_INT, call, check).get(JAVA_INT, 0);
        }
    }

    /** As {@link #outAddress} for a C {@code float} answer (an event's elapsed milliseconds). */
    public static float outFloat(OutCall call, StatusCheck check) {
        try (Arena a = Arena.ofConfined()) {
            return out(a, JAVA_FLOAT, call, check).get(JAVA_FLOAT, 0);
        }
    }

    /**
     * As {@link #outAddress} for {@code n} {@code size_t}/{@code int64} answers: {@code out} holds {@code n} longs,
     * answer {@code i} at {@code out.asSlice(8 * i)} (e.g. a {@code free, total} pair).
     */
    public static long[] outLongs(int n, OutCall call, StatusCheck check) {
        try (Arena a = Arena.ofConfined()) {
            return out(a, MemoryLayout.sequenceLayout(n, JAVA_LONG), call, check).toArray(JAVA_LONG);
        }
    }

    /**
     * Hands {@code status} to {@code check}; if that throws, runs {@code cleanup} first (ignoring what it throws)
     * and then rethrows, so a handle created by an earlier step is released before the error is reported. The
     * exception is built before the cleanup runs, so a thread-local "recent error" is still the failed call's.
     */
    public static void checkOrRelease(int status, StatusCheck check, Cleanup cleanup) {
        try {
            check.check(status);
        } catch (RuntimeException | Error e) {
            try {
                cleanup.run();
            } catch (Throwable ignored) {
                // the failed step's error is the one to report
            }
            throw e;
        }
    }

    /**
     * {@code reading}'s value, or {@code fallback} if it throws a {@link RuntimeException}: for a figure that an error
     * message or a report includes when it can (free memory in an out-of-memory error), never a reason to fail.
     */
    public static long orElse(java.util.function.LongSupplier reading, long fallback) {
        try {
            return reading.getAsLong();
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private static MemorySegment out(Arena a, MemoryLayout layout, OutCall call, StatusCheck check) {
        MemorySegment out = a.allocate(layout);
        check.check(status(() -> call.call(out)));
        return out;
    }
}
