package io.kuaxin.conformance;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.emulators.EmulatorControl;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.StreamBackend;
import org.junit.jupiter.api.Assertions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link RuntimeFixture} on a Kuaxin emulator, through the {@code kuaxin_emu_*} control API every emulator
 * exports: a backend names its vendor facts ({@link Vendor}) and gets every fixture ability. Bind the
 * {@link EmulatorControl} to the same library file the backend loads, so both see one emulator state. Devices must
 * report themselves emulated, with the emulator's memory, and pass the vendor's own device checks. Needs {@code kuaxin-native} on the test class path.
 */
public class EmulatedRuntime implements RuntimeFixture {
    /**
     * What the fixture needs to know about the backend.
     *
     * @param backend         the backend's name (device ids are {@code <backend>:<ordinal>})
     * @param devices         how many devices the emulator shows
     * @param providers       a new provider reading the given environment
     * @param allocationFault a failed device allocation with a code other than out-of-memory, and what it reports
     * @param outOfMemoryCode the vendor's out-of-memory code for the same call
     * @param aliases         other device-id spellings, each mapped to the id it resolves to
     * @param deviceCheck     backend-specific checks of each device, after the emulated flag and memory
     */
    public record Vendor(String backend, int devices, Function<Map<String, String>, BackendProvider> providers,
                         Fault allocationFault, int outOfMemoryCode, Map<String, String> aliases,
                         Consumer<Device> deviceCheck) {}

    /** How long a slowed task sleeps: long enough that a reader on another stream clearly runs ahead of it. */
    static final Duration SLOW_TASK = Duration.ofMillis(300);

    protected final EmulatorControl emu;
    private final long deviceMemory;
    private final Vendor vendor;

    /**
     * @param emu          the control API of the backend's emulator
     * @param deviceMemory each emulated device's memory, restored after a test that capped it
     * @param vendor       the backend's facts
     */
    public EmulatedRuntime(EmulatorControl emu, long deviceMemory, Vendor vendor) {
        this.emu = emu;
        this.deviceMemory = deviceMemory;
        this.vendor = vendor;
        emu.clearFaults();
    }

    @Override
    public String backend() { return vendor.backend(); }

    @Override
    public int devices() { return vendor.devices(); }

    @Override
    public Kuaxin.Options options(Map<String, String> env) {
        return Kuaxin.Options.defaults().withEnv(env).withProviders(List.of(vendor.providers().apply(env)));
    }

    @Override
    public BackendProvider provider() { return vendor.providers().apply(System.getenv()); }

    @Override
    public String allocationCall() { return vendor.allocationFault().call(); }

    @Override
    public Map<String, String> aliases() { return vendor.aliases(); }

    @Override
    public void checkDevice(Device device) {
        Assertions.assertTrue(device.info().emulated(), device.info()::toString);
        Assertions.assertEquals(deviceMemory, device.info().totalMemory(), device.info()::toString);
        vendor.deviceCheck().accept(device);
    }

    @Override
    public boolean limitMemory(int device, long bytes) {
        emu.setMemoryLimit(device, bytes);
        return true;
    }

    @Override
    public Optional<Fault> failNextAllocation(boolean outOfMemory) {
        Fault f = outOfMemory ? new Fault(allocationCall(), vendor.outOfMemoryCode(), "") : vendor.allocationFault();
        emu.injectFault(f.call(), 1, f.code());
        return Optional.of(f);
    }

    @Override
    public OptionalLong liveAllocations() { return OptionalLong.of(emu.liveAllocations()); }

    @Override
    public OptionalLong liveHandles() { return OptionalLong.of(emu.liveHandles()); }

    @Override
    public boolean slowsStreams() { return true; }

    @Override
    public void slowNextTask(StreamBackend stream) { emu.delayNextTasks(1, SLOW_TASK); }

    @Override
    public boolean showOnly(String spec) {
        emu.setVisibleDevices(spec);
        return true;
    }

    @Override
    public void reset() {
        emu.clearFaults();
        emu.delayNextTasks(0, Duration.ZERO);
        emu.setVisibleDevices(null);
        for (int d = 0; d < devices(); d++) emu.setMemoryLimit(d, deviceMemory);
    }
}
