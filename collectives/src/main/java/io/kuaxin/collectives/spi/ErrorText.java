package io.kuaxin.collectives.spi;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * A collective library's words for a result code: its error string for the code, then the communicator's last
 * error where the library has that call. Either may be missing; the code alone is then all there is to say.
 */
public final class ErrorText {
    /** Longest C string read back; the libraries' messages are short. */
    private static final long MAX_CHARS = 1024;

    private ErrorText() {}

    /**
     * @param errorString {@code const char *(int code)}, e.g. {@code HcclGetErrorString}
     * @param lastError   {@code const char *(comm)}, where the library (or its emulator, e.g. {@code kuaxin_hccl_emu_last_error}) has one
     * @return the text, possibly empty; never throws
     */
    public static String of(MethodHandle errorString, Optional<MethodHandle> lastError, int rc, MemorySegment comm) {
        String s = "";
        try {
            MemorySegment m = (MemorySegment) errorString.invokeExact(rc);
            if (!m.equals(MemorySegment.NULL)) s = m.reinterpret(MAX_CHARS).getString(0);
            if (lastError.isPresent()) {
                MemorySegment l = (MemorySegment) lastError.get().invokeExact(comm);
                if (!l.equals(MemorySegment.NULL)) s += ": " + l.reinterpret(MAX_CHARS).getString(0);
            }
        } catch (Throwable ignored) {
            // the code alone
        }
        return s;
    }
}
