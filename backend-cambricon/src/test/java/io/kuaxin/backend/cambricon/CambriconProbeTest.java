package io.kuaxin.backend.cambricon;

import io.kuaxin.conformance.ProbeContract;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Discovery of libcnrt: the emulator, and the reasons it cannot be used. */
class CambriconProbeTest extends ProbeContract {
    CambriconProbeTest() {
        super(CambriconProvider::new, new Library("libcnrt.so", "NEUWARE_HOME", Emulator.LIBRARY,
                Emulator.DIR.resolve("libkuaxin-emu-ascend.so"), List.of("cnrtGetErrorStr", "cnnlMatMul_v2")));
    }

    @Test
    void theBackendIsMluAndHonoursMluVisibleDevices() {
        CambriconProvider p = new CambriconProvider(Map.of());
        assertEquals("mlu", p.name());
        assertEquals("MLU_VISIBLE_DEVICES", p.visibleDevicesVariable());
    }
}
