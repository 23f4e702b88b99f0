package io.kuaxin.backend.ascend;

import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.ffm.FfmBackendProvider;
import io.kuaxin.spi.ffm.VendorLibraries;
import io.kuaxin.spi.ffm.VendorLibraries.Library;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The Huawei Ascend backend over AscendCL ({@code libascendcl.so}) and aclnn ({@code libnnopbase.so},
 * {@code libopapi.so}), or their Kuaxin emulator when {@code KUAXIN_EMULATE} / {@code -Dkuaxin.emulate} names
 * {@code ascend} (then all three resolve to {@code libkuaxin-emu-ascend.so}, which exports every symbol).
 * Libraries are looked for under {@code ASCEND_HOME_PATH}, {@code ASCEND_TOOLKIT_HOME}, {@code ASCEND_HOME},
 * {@code /usr/local/Ascend/ascend-toolkit/latest} ({@code lib64}, {@code lib}), {@code LD_LIBRARY_PATH}, or at
 * {@code KUAXIN_ASCEND_LIBRARY}. Power and temperature come from DCMI ({@code libdcmi.so}) when present; see
 * {@link AscendDcmi}.
 *
 * <p>{@link #probe()} (the kit's template) loads and binds every symbol, initialises ACL (held until
 * {@link #close()}) and counts devices; it never throws.
 */
public final class AscendProvider extends FfmBackendProvider<AscendSymbols> {

    private AscendDcmi dcmi = AscendDcmi.NONE;
    private boolean holdsInit;

    public AscendProvider() { this(System.getenv()); }

    /** With an explicit environment, for tests and tools. */
    public AscendProvider(Map<String, String> env) { super(env); }

    @Override
    public String name() { return AscendSymbols.BACKEND; }

    @Override
    public List<String> aliases() { return List.of("npu"); }

    @Override
    public String vendor() { return "Huawei"; }

    @Override
    public String visibleDevicesVariable() { return "ASCEND_RT_VISIBLE_DEVICES"; }

    @Override
    protected String runtimeName() { return "AscendCL"; }

    @Override
    protected VendorLibraries locate() {
        return VendorLibraries.locate(AscendSymbols.SDK, env, new Library(AscendSymbols.RUNTIME, "libascendcl.so"),
                new Library(AscendSymbols.NNOPBASE, "libnnopbase.so"), new Library(AscendSymbols.OPAPI, "libopapi.so"));
    }

    @Override
    protected AscendSymbols bind(VendorLibraries libs) { return AscendSymbols.load(libs); }

    @Override
    protected synchronized void describe(AscendSymbols s, VendorLibraries libs, List<String> details) {
        details.add("symbols: all bound (" + AscendSymbols.OPS.size() + " aclnn ops), utilisation "
                + (s.aclrtGetDeviceUtilizationRate.isPresent() ? "available" : "absent"));
        dcmi = AscendDcmi.open(AscendDcmi.locate(env));
        details.add("telemetry: DCMI " + (dcmi.library == null ? "libdcmi.so not found (no power/temperature)"
                : dcmi.state.equals("available") ? dcmi.library.toString() : dcmi.state));
    }

    @Override
    protected synchronized int countDevices(AscendSymbols s) throws Throwable {
        if (!holdsInit) {
            s.context.acquire();
            holdsInit = true;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            int rc = (int) s.aclrtGetDeviceCount.invokeExact(n);
            s.context.errors.check(rc, "aclrtGetDeviceCount");
            return n.get(JAVA_INT, 0);
        }
    }

    @Override
    protected synchronized DeviceBackend open(AscendSymbols s, int ordinal, String physicalId) {
        return new AscendDevice(s, ordinal, physicalId, dcmi);
    }

    /** Drops the ACL reference the probe took. */
    @Override
    public synchronized void close() {
        if (holdsInit) {
            holdsInit = false;
            symbols().context.release();
        }
    }

    /** The loaded symbols (after a successful probe), for tests in this package. */
    @Override
    protected AscendSymbols symbols() { return super.symbols(); }
}
