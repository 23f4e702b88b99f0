package io.kuaxin.backend.cambricon;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** The emulator's {@code kuaxin_emu_*} control functions, bound from the library the backend loads. */
final class Emulator {
    static final Path DIR = Path.of(System.getProperty("kuaxin.emulator.dir", "../native/target/classes/native/linux-x86_64"));
    static final Path LIBRARY = DIR.resolve("libkuaxin-emu-cambricon.so");
    private static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
    private static final Linker L = Linker.nativeLinker();
    private static final MethodHandle INJECT = h("kuaxin_emu_inject_fault", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLEAR = h("kuaxin_emu_clear_faults", FunctionDescriptor.ofVoid());
    private static final MethodHandle LIMIT = h("kuaxin_emu_set_memory_limit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle HANDLES = h("kuaxin_emu_live_handles", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle ALLOCS = h("kuaxin_emu_live_allocations", FunctionDescriptor.of(JAVA_LONG));

    private Emulator() {}

    private static MethodHandle h(String name, FunctionDescriptor fd) {
        return L.downcallHandle(LOOKUP.find(name).orElseThrow(), fd);
    }

    static void injectFault(String function, int nth, int code) {
        try (Arena a = Arena.ofConfined()) {
            int rc = (int) INJECT.invokeExact(a.allocateFrom(function), nth, code);
            if (rc != 0) throw new IllegalStateException("kuaxin_emu_inject_fault " + rc);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void clearFaults() {
        try {
            CLEAR.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void setMemoryLimit(int physicalDevice, long bytes) {
        try {
            int rc = (int) LIMIT.invokeExact(physicalDevice, bytes);
            if (rc != 0) throw new IllegalStateException("kuaxin_emu_set_memory_limit " + rc);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long liveHandles() {
        try {
            return (long) HANDLES.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long liveAllocations() {
        try {
            return (long) ALLOCS.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
