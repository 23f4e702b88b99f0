package io.kuaxin.cli;

import io.kuaxin.Device;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import picocli.CommandLine.Option;

/** The device options shared by commands that run work: which device, emulation, fallback policy. */
final class DeviceOptions {
    @Option(names = {"-d", "--device"}, paramLabel = "SPEC",
            description = "Device spec, e.g. cpu, ascend:0, mlu:*,cpu (default: KUAXIN_DEVICES, else the best available).")
    String spec;

    @Option(names = "--emulate", paramLabel = "BACKENDS", arity = "0..1", fallbackValue = "all",
            description = "Use Kuaxin's vendor emulators for these backends (comma list; no value: all). Same as KUAXIN_EMULATE.")
    String emulate;

    @Option(names = "--fallback", paramLabel = "POLICY", defaultValue = "FAIL",
            description = "What ops the device cannot run do: FAIL, WARN or ALLOW (run on cpu:0). Default: ${DEFAULT-VALUE}.")
    FallbackPolicy fallback;

    void applyEmulation() {
        if (emulate != null) System.setProperty("kuaxin.emulate", emulate);
    }

    Kuaxin.Options options() {
        return Kuaxin.Options.defaults().withFallbackPolicy(fallback);
    }

    Device pick(Kuaxin kx) { return spec == null ? kx.best() : kx.device(spec); }

    String why(Kuaxin kx) { return spec == null ? "chosen as " + kx.bestReason() : "chosen by --device " + spec; }
}
