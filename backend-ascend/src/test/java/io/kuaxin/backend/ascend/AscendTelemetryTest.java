package io.kuaxin.backend.ascend;

import io.kuaxin.Kuaxin;
import io.kuaxin.emulators.EmulatorControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DCMI power/temperature merged with AscendCL utilisation, and their absence. */
class AscendTelemetryTest {
    /** The DCMI emulator has its own core, so its own faults. */
    private static final EmulatorControl DCMI = new EmulatorControl(Emulator.DIR.resolve("libkuaxin-emu-dcmi.so"));

    @AfterEach
    void clear() { DCMI.clearFaults(); }

    @Test
    void emulatedDcmiReadingsAppearWithUtilisation() {
        try (Kuaxin kx = Emulator.open()) {
            Map<String, String> t0 = kx.device("ascend:0").telemetry();
            assertEquals("85.3 W", t0.get("power"), t0.toString());
            assertEquals("45 C", t0.get("temperature"), t0.toString());
            assertTrue(t0.containsKey("utilization.memory"), t0.toString());
            Map<String, String> t1 = kx.device("ascend:1").telemetry();
            assertEquals("86.3 W", t1.get("power"), t1.toString());
            assertEquals("46 C", t1.get("temperature"), t1.toString());
        }
    }

    @Test
    void aclUtilisationAppearsThroughTheDeviceAndThePublicApi() {
        try (AscendProvider p = new AscendProvider()) {
            assertTrue(p.probe().available());
            try (var dev = (AscendDevice) p.open(0)) {
                assertTrue(dev.telemetry.available());
                var u = dev.telemetry.utilization().orElseThrow();
                assertEquals(-1, u.aicpu());
                assertTrue(u.memory() >= 0 && u.memory() <= 100);
            }
        }
        try (Kuaxin kx = Emulator.open()) {
            var t = kx.device("ascend:0").telemetry();
            assertTrue(t.containsKey("utilization.memory"), t.toString());
        }
    }

    @Test
    void physicalIdSelectsTheDcmiChip() {
        // ASCEND_RT_VISIBLE_DEVICES=1: ordinal 0 is physical chip 1, which DCMI reports by its own id
        try (AscendProvider p = new AscendProvider(Map.of("ASCEND_RT_VISIBLE_DEVICES", "1"))) {
            assertTrue(p.probe().available());
            try (var dev = p.open(0)) {
                assertEquals("1", dev.info().physicalId());
                assertEquals("46 C", dev.telemetry().get("temperature"), dev.telemetry().toString());
            }
        }
    }

    @Test
    void missingDcmiLeavesOnlyUtilisationAndTheDeviceWorks() {
        AscendDcmi absent = AscendDcmi.open(Optional.of(Path.of("/nonexistent/libdcmi.so")));
        assertFalse(absent.bound());
        assertSame(AscendDcmi.NONE, AscendDcmi.open(Optional.empty()));
        // a library without the DCMI calls (the AscendCL emulator) is no DCMI either
        AscendDcmi wrong = AscendDcmi.open(Optional.of(Emulator.LIBRARY));
        assertFalse(wrong.bound());
        assertTrue(wrong.state.contains("lacks"), wrong.state);
        try (AscendProvider p = new AscendProvider()) {
            assertTrue(p.probe().available());
            for (AscendDcmi d : List.of(absent, wrong, AscendDcmi.NONE)) {
                try (var dev = new AscendDevice(p.symbols(), 0, "0", d)) {
                    Map<String, String> t = dev.telemetry();
                    assertFalse(t.containsKey("power"), t.toString());
                    assertFalse(t.containsKey("temperature"), t.toString());
                    assertTrue(t.containsKey("utilization.cube"), t.toString());
                    long a = dev.allocate(4096);
                    dev.free(a);
                }
            }
        }
    }

    @Test
    void aFailingDcmiCallDropsOnlyItsReading() {
        try (AscendProvider p = new AscendProvider(); var dev = p.open(0)) {
            assertEquals("45 C", dev.telemetry().get("temperature")); // DCMI initialised and mapped
            DCMI.injectFault("dcmi_get_device_power_info", 1, -8255);
            Map<String, String> t = dev.telemetry();
            assertFalse(t.containsKey("power"), t.toString());
            assertEquals("45 C", t.get("temperature"));
            assertEquals("85.3 W", dev.telemetry().get("power")); // the fault fired once
        }
    }
}
