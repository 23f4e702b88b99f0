package io.kuaxin.spi.ffm;

import io.kuaxin.DeviceOutOfMemoryException;
import io.kuaxin.KuaxinException;
import io.kuaxin.VendorException;

import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * The hook through which one family of vendor status codes (a runtime's {@code aclError}, a library's
 * {@code cnnlStatus_t}, ...) becomes Kuaxin exceptions. A backend builds one per family in its {@code Errors} class,
 * the one place per vendor where codes are mapped, and gives it two facts about the family:
 * <ul>
 *   <li>which codes mean out of memory: they become {@link DeviceOutOfMemoryException}, carrying the request and
 *       what the device reports free where the caller knows them;</li>
 *   <li>how to read the vendor's text for a code ({@code aclGetRecentErrMsg}, {@code cnrtGetErrorStr}, a status
 *       name table): every other non-zero code becomes {@link VendorException}{@code (backend, call, code, text)}.</li>
 * </ul>
 * Zero is success in every family Kuaxin binds.
 *
 * <p>Immutable and thread-safe when {@code message} is (it runs on the failing thread, right after the call, so a
 * thread-local "recent error" is still the call's).
 */
public final class VendorErrors {
    private final String backend;
    private final IntPredicate outOfMemory;
    private final IntFunction<String> message;

    /**
     * @param backend     the backend name that exceptions carry, e.g. {@code ascend}
     * @param outOfMemory whether a code means the device (or host) is out of memory
     * @param message     the vendor's text for a code; may return {@code null} or throw, read as no text
     */
    public VendorErrors(String backend, IntPredicate outOfMemory, IntFunction<String> message) {
        this.backend = backend;
        this.outOfMemory = outOfMemory;
        this.message = message;
    }

    /** The backend name exceptions carry. */
    public String backend() { return backend; }

    /** Whether {@code code} is one of this family's out-of-memory codes. */
    public boolean isOutOfMemory(int code) { return outOfMemory.test(code); }

    /** The vendor's text for {@code code}, or an empty string. */
    public String message(int code) {
        try {
            String m = message.apply(code);
            return m == null ? "" : m;
        } catch (RuntimeException e) {
            return "";
        }
    }

    /**
     * Returns if {@code code} is success (0).
     *
     * @throws DeviceOutOfMemoryException for an out-of-memory code (sizes unknown here)
     * @throws VendorException            for any other non-zero code
     */
    public void check(int code, String call) {
        if (code != 0) throw error(code, call);
    }

    /** {@link #check} for {@code call} as a {@link Native.StatusCheck}, for {@link Native#call} and the out-calls. */
    public Native.StatusCheck checking(String call) {
        return code -> check(code, call);
    }

    /**
     * As {@link #check} for an allocation of {@code bytes} on {@code device}, so an out-of-memory error carries the
     * request and what {@code free} reports.
     */
    public void checkAlloc(int code, String call, String device, long bytes, LongSupplier free) {
        if (code != 0) throw error(code, call, device, bytes, free);
    }

    /** The exception for a failed call, without throwing it; an out-of-memory one names the backend, sizes unknown. */
    public KuaxinException error(int code, String call) {
        return error(code, call, backend, -1, () -> -1);
    }

    /**
     * The exception for a failed call that asked {@code device} for {@code requested} bytes (-1 if unknown).
     * {@code free} is read only for an out-of-memory code.
     */
    public KuaxinException error(int code, String call, String device, long requested, LongSupplier free) {
        String msg = message(code);
        if (isOutOfMemory(code)) {
            return new DeviceOutOfMemoryException(device, requested, free.getAsLong(), 0, call + " returned " + code
                    + (msg.isEmpty() ? "" : ": " + msg));
        }
        return new VendorException(backend, call, code, msg);
    }
}
