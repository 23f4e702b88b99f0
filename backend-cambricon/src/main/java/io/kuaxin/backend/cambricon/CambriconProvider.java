package io.kuaxin.backend.cambricon;

import io.kuaxin.VisibleDevices;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.ffm.SymbolBinder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The Cambricon MLU backend over CNRT ({@code libcnrt.so}) and CNNL ({@code libcnnl.so}), or their Kuaxin emulator
 * when {@code KUAXIN_EMULATE} / {@code -Dkuaxin.emulate} names {@code mlu}. Libraries are looked for under
 * {@code NEUWARE_HOME}, {@code /usr/local/neuware} ({@code lib64}, {@code lib}), {@code LD_LIBRARY_PATH}, or at
 * {@code KUAXIN_MLU_LIBRARY}. CNRT 5+ has no init call (the context is implicit).
 *
 * <p>{@link #probe()} loads and binds every symbol and counts devices ({@code cnrtGetDeviceCount(unsigned*)}); it
 * never throws.
 */
public final class CambriconProvider implements BackendProvider {
    private final Map<String, String> env;
    private CambriconSymbols symbols;
    private CambriconCndev cndev = CambriconCndev.NONE;
    static final int NO_DEVICE = 100004; // cnrtErrorNoDevice (V: public cnrt.h)

    public CambriconProvider() { this(System.getenv()); }

    /** With an explicit environment, for tests and tools. */
    public CambriconProvider(Map<String, String> env) { this.env = Map.copyOf(env); }

    @Override
    public String name() { return "mlu"; }

    @Override
    public List<String> aliases() { return List.of("cambricon"); }

    @Override
    public String vendor() { return "Cambricon"; }

    @Override
    public String visibleDevicesVariable() { return "MLU_VISIBLE_DEVICES"; }

    @Override
    public synchronized Availability probe() {
        CambriconLibraries libs = CambriconLibraries.locate(env);
        List<String> details = new ArrayList<>();
        if (!libs.found()) {
            details.addAll(libs.searched());
            return Availability.unavailable(libs.notFoundReason(env), details);
        }
        details.add("cnrt: " + libs.cnrt());
        details.add("cnnl: " + libs.cnnl());
        CambriconSymbols s;
        try {
            s = CambriconSymbols.load(libs);
        } catch (SymbolBinder.MissingSymbolsException e) {
            return Availability.unavailable(e.getMessage(), details);
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("cannot load " + libs.cnrt() + ": " + e.getMessage(), details);
        }
        cndev = CambriconCndev.open(CambriconCndev.locate(env));
        details.add("symbols: all bound; telemetry: CNDev " + (cndev.library == null ? "libcndev.so not found"
                : cndev.state.equals("available") ? cndev.library.toString() : cndev.state));
        try {
            symbols = s;
            int count;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment n = a.allocate(JAVA_INT);
                int rc = CambriconSymbols.call(s.cnrtGetDeviceCount, n); // unsigned int*
                if (rc == NO_DEVICE) return Availability.unavailable("CNRT reports no devices ("
                        + s.cnrtMessage(rc) + ")", details);
                s.errors.check(rc, "cnrtGetDeviceCount");
                count = n.get(JAVA_INT, 0);
            }
            if (count <= 0) {
                return Availability.unavailable("CNRT reports no devices"
                        + (env.get(visibleDevicesVariable()) != null ? " (" + visibleDevicesVariable() + "="
                        + env.get(visibleDevicesVariable()) + ")" : ""), details);
            }
            return Availability.available(libs.emulated() ? Availability.SCORE_EMULATOR
                            : Availability.SCORE_ACCELERATOR, count,
                    count + " device(s) via " + (libs.emulated() ? "the Kuaxin emulator " : "") + libs.cnrt(),
                    details);
        } catch (Throwable e) {
            return Availability.unavailable("CNRT failed during probe: " + e.getMessage(), details);
        }
    }

    @Override
    public synchronized DeviceBackend open(int ordinal) {
        if (symbols == null) {
            Availability a = probe();
            if (!a.available()) throw new io.kuaxin.BackendUnavailableException(name(), a.reason());
        }
        return new CambriconDevice(symbols, ordinal, physicalId(ordinal), cndev);
    }

    private String physicalId(int ordinal) {
        try {
            VisibleDevices v = VisibleDevices.parse(visibleDevicesVariable(), env.get(visibleDevicesVariable()));
            return v.isSet() ? v.physicalId(ordinal) : Integer.toString(ordinal);
        } catch (RuntimeException e) {
            return Integer.toString(ordinal);
        }
    }


    /** The loaded symbols (after a successful probe), for tests in this package. */
    CambriconSymbols symbols() { return symbols; }
}
