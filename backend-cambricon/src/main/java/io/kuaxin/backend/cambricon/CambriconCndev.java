package io.kuaxin.backend.cambricon;

import io.kuaxin.spi.ffm.NativeLibraryLocator;
import io.kuaxin.spi.ffm.NativeLibraryLocator.Request;
import io.kuaxin.spi.ffm.SymbolBinder;
import io.kuaxin.spi.ffm.VendorLibraries;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Optional telemetry from CNDev ({@code libcndev.so}, Cambricon's device management library; subset in
 * {@code native/include/cambricon/cndev.h}): power, temperature, core utilisation and memory usage. An absent
 * library, an absent symbol or a failing call means no reading, never an error.
 *
 * <p>Located like CNRT: with emulation on ({@code KUAXIN_EMULATE=mlu}) it is {@code libkuaxin-emu-cndev.so};
 * otherwise {@code libcndev.so} under {@code NEUWARE_HOME} or {@code /usr/local/neuware} ({@code lib64},
 * {@code lib}), then {@code LD_LIBRARY_PATH}.
 *
 * <p>Binds the {@code int devId} form of the calls (V: mlu-exporter's cndev.h); {@code devId} is the physical
 * device id, before {@code MLU_VISIBLE_DEVICES} (I). Each struct starts with {@code int version} (set to
 * {@link #CNDEV_VERSION_5}); only leading fields are read, from an oversized zeroed buffer, because newer
 * releases may grow the structs (I). Loaded once per library path and never unloaded. Thread-safe.
 */
final class CambriconCndev {
    static final int CNDEV_VERSION_5 = 5;
    /** Bigger than any of the four structs in the bound release (the largest, cndevMemoryInfo_t, is 208 bytes). */
    private static final long BUFFER_BYTES = 4096;
    // field offsets, V for the bound release (native/test/test_cndev.c checks them against the header)
    private static final long POWER_USAGE = 4, POWER_CAP = 8;
    private static final long TEMP_BOARD = 4, TEMP_CHIP = 120;
    private static final long UTIL_AVERAGE = 4;
    private static final long MEM_TOTAL_MB = 8, MEM_USED_MB = 16;

    /** No CNDev: every reading is empty. */
    static final CambriconCndev NONE = new CambriconCndev(null, "not bound", null, null, null, null, null);
    private static final Map<Path, CambriconCndev> LOADED = new ConcurrentHashMap<>();

    final Path library;
    /** Why no readings come, or {@code "available"}. */
    final String state;
    private final MethodHandle init, power, temperature, utilization, memory;
    private volatile boolean initialised;

    private CambriconCndev(Path library, String state, MethodHandle init, MethodHandle power,
                           MethodHandle temperature, MethodHandle utilization, MethodHandle memory) {
        this.library = library;
        this.state = state;
        this.init = init;
        this.power = power;
        this.temperature = temperature;
        this.utilization = utilization;
        this.memory = memory;
    }

    /** Where CNDev lives for this environment, if anywhere. */
    static Optional<Path> locate(Map<String, String> env) {
        return NativeLibraryLocator.locate(new Request(CambriconSymbols.BACKEND, "cndev", List.of("libcndev.so"),
                CambriconSymbols.SDK.rootVars(), CambriconSymbols.SDK.defaultRoots(), "cndev"), env).path();
    }

    /** CNDev from {@code library}, or {@link #NONE}-like when it is absent, not loadable or lacks the calls. */
    static CambriconCndev open(Optional<Path> library) {
        if (library.isEmpty()) return NONE;
        return LOADED.computeIfAbsent(library.get(), CambriconCndev::load);
    }

    private static CambriconCndev load(Path path) {
        SymbolLookup lookup;
        try {
            lookup = VendorLibraries.load(path);
        } catch (RuntimeException | LinkageError e) {
            return new CambriconCndev(path, "cannot load " + path + ": " + e.getMessage(), null, null, null, null,
                    null);
        }
        SymbolBinder b = new SymbolBinder(lookup, path.toString());
        FunctionDescriptor get = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
        Optional<MethodHandle> init = b.optional("cndevInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        MethodHandle power = b.optional("cndevGetPowerInfo", get).orElse(null);
        MethodHandle temp = b.optional("cndevGetTemperatureInfo", get).orElse(null);
        MethodHandle util = b.optional("cndevGetDeviceUtilizationInfo", get).orElse(null);
        MethodHandle mem = b.optional("cndevGetMemoryUsage", get).orElse(null);
        if (init.isEmpty() || (power == null && temp == null && util == null && mem == null)) {
            return new CambriconCndev(path, path + " lacks the CNDev calls", null, null, null, null, null);
        }
        return new CambriconCndev(path, "available", init.get(), power, temp, util, mem);
    }

    /** Whether the library and its calls are bound (readings may still fail). */
    boolean bound() { return init != null; }

    /**
     * {@code power}, {@code power.cap} (W), {@code temperature} (chip), {@code temperature.board} (C),
     * {@code utilization} (%), {@code memory.used}, {@code memory.total} (MiB) of physical device {@code devId};
     * each present only when its call succeeds. Never throws.
     */
    Map<String, String> readings(String physicalId) {
        if (!bound()) return Map.of();
        try {
            int dev = Integer.parseInt(physicalId.trim());
            if (!initialise()) return Map.of();
            Map<String, String> out = new LinkedHashMap<>();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(BUFFER_BYTES, 8);
                if (call(power, buf, dev)) {
                    out.put("power", buf.get(JAVA_INT, POWER_USAGE) + " W");
                    out.put("power.cap", buf.get(JAVA_INT, POWER_CAP) + " W");
                }
                if (call(temperature, buf, dev)) {
                    out.put("temperature", buf.get(JAVA_INT, TEMP_CHIP) + " C");
                    out.put("temperature.board", buf.get(JAVA_INT, TEMP_BOARD) + " C");
                }
                if (call(utilization, buf, dev)) out.put("utilization", buf.get(JAVA_INT, UTIL_AVERAGE) + " %");
                if (call(memory, buf, dev)) {
                    out.put("memory.used", buf.get(JAVA_LONG, MEM_USED_MB) + " MiB");
                    out.put("memory.total", buf.get(JAVA_LONG, MEM_TOTAL_MB) + " MiB");
                }
            }
            return out;
        } catch (Throwable t) {
            return Map.of();
        }
    }

    /** cndevInit(0) once; retried on the next reading when it fails. */
    private boolean initialise() throws Throwable {
        if (initialised) return true;
        synchronized (this) {
            if (!initialised) initialised = (int) init.invokeExact(0) == 0;
            return initialised;
        }
    }

    /** Zeroes the buffer, sets the API version and calls {@code h}; true on CNDEV_SUCCESS. */
    private static boolean call(MethodHandle h, MemorySegment buf, int dev) throws Throwable {
        if (h == null) return false;
        buf.fill((byte) 0);
        buf.set(JAVA_INT, 0, CNDEV_VERSION_5);
        return (int) h.invokeExact(buf, dev) == 0;
    }
}
