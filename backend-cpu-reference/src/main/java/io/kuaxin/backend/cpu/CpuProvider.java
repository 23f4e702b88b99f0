package io.kuaxin.backend.cpu;

import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;

import java.util.List;

/**
 * The CPU backend: one device, {@code cpu:0}, on host memory with device semantics (asynchronous streams, events,
 * real copies, memory stats). It is the conformance oracle's executor and the fallback device.
 *
 * <p>Settings: {@code kuaxin.cpu.threads} (kernel threads, default: available processors) and
 * {@code kuaxin.cpu.memory} (a byte cap for tensors, default: physical memory; makes out-of-memory testable).
 */
public final class CpuProvider implements BackendProvider {
    @Override
    public String name() { return "cpu"; }

    @Override
    public List<String> aliases() { return List.of("host"); }

    @Override
    public String vendor() { return "host"; }

    @Override
    public Availability probe() {
        return Availability.available(Availability.SCORE_CPU, 1, "host memory and " + CpuConfig.threads()
                        + " kernel thread(s)",
                List.of("threads: " + CpuConfig.threads() + " (kuaxin.cpu.threads)",
                        "memory cap: " + CpuConfig.memoryCap() + " bytes (kuaxin.cpu.memory)",
                        "kernels: " + CpuKernels.implementationName()));
    }

    @Override
    public DeviceBackend open(int ordinal) {
        return new CpuDevice(ordinal);
    }
}
