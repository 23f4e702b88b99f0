package io.kuaxin.conformance;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.StreamBackend;
import org.junit.jupiter.api.Assertions;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a backend supplies to {@link RuntimeContract}: how to open it, and the few things only an emulator or a test
 * hook can do (cap device memory, make a vendor call fail, count live native objects, make a stream slow). Every
 * such method has a default that says "cannot"; the suite then skips the check that needs it, naming what was
 * missing, so the same subclass runs on a real device (where it cannot cap memory) and on an emulator.
 *
 * <p>A fixture is created per test ({@link RuntimeContract#fixture()}); {@link #reset()} runs after each test and
 * must undo whatever the test armed. Not thread-safe; the suite calls it from the test thread only.
 */
public interface RuntimeFixture {
    /** A vendor call armed to fail once, and what its {@code VendorException} must say. */
    record Fault(String call, int code, String messageContains) {}

    /** The backend's name, which prefixes its device ids ({@code ascend} for {@code ascend:0}). */
    String backend();

    /** How many devices the backend shows with no visible-devices variable set (1 or more). */
    int devices();

    /** Runtime options that open the backend under test with {@code env} as its environment. */
    Kuaxin.Options options(Map<String, String> env);

    /** A new provider of the backend, for the checks at the SPI level; the suite closes it. */
    BackendProvider provider();

    /**
     * The name an out-of-memory message carries for a refused device allocation: the vendor's allocation call
     * ({@code aclrtMalloc}), or what capped the memory.
     */
    String allocationCall();

    /** Backend-specific checks of one device's {@code DeviceInfo} and properties; none by default. */
    default void checkDevice(Device device) {}

    /** Other device-id spellings the backend accepts, each mapped to the id it must resolve to. */
    default Map<String, String> aliases() { return Map.of(); }

    /**
     * Caps the memory of physical device {@code device} at {@code bytes} for runtimes opened from now on.
     *
     * @return false if the fixture cannot (a real device); the out-of-memory checks are then skipped
     */
    default boolean limitMemory(int device, long bytes) { return false; }

    /**
     * Makes the next device allocation fail once: with a vendor code that is not out-of-memory, or with the
     * vendor's out-of-memory code.
     *
     * @return the armed fault, or empty if the fixture cannot inject faults
     */
    default Optional<Fault> failNextAllocation(boolean outOfMemory) { return Optional.empty(); }

    /** Device and pinned-host allocations not yet freed, process-wide; empty if the fixture cannot count them. */
    default OptionalLong liveAllocations() { return OptionalLong.empty(); }

    /** Streams, events, library handles and descriptors not yet destroyed; empty if the fixture cannot count them. */
    default OptionalLong liveHandles() { return OptionalLong.empty(); }

    /** Whether {@link #slowNextTask} works; the stream-ordering race is skipped if not. */
    default boolean slowsStreams() { return false; }

    /**
     * Makes the next task enqueued on {@code stream} take a few hundred milliseconds (an emulator's delay, or a
     * sleeping task queued first).
     *
     * @throws UnsupportedOperationException if {@link #slowsStreams()} is false
     */
    default void slowNextTask(StreamBackend stream) {
        throw new UnsupportedOperationException("this fixture cannot make a stream slow");
    }

    /**
     * Applies {@code spec} as the vendor runtime would apply the backend's visible-devices variable, for runtimes
     * opened from now on with that variable set in their environment.
     *
     * @return false if the fixture cannot (the variable is read once per process on a real runtime)
     */
    default boolean showOnly(String spec) { return false; }

    /**
     * Checks that {@code device}, ordinal 0 after {@link #showOnly} of one id, is physical device {@code physicalId}.
     * By default its {@code DeviceInfo} must say so; a backend whose runtime reads the variable only from the process
     * environment (which a test cannot set) checks what it can instead.
     */
    default void checkPhysicalDevice(Device device, String physicalId) {
        Assertions.assertEquals(physicalId, device.info().physicalId(), device.info()::toString);
    }

    /** Undoes whatever this fixture armed: faults, memory caps, delays, visible devices. */
    default void reset() {}
}
