package io.kuaxin.backend.cpu;

import io.kuaxin.InvalidArgumentException;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;

import java.util.ArrayList;
import java.util.List;

/**
 * The CPU backend: one device, {@code cpu:0}, on host memory with device semantics (asynchronous streams, events,
 * real copies, memory stats). It is the conformance oracle's executor and the fallback device.
 *
 * <p>Settings: {@code kuaxin.cpu.threads} (kernel threads, default: available processors) and
 * {@code kuaxin.cpu.memory} (a byte cap for tensors, default: physical memory; makes out-of-memory testable),
 * {@code kuaxin.cpu.gemm} ({@code auto|kuaxin|openblas}: whether fp32 matmuls may run on OpenBLAS from JavaCPP's
 * preset when it is on the class path; see {@link GemmSelector}).
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
        try {
            CpuConfig.gemmMode();
        } catch (InvalidArgumentException e) {
            return Availability.unavailable(e.getMessage(), List.of());
        }
        List<String> details = new ArrayList<>(List.of("threads: " + CpuConfig.threads() + " (kuaxin.cpu.threads)",
                "memory cap: " + CpuConfig.memoryCap() + " bytes (kuaxin.cpu.memory)",
                "kernels: " + CpuOpTable.implementationName()));
        GemmSelector.instance().describe().forEach((k, v) -> details.add(k + ": " + v));
        return Availability.available(Availability.SCORE_CPU, 1, "host memory and " + CpuConfig.threads()
                + " kernel thread(s)", details);
    }

    @Override
    public DeviceBackend open(int ordinal) {
        return new CpuDevice(ordinal);
    }
}
