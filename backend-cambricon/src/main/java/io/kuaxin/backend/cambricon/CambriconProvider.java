package io.kuaxin.backend.cambricon;

import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.ffm.FfmBackendProvider;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.VendorLibraries;
import io.kuaxin.spi.ffm.VendorLibraries.Library;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The Cambricon MLU backend over CNRT ({@code libcnrt.so}) and CNNL ({@code libcnnl.so}), or their Kuaxin emulator
 * when {@code KUAXIN_EMULATE} / {@code -Dkuaxin.emulate} names {@code mlu} (then both resolve to
 * {@code libkuaxin-emu-cambricon.so}). Libraries are looked for under {@code NEUWARE_HOME},
 * {@code /usr/local/neuware} ({@code lib64}, {@code lib}), {@code LD_LIBRARY_PATH}, or at
 * {@code KUAXIN_MLU_LIBRARY}. CNRT 5+ has no init call (the context is implicit).
 *
 * <p>{@link #probe()} (the kit's template) loads and binds every symbol and counts devices
 * ({@code cnrtGetDeviceCount(unsigned*)}); it never throws.
 */
public final class CambriconProvider extends FfmBackendProvider<CambriconSymbols> {
    static final int NO_DEVICE = 100004; // cnrtErrorNoDevice (V: public cnrt.h)

    private CambriconCndev cndev = CambriconCndev.NONE;

    public CambriconProvider() { this(System.getenv()); }

    /** With an explicit environment, for tests and tools. */
    public CambriconProvider(Map<String, String> env) { super(env); }

    @Override
    public String name() { return CambriconSymbols.BACKEND; }

    @Override
    public List<String> aliases() { return List.of("cambricon"); }

    @Override
    public String vendor() { return "Cambricon"; }

    @Override
    public String visibleDevicesVariable() { return "MLU_VISIBLE_DEVICES"; }

    @Override
    protected String runtimeName() { return "CNRT"; }

    @Override
    protected VendorLibraries locate() {
        return VendorLibraries.locate(CambriconSymbols.SDK, env, new Library(CambriconSymbols.CNRT, "libcnrt.so"),
                new Library(CambriconSymbols.CNNL, "libcnnl.so"));
    }

    @Override
    protected CambriconSymbols bind(VendorLibraries libs) { return CambriconSymbols.load(libs); }

    @Override
    protected synchronized void describe(CambriconSymbols s, VendorLibraries libs, List<String> details) {
        cndev = CambriconCndev.open(CambriconCndev.locate(env));
        details.add("symbols: all bound; telemetry: CNDev " + (cndev.library == null ? "libcndev.so not found"
                : cndev.state.equals("available") ? cndev.library.toString() : cndev.state));
    }

    @Override
    protected int countDevices(CambriconSymbols s) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            int rc = (int) s.cnrtGetDeviceCount.invokeExact(n); // unsigned int*
            if (rc == NO_DEVICE) throw new Unavailable("CNRT reports no devices (" + s.cnrtMessage(rc) + ")");
            s.errors.check(rc, "cnrtGetDeviceCount");
            return n.get(JAVA_INT, 0);
        }
    }

    @Override
    protected synchronized DeviceBackend open(CambriconSymbols s, int ordinal, String physicalId) {
        return new CambriconDevice(s, ordinal, physicalId, cndev);
    }

    /** The loaded symbols (after a successful probe), for tests in this package. */
    @Override
    protected CambriconSymbols symbols() { return super.symbols(); }
}
