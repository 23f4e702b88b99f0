package io.kuaxin.backend.ascend;

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
 * The Huawei Ascend backend over AscendCL ({@code libascendcl.so}) and aclnn ({@code libnnopbase.so},
 * {@code libopapi.so}), or their Kuaxin emulator when {@code KUAXIN_EMULATE} / {@code -Dkuaxin.emulate} names
 * {@code ascend}. Libraries are looked for under {@code ASCEND_HOME_PATH}, {@code ASCEND_TOOLKIT_HOME},
 * {@code ASCEND_HOME}, {@code /usr/local/Ascend/ascend-toolkit/latest} ({@code lib64}, {@code lib}),
 * {@code LD_LIBRARY_PATH}, or at {@code KUAXIN_ASCEND_LIBRARY}. Power and temperature come from DCMI
 * ({@code libdcmi.so}) when present; see {@link AscendDcmi}.
 *
 * <p>{@link #probe()} loads and binds every symbol, initialises ACL (held until {@link #close()}) and counts
 * devices; it never throws.
 */
public final class AscendProvider implements BackendProvider {
    private final Map<String, String> env;
    private AscendSymbols symbols;
    private AscendDcmi dcmi = AscendDcmi.NONE;
    private boolean holdsInit;

    public AscendProvider() { this(System.getenv()); }

    /** With an explicit environment, for tests and tools. */
    public AscendProvider(Map<String, String> env) { this.env = Map.copyOf(env); }

    @Override
    public String name() { return "ascend"; }

    @Override
    public List<String> aliases() { return List.of("npu"); }

    @Override
    public String vendor() { return "Huawei"; }

    @Override
    public String visibleDevicesVariable() { return "ASCEND_RT_VISIBLE_DEVICES"; }

    @Override
    public synchronized Availability probe() {
        AscendLibraries libs = AscendLibraries.locate(env);
        List<String> details = new ArrayList<>();
        if (!libs.found()) {
            details.addAll(libs.searched());
            return Availability.unavailable(libs.notFoundReason(env), details);
        }
        details.add("runtime: " + libs.runtime());
        details.add("nnopbase: " + libs.nnopbase());
        details.add("opapi: " + libs.opapi());
        AscendSymbols s;
        try {
            s = AscendSymbols.load(libs);
        } catch (SymbolBinder.MissingSymbolsException e) {
            return Availability.unavailable(e.getMessage(), details);
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("cannot load " + libs.runtime() + ": " + e.getMessage(), details);
        }
        details.add("symbols: all bound (" + AscendSymbols.OPS.size() + " aclnn ops), utilisation "
                + (s.aclrtGetDeviceUtilizationRate.isPresent() ? "available" : "absent"));
        dcmi = AscendDcmi.open(AscendDcmi.locate(env));
        details.add("telemetry: DCMI " + (dcmi.library == null ? "libdcmi.so not found (no power/temperature)"
                : dcmi.state.equals("available") ? dcmi.library.toString() : dcmi.state));
        try {
            if (!holdsInit) {
                s.context.acquire();
                holdsInit = true;
            }
            symbols = s;
            int count;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment n = a.allocate(JAVA_INT);
                int rc = (int) s.aclrtGetDeviceCount.invokeExact(n);
                s.context.errors.check(rc, "aclrtGetDeviceCount");
                count = n.get(JAVA_INT, 0);
            }
            if (count <= 0) {
                return Availability.unavailable("AscendCL reports no devices"
                        + (env.get(visibleDevicesVariable()) != null ? " (" + visibleDevicesVariable() + "="
                        + env.get(visibleDevicesVariable()) + ")" : ""), details);
            }
            return Availability.available(libs.emulated() ? Availability.SCORE_EMULATOR
                            : Availability.SCORE_ACCELERATOR, count,
                    count + " device(s) via " + (libs.emulated() ? "the Kuaxin emulator " : "") + libs.runtime(),
                    details);
        } catch (Throwable e) {
            return Availability.unavailable("AscendCL failed during probe: " + e.getMessage(), details);
        }
    }

    @Override
    public synchronized DeviceBackend open(int ordinal) {
        if (symbols == null) {
            Availability a = probe();
            if (!a.available()) throw new io.kuaxin.BackendUnavailableException(name(), a.reason());
        }
        return new AscendDevice(symbols, ordinal, physicalId(ordinal), dcmi);
    }

    private String physicalId(int ordinal) {
        try {
            VisibleDevices v = VisibleDevices.parse(visibleDevicesVariable(), env.get(visibleDevicesVariable()));
            return v.isSet() ? v.physicalId(ordinal) : Integer.toString(ordinal);
        } catch (RuntimeException e) {
            return Integer.toString(ordinal);
        }
    }

    /** Drops the ACL reference the probe took. */
    @Override
    public synchronized void close() {
        if (holdsInit) {
            holdsInit = false;
            symbols.context.release();
        }
    }

    /** The loaded symbols (after a successful probe), for tests in this package. */
    AscendSymbols symbols() { return symbols; }
}
