package io.kuaxin.backend.ascend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Optional device telemetry: utilisation from {@code aclrtGetDeviceUtilizationRate} when the runtime exports it.
 * An absent symbol, or a failing call, means no telemetry, never an error. Power and temperature come from DCMI
 * ({@link AscendDcmi}); {@link AscendDevice#telemetry()} merges both.
 */
public final class AscendTelemetry {
    /** {@code aclrtUtilizationInfo}: four int32 percentages and a reserved pointer that must be NULL. */
    private static final MemoryLayout UTILIZATION_INFO = MemoryLayout.structLayout(JAVA_INT.withName("cube"),
            JAVA_INT.withName("vector"), JAVA_INT.withName("aicpu"), JAVA_INT.withName("memory"),
            ADDRESS.withName("utilizationExtend"));

    /**
     * Utilisation percentages; -1 where the device does not report a value.
     *
     * @param cube   AI Core cube unit
     * @param vector AI Core vector unit
     * @param aicpu  AI CPU
     * @param memory device memory
     */
    public record Utilization(int cube, int vector, int aicpu, int memory) {}

    private final AscendDevice dev;

    AscendTelemetry(AscendDevice dev) { this.dev = dev; }

    /** Whether the runtime exports the utilisation call. */
    public boolean available() { return dev.s.aclrtGetDeviceUtilizationRate.isPresent(); }

    /** The device's current utilisation, or empty when unavailable. Never throws. */
    public Optional<Utilization> utilization() {
        Optional<MethodHandle> h = dev.s.aclrtGetDeviceUtilizationRate;
        if (h.isEmpty()) return Optional.empty();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(UTILIZATION_INFO); // zeroed: utilizationExtend is NULL
            int rc = (int) h.get().invokeExact(dev.ordinal, info);
            if (rc != 0) return Optional.empty();
            return Optional.of(new Utilization(info.get(JAVA_INT, 0), info.get(JAVA_INT, 4), info.get(JAVA_INT, 8),
                    info.get(JAVA_INT, 12)));
        } catch (Throwable t) {
            return Optional.empty();
        }
    }
}
