package io.kuaxin.backend.acme;

import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.ffm.FfmBackendProvider;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.VendorLibraries;

import java.util.Map;

/** The Acme backend over libacmert.so, or its emulator when kuaxin.emulate names acme. */
public final class AcmeProvider extends FfmBackendProvider<AcmeSymbols> {
    public AcmeProvider() { this(System.getenv()); }

    /** With an explicit environment, for tests and tools. */
    public AcmeProvider(Map<String, String> env) { super(env); }

    @Override public String name() { return AcmeSymbols.BACKEND; }
    @Override public String vendor() { return "Acme"; }
    @Override public String visibleDevicesVariable() { return "ACME_VISIBLE_DEVICES"; }
    @Override protected String runtimeName() { return "the Acme runtime"; }
    @Override protected AcmeSymbols bind(VendorLibraries libs) { return new AcmeSymbols(libs); }

    @Override
    protected VendorLibraries locate() {
        return VendorLibraries.locate(AcmeSymbols.SDK, env, new VendorLibraries.Library(AcmeSymbols.RUNTIME,
                "libacmert.so"));
    }

    @Override
    protected int countDevices(AcmeSymbols s) {
        return Native.outInt(n -> (int) s.acmeGetDeviceCount.invokeExact(n),
                s.errors.checking("acmeGetDeviceCount"));
    }

    @Override
    protected DeviceBackend open(AcmeSymbols s, int ordinal, String physicalId) {
        return new AcmeDevice(s, ordinal, physicalId);
    }
}
