package io.kuaxin.conformance;

import io.kuaxin.emulators.EmulatorControl;
import io.kuaxin.spi.StreamBackend;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The emulator half of a {@link RuntimeFixture}, on the {@code kuaxin_emu_*} control API every Kuaxin emulator
 * exports: a backend's fixture extends it and names its vendor facts (the allocation call and its two fault codes).
 * Bind the {@link EmulatorControl} to the same library file the backend loads, so both see one emulator state.
 * Needs {@code kuaxin-native} on the test class path.
 */
public abstract class EmulatedRuntime implements RuntimeFixture {
    /** How long a slowed task sleeps: long enough that a reader on another stream clearly runs ahead of it. */
    static final Duration SLOW_TASK = Duration.ofMillis(300);

    protected final EmulatorControl emu;
    private final long deviceMemory;

    /**
     * @param emu          the control API of the backend's emulator
     * @param deviceMemory each emulated device's memory, restored after a test that capped it
     */
    protected EmulatedRuntime(EmulatorControl emu, long deviceMemory) {
        this.emu = emu;
        this.deviceMemory = deviceMemory;
        emu.clearFaults();
    }

    /** The fault a failed allocation with a code other than out-of-memory must report. */
    protected abstract Fault allocationFault();

    /** The vendor code of "out of memory" for the allocation call. */
    protected abstract int outOfMemoryCode();

    @Override
    public boolean limitMemory(int device, long bytes) {
        emu.setMemoryLimit(device, bytes);
        return true;
    }

    @Override
    public Optional<Fault> failNextAllocation(boolean outOfMemory) {
        Fault f = outOfMemory ? new Fault(allocationCall(), outOfMemoryCode(), "") : allocationFault();
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
