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

    static long memoryCap() {
        String s = System.getProperty("kuaxin.cpu.memory");
        return s == null ? physicalMemory() : Long.parseLong(s.trim());
    }
}
