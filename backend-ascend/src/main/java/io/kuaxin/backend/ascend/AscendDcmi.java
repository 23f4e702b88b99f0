package io.kuaxin.backend.ascend;

import io.kuaxin.spi.ffm.NativeLibraryLocator.Request;
import io.kuaxin.spi.ffm.NativeLibraryLocator.Result;
import io.kuaxin.spi.ffm.NativeLibraryLocator;
import io.kuaxin.spi.ffm.SymbolBinder;
import io.kuaxin.spi.ffm.VendorLibraries;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Optional power and temperature readings from DCMI ({@code libdcmi.so}, the Ascend driver's management library;
 * signatures in {@code native/include/ascend/dcmi_interface_api.h}). An absent library, an absent symbol or a
 * failing call means no reading, never an error.
 *
 * <p>Located like the CANN libraries: with emulation on ({@code KUAXIN_EMULATE=ascend}) it is
 * {@code libkuaxin-emu-dcmi.so}; otherwise {@code libdcmi.so} under {@code /usr/local/dcmi},
 * {@code /usr/local/Ascend/driver} ({@code lib64}) or {@code /usr/local/Ascend/driver/lib64/driver} (I: where driver
 * packages put it), then {@code LD_LIBRARY_PATH}.
 *
 * <p>DCMI addresses a chip as (card id, chip index); {@code dcmi_get_device_logic_id} maps that pair to the
 * device id AscendCL uses before any {@code ASCEND_RT_VISIBLE_DEVICES} filter (I), so a device is found by its
 * physical id. Loaded once per library path and never unloaded. Thread-safe.
 */
final class AscendDcmi {
    /** No DCMI: every reading is empty. */
    static final AscendDcmi NONE = new AscendDcmi(null, "not bound", null, null, null, null, null, null);
    static final List<String> DEFAULT_ROOTS = List.of("/usr/local/dcmi", "/usr/local/Ascend/driver",
            "/usr/local/Ascend/driver/lib64/driver");
    private static final Map<Path, AscendDcmi> LOADED = new ConcurrentHashMap<>();

    final Path library;
    /** Why no readings come, or {@code "available"}. */
    final String state;
    private final MethodHandle init, cardList, devicesInCard, logicId, power, temperature;
    /** DCMI logic id -> {card, chip}; filled on first use. */
    private volatile Map<Integer, int[]> chips;
    private boolean initialised;

    private AscendDcmi(Path library, String state, MethodHandle init, MethodHandle cardList,
                       MethodHandle devicesInCard, MethodHandle logicId, MethodHandle power, MethodHandle temperature) {
        this.library = library;
        this.state = state;
        this.init = init;
        this.cardList = cardList;
        this.devicesInCard = devicesInCard;
        this.logicId = logicId;
        this.power = power;
        this.temperature = temperature;
    }

    /** Where DCMI lives for this environment, if anywhere. */
    static Optional<Path> locate(Map<String, String> env) {
        Result r = NativeLibraryLocator.locate(new Request(AscendSymbols.BACKEND, "dcmi", List.of("libdcmi.so"),
                List.of(), DEFAULT_ROOTS, "dcmi"), env);
        return r.path();
    }

    /** DCMI from {@code library}, or {@link #NONE} when it is absent, not loadable or lacks the calls. */
    static AscendDcmi open(Optional<Path> library) {
        if (library.isEmpty()) return NONE;
        return LOADED.computeIfAbsent(library.get(), AscendDcmi::load);
    }

    private static AscendDcmi load(Path path) {
        SymbolLookup lookup;
        try {
            lookup = VendorLibraries.load(path);
        } catch (RuntimeException | LinkageError e) {
            return new AscendDcmi(path, "cannot load " + path + ": " + e.getMessage(), null, null, null, null, null,
                    null);
        }
        SymbolBinder b = new SymbolBinder(lookup, path.toString());
        Optional<MethodHandle> init = b.optional("dcmi_init", FunctionDescriptor.of(JAVA_INT));
        Optional<MethodHandle> cards = b.optional("dcmi_get_card_num_list", fd(ADDRESS, ADDRESS, JAVA_INT));
        Optional<MethodHandle> inCard = b.optional("dcmi_get_device_num_in_card", fd(JAVA_INT, ADDRESS));
        Optional<MethodHandle> logic = b.optional("dcmi_get_device_logic_id", fd(ADDRESS, JAVA_INT, JAVA_INT));
        Optional<MethodHandle> power = b.optional("dcmi_get_device_power_info", fd(JAVA_INT, JAVA_INT, ADDRESS));
        Optional<MethodHandle> temp = b.optional("dcmi_get_device_temperature", fd(JAVA_INT, JAVA_INT, ADDRESS));
        if (init.isEmpty() || cards.isEmpty() || inCard.isEmpty() || logic.isEmpty()
                || (power.isEmpty() && temp.isEmpty())) {
            return new AscendDcmi(path, path + " lacks the DCMI calls", null, null, null, null, null, null);
        }
        return new AscendDcmi(path, "available", init.get(), cards.get(), inCard.get(), logic.get(),
                power.orElse(null), temp.orElse(null));
    }

    private static FunctionDescriptor fd(java.lang.foreign.MemoryLayout... args) {
        return FunctionDescriptor.of(JAVA_INT, args);
    }

    /** Whether the library and its calls are bound (readings may still fail). */
    boolean bound() { return init != null; }

    /**
     * {@code power} (W, one decimal) and {@code temperature} (C) of the chip whose DCMI logic id is
     * {@code physicalId}; empty when unavailable. Never throws.
     */
    Map<String, String> readings(String physicalId) {
        if (!bound()) return Map.of();
        try {
            int[] chip = chips().get(Integer.parseInt(physicalId.trim()));
            if (chip == null) return Map.of();
            Map<String, String> out = new LinkedHashMap<>();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment v = a.allocate(JAVA_INT);
                if (power != null && (int) power.invokeExact(chip[0], chip[1], v) == 0) {
                    int tenths = v.get(JAVA_INT, 0); // 0.1 W units (I)
                    out.put("power", (tenths / 10) + "." + Math.abs(tenths % 10) + " W");
                }
                if (temperature != null && (int) temperature.invokeExact(chip[0], chip[1], v) == 0) {
                    out.put("temperature", v.get(JAVA_INT, 0) + " C");
                }
            }
            return out;
        } catch (Throwable t) {
            return Map.of();
        }
    }

    /** Initialises DCMI once and maps logic ids to chips; empty when that fails (retried on the next call). */
    private Map<Integer, int[]> chips() throws Throwable {
        Map<Integer, int[]> m = chips;
        if (m != null) return m;
        synchronized (this) {
            if (chips != null) return chips;
            if (!initialised) {
                if ((int) init.invokeExact() != 0) return Map.of();
                initialised = true;
            }
            Map<Integer, int[]> found = new HashMap<>();
            try (Arena a = Arena.ofConfined()) {
                int max = 64;
                MemorySegment n = a.allocate(JAVA_INT), list = a.allocate(JAVA_INT, max), v = a.allocate(JAVA_INT);
                if ((int) cardList.invokeExact(n, list, max) != 0) return Map.of();
                for (int i = 0; i < Math.min(n.get(JAVA_INT, 0), max); i++) {
                    int card = list.getAtIndex(JAVA_INT, i);
                    if ((int) devicesInCard.invokeExact(card, v) != 0) continue;
                    int chipsOnCard = v.get(JAVA_INT, 0);
                    for (int d = 0; d < chipsOnCard; d++) {
                        if ((int) logicId.invokeExact(v, card, d) == 0) found.put(v.get(JAVA_INT, 0), new int[] {card, d});
                    }
                }
            }
            chips = Map.copyOf(found);
            return chips;
        }
    }
}
