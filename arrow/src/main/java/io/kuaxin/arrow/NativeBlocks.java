package io.kuaxin.arrow;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C heap memory of one exported struct tree, freed at once by {@link #free()}. malloc rather than a shared
 * {@code Arena}: closing a shared arena waits for a handshake with every thread, which made each export cost
 * milliseconds whatever its size.
 *
 * <p>Not thread-safe: filled by one thread, freed by the last release.
 */
final class NativeBlocks {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC = LINKER.downcallHandle(
            LINKER.defaultLookup().find("malloc").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));

    private final List<MemorySegment> blocks = new ArrayList<>(4);

    /** Zeroed memory of {@code bytes}. */
    MemorySegment allocate(long bytes) {
        MemorySegment m;
        try {
            m = ((MemorySegment) MALLOC.invokeExact(Math.max(1, bytes))).reinterpret(bytes);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        if (m.address() == 0) throw new OutOfMemoryError("malloc(" + bytes + ") for Arrow C Data structs");
        blocks.add(m);
        return m.fill((byte) 0);
    }

    MemorySegment allocate(MemoryLayout layout) { return allocate(layout.byteSize()); }

    MemorySegment allocate(MemoryLayout layout, long count) { return allocate(layout.byteSize() * count); }

    /** A NUL-terminated UTF-8 copy of {@code s}. */
    MemorySegment allocateFrom(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment m = allocate(b.length + 1L);
        MemorySegment.copy(b, 0, m, JAVA_BYTE, 0, b.length);
        return m;
    }

    void free() {
        for (MemorySegment m : blocks) {
            try {
                FREE.invokeExact(m);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
        blocks.clear();
    }
}
