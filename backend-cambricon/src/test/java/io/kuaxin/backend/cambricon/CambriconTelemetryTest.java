package io.kuaxin.backend.cambricon;

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

/** CNDev readings with the emulator, and their absence. */
class CambriconTelemetryTest {
    /** The CNDev emulator has its own core, so its own faults. */
    private static final EmulatorControl CNDEV = new EmulatorControl(Emulator.DIR.resolve("libkuaxin-emu-cndev.so"));

    @AfterEach
    void clear() { CNDEV.clearFaults(); }

    @Test
    void emulatedCndevReadingsAppear() {
        try (Kuaxin kx = Emulator.open()) {
            Map<String, String> t = kx.device("mlu:0").telemetry();
            assertEquals("75 W", t.get("power"), t.toString());
            assertEquals("150 W", t.get("power.cap"), t.toString());
            assertEquals("48 C", t.get("temperature"), t.toString());
            assertEquals("40 C", t.get("temperature.board"), t.toString());
            assertEquals("0 %", t.get("utilization"), t.toString());
            assertTrue(t.get("memory.used").endsWith(" MiB"), t.toString());
            assertTrue(Long.parseLong(t.get("memory.total").replace(" MiB", "")) > 0, t.toString());
            assertEquals("76 W", kx.device("mlu:1").telemetry().get("power"));
        }
    }

    @Test
    void physicalIdSelectsTheCndevDevice() {
        try (CambriconProvider p = new CambriconProvider(Map.of("MLU_VISIBLE_DEVICES", "1"))) {
            assertTrue(p.probe().available());
            try (var dev = p.open(0)) {
                assertEquals("1", dev.info().physicalId());
                assertEquals("49 C", dev.telemetry().get("temperature"), dev.telemetry().toString());
            }
        }
    }

    @Test
    void missingCndevLeavesTelemetryEmptyAndTheDeviceWorks() {
        CambriconCndev absent = CambriconCndev.open(Optional.of(Path.of("/nonexistent/libcndev.so")));
        assertFalse(absent.bound());
        assertSame(CambriconCndev.NONE, CambriconCndev.open(Optional.empty()));
        CambriconCndev wrong = CambriconCndev.open(Optional.of(Emulator.LIBRARY)); // CNRT emulator: no cndev*
        assertFalse(wrong.bound());
        assertTrue(wrong.state.contains("lacks"), wrong.state);
        try (CambriconProvider p = new CambriconProvider()) {
            assertTrue(p.probe().available());
            for (CambriconCndev c : List.of(absent, wrong, CambriconCndev.NONE)) {
                try (var dev = new CambriconDevice(p.symbols(), 0, "0", c)) {
                    assertEquals(Map.of(), dev.telemetry());
                    long a = dev.allocate(4096);
                    dev.free(a);
                }
            }
        }
    }

    @Test
    void aFailingCndevCallDropsOnlyItsReadings() {
        try (CambriconProvider p = new CambriconProvider(); var dev = p.open(0)) {
            assertEquals("75 W", dev.telemetry().get("power"));
            CNDEV.injectFault("cndevGetPowerInfo", 1, 10);
            Map<String, String> t = dev.telemetry();
            assertFalse(t.containsKey("power"), t.toString());
            assertFalse(t.containsKey("power.cap"), t.toString());
            assertEquals("48 C", t.get("temperature"));
            assertEquals("75 W", dev.telemetry().get("power"));
        }
    }
}
