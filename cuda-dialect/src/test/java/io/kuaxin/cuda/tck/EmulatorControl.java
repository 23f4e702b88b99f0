package io.kuaxin.cuda.tck;

import io.kuaxin.spi.ffm.NativeLibraryLocator;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@code kuaxin_emu_*} control API of one emulator library, for tests. It binds the library the backend loaded
 * (same path, so the dynamic loader hands back the same instance and the same state). Not thread-safe; tests only.
 */
public final class EmulatorControl {
    private static final Linker L = Linker.nativeLinker();
    private final MethodHandle injectFault, clearFaults, setMemoryLimit, setVisible, liveAllocations, liveHandles;
    public final Path path;

    /**
     * Binds the emulator {@code libkuaxin-emu-<emulator>.so} as {@code backend} would find it.
     *
     * @throws IllegalStateException if the emulator is not found
     */
    public EmulatorControl(String backend, String emulator) {
        NativeLibraryLocator.Request r = new NativeLibraryLocator.Request(backend, "runtime", List.of("x"), List.of(),
                List.of(), emulator);
        NativeLibraryLocator.Result res = NativeLibraryLocator.locate(r, java.util.Map.of("KUAXIN_EMULATE", backend));
        path = res.path().orElseThrow(() -> new IllegalStateException("no emulator: searched " + res.searched()));
        SymbolLookup lib = SymbolLookup.libraryLookup(path, Arena.global());
        injectFault = bind(lib, "kuaxin_emu_inject_fault", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        clearFaults = bind(lib, "kuaxin_emu_clear_faults", FunctionDescriptor.ofVoid());
        setMemoryLimit = bind(lib, "kuaxin_emu_set_memory_limit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
        setVisible = bind(lib, "kuaxin_emu_set_visible_devices", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        liveAllocations = bind(lib, "kuaxin_emu_live_allocations", FunctionDescriptor.of(JAVA_LONG));
        liveHandles = bind(lib, "kuaxin_emu_live_handles", FunctionDescriptor.of(JAVA_LONG));
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return L.downcallHandle(lib.find(name).orElseThrow(() -> new IllegalStateException("missing " + name)), fd);
    }

    /** The {@code nth} next call of exported symbol {@code fn} returns {@code code}. */
    public void injectFault(String fn, int nth, int code) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocateFrom(fn);
            int rc = (int) injectFault.invokeExact(name, nth, code);
            if (rc != 0) throw new IllegalStateException("inject_fault(" + fn + ") returned " + rc);
        } catch (Throwable t) { throw sneaky(t); }
    }

    public void clearFaults() {
        try { clearFaults.invokeExact(); } catch (Throwable t) { throw sneaky(t); }
    }

    /** Capacity of physical device {@code device} in bytes. */
    public void setMemoryLimit(int device, long bytes) {
        try { int rc = (int) setMemoryLimit.invokeExact(device, bytes); } catch (Throwable t) { throw sneaky(t); }
    }

    /** Replaces the visible-devices filter; {@code null} re-reads the environment. Returns the visible count. */
    public int setVisibleDevices(String spec) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = spec == null ? MemorySegment.NULL : a.allocateFrom(spec);
            return (int) setVisible.invokeExact(arg);
        } catch (Throwable t) { throw sneaky(t); }
    }

    public long liveAllocations() {
        try { return (long) liveAllocations.invokeExact(); } catch (Throwable t) { throw sneaky(t); }
    }

    public long liveHandles() {
        try { return (long) liveHandles.invokeExact(); } catch (Throwable t) { throw sneaky(t); }
    }

    private static RuntimeException sneaky(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }
}
