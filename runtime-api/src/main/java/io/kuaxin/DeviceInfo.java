package io.kuaxin;

import java.util.Map;
import java.util.Set;

/**
 * Static facts about a device.
 *
 * @param backend        backend name, e.g. {@code ascend}
 * @param ordinal        logical ordinal within the backend (after the vendor's visible-devices variable)
 * @param physicalId     the physical id the vendor runtime maps {@code ordinal} to, as a string
 * @param vendor         e.g. {@code Huawei}
 * @param name           the device's name as the vendor reports it, e.g. {@code Ascend910B}
 * @param totalMemory    bytes of device memory
 * @param dtypes         dtypes tensors may have on the device
 * @param hostAccessible whether device addresses are host addresses (CPU); if so tensors can expose host segments
 * @param emulated       whether the vendor library is Kuaxin's emulator rather than the vendor's
 * @param properties     further vendor facts (driver version, SoC, library path), for reports
 */
public record DeviceInfo(String backend, int ordinal, String physicalId, String vendor, String name, long totalMemory,
                         Set<DType> dtypes, boolean hostAccessible, boolean emulated, Map<String, String> properties) {
    public DeviceInfo {
        dtypes = Set.copyOf(dtypes);
        properties = Map.copyOf(properties);
    }

    /** The device's spec, e.g. {@code ascend:0}. */
    public String id() { return backend + ":" + ordinal; }
}
