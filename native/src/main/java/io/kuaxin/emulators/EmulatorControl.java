package io.kuaxin.emulators;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@code kuaxin_emu_*} control API every Kuaxin emulator exports: fault injection, memory limits, device count
 * and visibility, slow streams on demand, and live-resource counters, so a test (Kuaxin's, or a framework's CI) can make a vendor call fail
 * with a chosen vendor code, exhaust device memory, or check that nothing leaked.
 *
 * <p>Bind the same library file the backend loaded: the dynamic loader then hands back the same instance, so both
 * see one emulator state. The library stays loaded for the life of the process (emulator state is process-wide).
 * Calls are thread-safe in the emulator; errors (a non-zero return) become {@link IllegalStateException}.
 */
public final class EmulatorControl {
    private static final Linker LINKER = Linker.nativeLinker();
    private final Path library;
    private final MethodHandle injectFault, injectAsyncFault, recordCalls, recordedCalls, faultsFired, clearFaults, setMemoryLimit, setDeviceCount, setVisible, liveAllocations,
            liveHandles, reset, name, delayNextTasks;

    /**
     * Binds the control functions of {@code library}, e.g. {@code .../libkuaxin-emu-ascend.so}.
     *
     * @throws IllegalArgumentException if the file is not a Kuaxin emulator (a control symbol is missing)
     */
    public EmulatorControl(Path library) {
        this.library = library;
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        injectFault = bind(lib, "kuaxin_emu_inject_fault", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        injectAsyncFault = bind(lib, "kuaxin_emu_inject_async_fault",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        recordCalls = bind(lib, "kuaxin_emu_record_calls", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        recordedCalls = bind(lib, "kuaxin_emu_recorded_calls", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG));
        faultsFired = bind(lib, "kuaxin_emu_faults_fired", FunctionDescriptor.of(JAVA_LONG));
        clearFaults = bind(lib, "kuaxin_emu_clear_faults", FunctionDescriptor.ofVoid());
        setMemoryLimit = bind(lib, "kuaxin_emu_set_memory_limit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
        setDeviceCount = bind(lib, "kuaxin_emu_set_device_count", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        setVisible = bind(lib, "kuaxin_emu_set_visible_devices", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        liveAllocations = bind(lib, "kuaxin_emu_live_allocations", FunctionDescriptor.of(JAVA_LONG));
        liveHandles = bind(lib, "kuaxin_emu_live_handles", FunctionDescriptor.of(JAVA_LONG));
        reset = bind(lib, "kuaxin_emu_reset", FunctionDescriptor.of(JAVA_INT));
        name = bind(lib, "kuaxin_emu_name", FunctionDescriptor.of(ADDRESS));
        delayNextTasks = bind(lib, "kuaxin_emu_delay_next_tasks", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    private MethodHandle bind(SymbolLookup lib, String symbol, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lib.find(symbol).orElseThrow(() -> new IllegalArgumentException(
                library + " is not a Kuaxin emulator: it lacks " + symbol)), fd);
    }

    /** The library file these functions were bound from. */
    public Path library() { return library; }

    /** Makes the {@code nth} next call (1 = the next one) of the vendor {@code function} return {@code code}. */
    public void injectFault(String function, int nth, int code) {
        try (Arena a = Arena.ofConfined()) {
            check("kuaxin_emu_inject_fault", (int) injectFault.invokeExact(a.allocateFrom(function), nth, code));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Makes a stream slow on demand: the next {@code tasks} tasks enqueued on any stream (copies, kernels, event
     * records and waits) each sleep {@code each} before they run, so a test can observe that another stream sees
     * their results only after waiting for an event. 0 tasks disarms; {@link #reset()} disarms too.
     */
    public void delayNextTasks(int tasks, java.time.Duration each) {
        try {
            check("kuaxin_emu_delay_next_tasks", (int) delayNextTasks.invokeExact(tasks, each.toNanos() / 1000));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Makes the {@code nth} next call of {@code function} succeed but the work it queues fail: the stream's next
     * synchronisation (or the device's) returns {@code code}, as a device-side fault surfaces on a real runtime. A
     * call that queues nothing leaves the code for the next device-wide synchronisation. Reported once.
     */
    public void injectAsyncFault(String function, int nth, int code) {
        try (Arena a = Arena.ofConfined()) {
            check("kuaxin_emu_inject_async_fault",
                    (int) injectAsyncFault.invokeExact(a.allocateFrom(function), nth, code));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Starts recording the vendor entry points called from now on (forgetting earlier ones), or stops. The
     * recorded names are exactly what {@link #injectFault} and {@link #injectAsyncFault} can target, so a test can
     * fault every call a workload makes without a per-vendor list.
     */
    public void recordCalls(boolean on) {
        try {
            check("kuaxin_emu_record_calls", (int) recordCalls.invokeExact(on ? 1 : 0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The distinct entry points called while recording, in first-call order. */
    public java.util.List<String> recordedCalls() {
        try (Arena a = Arena.ofConfined()) {
            long need = (long) recordedCalls.invokeExact(MemorySegment.NULL, 0L);
            MemorySegment buf = a.allocate(need + 1);
            long ignored = (long) recordedCalls.invokeExact(buf, need + 1); // whole names only if more came
            String all = buf.getString(0);
            return all.isEmpty() ? java.util.List.of() : java.util.List.of(all.split("\n"));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Injected faults (synchronous and asynchronous) that have fired since the library was loaded. */
    public long faultsFired() {
        try {
            return (long) faultsFired.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Disarms every injected fault; an asynchronous one that already fired stays until a synchronisation reports it. */
    public void clearFaults() {
        try {
            clearFaults.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Caps the memory of one physical device, so out-of-memory is reachable. */
    public void setMemoryLimit(int physicalDevice, long bytes) {
        try {
            check("kuaxin_emu_set_memory_limit", (int) setMemoryLimit.invokeExact(physicalDevice, bytes));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets the number of physical devices (before the backend first counts them). */
    public void setDeviceCount(int devices) {
        try {
            check("kuaxin_emu_set_device_count", (int) setDeviceCount.invokeExact(devices));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Applies a visible-devices value as the vendor runtime would, or re-reads the vendor's variable if {@code null}.
     *
     * @return the emulator's return code (0, or the vendor's error for a value it rejects)
     */
    public int setVisibleDevices(String spec) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = spec == null ? MemorySegment.NULL : a.allocateFrom(spec); // exact type for invokeExact
            return (int) setVisible.invokeExact(arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Device and pinned-host allocations not yet freed. */
    public long liveAllocations() {
        try {
            return (long) liveAllocations.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Streams, events, BLAS handles, descriptors and executors not yet destroyed. */
    public long liveHandles() {
        try {
            return (long) liveHandles.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Frees everything and restores the configuration from the environment. Tests only. */
    public void reset() {
        try {
            check("kuaxin_emu_reset", (int) reset.invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The emulated dialect, e.g. {@code cuda}, {@code ascend}. */
    public String name() {
        try {
            return ((MemorySegment) name.invokeExact()).reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void check(String call, int rc) {
        if (rc != 0) throw new IllegalStateException(call + " returned " + rc);
    }

    private static RuntimeException rethrow(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }
}
