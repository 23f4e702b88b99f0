package io.kuaxin.backend.ascend;

import io.kuaxin.spi.ffm.Native;

import java.lang.foreign.MemorySegment;

/**
 * Process-wide AscendCL state for one loaded library: the {@code aclInit} reference count and which device each
 * thread has bound with {@code aclrtSetDevice}.
 *
 * <p>{@code aclInit} may succeed once per process: the first {@link #acquire} calls it (a
 * {@code REPEAT_INITIALIZE} answer means someone else in the process initialised ACL, and then Kuaxin never
 * finalises), the last {@link #release} calls {@code aclFinalize}. Every thread that allocates, copies or
 * launches must have called {@code aclrtSetDevice}; {@link #bind} does so once per thread and device and is
 * cheap afterwards. Thread-safe.
 */
final class AclContext {
    private final AscendSymbols s;
    final AscendErrors errors;
    private int refs;
    private boolean owner;
    /** Bumped when a device is reset, so threads bind it again on next use. */
    private volatile int generation;
    private final ThreadLocal<int[]> bound = ThreadLocal.withInitial(() -> new int[] {-1, -1});

    AclContext(AscendSymbols s) {
        this.s = s;
        this.errors = new AscendErrors(s);
    }

    /**
     * Initialises ACL if this is the first reference.
     *
     * @throws io.kuaxin.VendorException if aclInit fails
     */
    synchronized void acquire() {
        if (refs == 0) {
            int rc = Native.status(() -> (int) s.aclInit.invokeExact(MemorySegment.NULL));
            if (rc == AscendErrors.ACL_ERROR_REPEAT_INITIALIZE) {
                owner = false; // initialised by other code in this process: leave finalisation to it
            } else {
                errors.check(rc, "aclInit");
                owner = true;
            }
        }
        refs++;
    }

    /** Drops a reference; the last one calls aclFinalize if Kuaxin initialised ACL. Never throws. */
    synchronized void release() {
        if (refs == 0) return;
        if (--refs == 0 && owner) {
            owner = false;
            generation++;
            try {
                int ignored = (int) s.aclFinalize.invokeExact();
            } catch (Throwable ignored) {
                // finalisation failures leave nothing to recover
            }
        }
    }

    /**
     * Makes {@code device} current on the calling thread if it is not already.
     *
     * @throws io.kuaxin.VendorException if aclrtSetDevice fails
     */
    void bind(int device) {
        int[] b = bound.get();
        int g = generation;
        if (b[0] == device && b[1] == g) return;
        int rc = Native.status(() -> (int) s.aclrtSetDevice.invokeExact(device));
        errors.check(rc, "aclrtSetDevice");
        b[0] = device;
        b[1] = g;
    }
}
