package io.kuaxin.dlpack;

import io.kuaxin.DType;
import io.kuaxin.DeviceInfo;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Device codes against dlpack.h 1.1's {@code DLDeviceType} values, and which code each Kuaxin backend exports as. */
class DLDeviceTypeTest {
    /** Written out from the header's enum, not from {@link DLDeviceType}. */
    private static final Map<String, Integer> HEADER = Map.ofEntries(
            Map.entry("CPU", 1), Map.entry("CUDA", 2), Map.entry("CUDA_HOST", 3), Map.entry("OPENCL", 4),
            Map.entry("VULKAN", 7), Map.entry("METAL", 8), Map.entry("VPI", 9), Map.entry("ROCM", 10),
            Map.entry("ROCM_HOST", 11), Map.entry("EXT_DEV", 12), Map.entry("CUDA_MANAGED", 13),
            Map.entry("ONE_API", 14), Map.entry("WEBGPU", 15), Map.entry("HEXAGON", 16), Map.entry("MAIA", 17),
            Map.entry("TRAINIUM", 18));

    @Test
    void codesAreTheHeaders() {
        assertEquals(HEADER.size(), DLDeviceType.values().length);
        for (DLDeviceType t : DLDeviceType.values()) {
            assertEquals(HEADER.get(t.name()), t.code(), t.name());
            assertEquals(t, DLDeviceType.of(t.code()));
        }
        for (int unused : new int[]{0, 5, 6, 19, -1}) assertNull(DLDeviceType.of(unused), "code " + unused);
        for (DLDeviceType t : DLDeviceType.values()) {
            boolean host = t == DLDeviceType.CPU || t == DLDeviceType.CUDA_HOST || t == DLDeviceType.ROCM_HOST
                    || t == DLDeviceType.CUDA_MANAGED;
            assertEquals(host, t.hostReadable(), t.name());
        }
    }

    @Test
    void everyBackendHasItsCode() {
        Map<String, DLDeviceType> expected = Map.of(
                "cuda", DLDeviceType.CUDA, "iluvatar", DLDeviceType.CUDA, // CoreX is the CUDA runtime
                "hygon", DLDeviceType.ROCM,                              // DTK is HIP
                "ascend", DLDeviceType.EXT_DEV, "mlu", DLDeviceType.EXT_DEV, // no DLPack code for these vendors
                "musa", DLDeviceType.EXT_DEV, "biren", DLDeviceType.EXT_DEV, "some-later-backend", DLDeviceType.EXT_DEV);
        expected.forEach((backend, type) -> {
            DeviceInfo d = info(backend, 3, false);
            assertEquals(type, DLDeviceType.of(d), backend);
            assertEquals(3, DLDeviceType.deviceId(d), backend + " keeps its ordinal");
            assertFalse(DLDeviceType.of(d).hostReadable(), backend);
        });
        for (String backend : new String[]{"cpu", "cuda"}) { // host-readable memory is kDLCPU whatever the backend
            DeviceInfo d = info(backend, 0, true);
            assertEquals(DLDeviceType.CPU, DLDeviceType.of(d));
            assertEquals(0, DLDeviceType.deviceId(d));
            assertTrue(DLDeviceType.of(d).hostReadable());
        }
    }

    private static DeviceInfo info(String backend, int ordinal, boolean host) {
        return new DeviceInfo(backend, ordinal, backend + ordinal, "v", "n", 1L << 30, Set.of(DType.F32), host, true,
                Map.of());
    }
}
