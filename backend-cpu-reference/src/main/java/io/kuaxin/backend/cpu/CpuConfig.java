package io.kuaxin.backend.cpu;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;

/** Reads the CPU backend's settings once. */
final class CpuConfig {
    private CpuConfig() {}

    static int threads() {
        return Integer.getInteger("kuaxin.cpu.threads", Runtime.getRuntime().availableProcessors());
    }

    static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    static long freePhysicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getFreeMemorySize();
        }
        return -1;
    }

    /**
     * {@code kuaxin.cpu.gemm}: who runs fp32 matmuls (see {@link GemmSelector}).
     *
     * @throws io.kuaxin.InvalidArgumentException if the value is not auto, kuaxin or openblas
     */
    static GemmSelector.Mode gemmMode() {
        String v = System.getProperty("kuaxin.cpu.gemm", "auto").trim();
        for (GemmSelector.Mode m : GemmSelector.Mode.values()) {
            if (m.name().equalsIgnoreCase(v)) return m;
        }
        throw new io.kuaxin.InvalidArgumentException("kuaxin.cpu.gemm=" + v
                + " is not one of auto, kuaxin, openblas (auto: OpenBLAS where present and measured faster)");
    }

    static long memoryCap() {
        String s = System.getProperty("kuaxin.cpu.memory");
        return s == null ? physicalMemory() : Long.parseLong(s.trim());
    }
}
