package io.kuaxin.backend.ascend;

import io.kuaxin.spi.Availability;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AscendProbeTest {
    /** Runs {@code body} with system properties replaced (null removes), restoring them afterwards. */
    static <T> T withProperties(Map<String, String> props, java.util.function.Supplier<T> body) {
        Map<String, String> saved = new java.util.HashMap<>();
        for (String k : props.keySet()) saved.put(k, System.getProperty(k));
        try {
            props.forEach((k, v) -> {
                if (v == null) System.clearProperty(k);
                else System.setProperty(k, v);
            });
            return body.get();
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) System.clearProperty(k);
                else System.setProperty(k, v);
            });
        }
    }

    private static Map<String, String> props(String... kv) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void emulatorIsAvailableWithDevicesAndDetails() {
        try (AscendProvider p = new AscendProvider(Map.of())) {
            Availability a = p.probe();
            assertTrue(a.available(), a.reason());
            assertEquals(Availability.SCORE_EMULATOR, a.score());
            assertEquals(2, a.deviceCount());
            assertTrue(a.reason().contains("emulator"), a.reason());
            assertTrue(a.details().stream().anyMatch(d -> d.contains("libkuaxin-emu-ascend.so")), a.details().toString());
        }
    }

    @Test
    void bogusExplicitLibraryIsUnavailableNamingThePath() {
        Availability a = withProperties(props("kuaxin.emulate", null, "kuaxin.ascend.library", "/nonexistent/libascendcl.so"),
                () -> new AscendProvider(Map.of("ASCEND_HOME_PATH", "/nonexistent/cann")).probe());
        assertFalse(a.available());
        assertEquals(0, a.score());
        assertTrue(a.reason().startsWith("libascendcl.so") && a.reason().contains("not found"), a.reason());
        assertTrue(a.reason().contains("/nonexistent/libascendcl.so"), a.reason());
        assertTrue(a.reason().contains("ASCEND_HOME_PATH=/nonexistent/cann"), a.reason());
        assertTrue(a.details().stream().anyMatch(d -> d.contains("/nonexistent/cann/lib64/libascendcl.so")),
                a.details().toString());
    }

    @Test
    void aLibraryWithoutTheSymbolsIsUnavailableNamingThem() {
        String other = Emulator.DIR.resolve("libkuaxin-emu-cambricon.so").toString();
        Availability a = withProperties(props("kuaxin.emulate", null, "kuaxin.ascend.library", other),
                () -> new AscendProvider(Map.of()).probe());
        assertFalse(a.available());
        assertTrue(a.reason().contains("lacks required symbols"), a.reason());
        assertTrue(a.reason().contains("aclInit") && a.reason().contains("aclnnMatmulGetWorkspaceSize"), a.reason());
    }

    @Test
    void missingEmulatorIsUnavailableSayingHowToBuildIt() {
        Availability a = withProperties(props("kuaxin.emulator.dir", "/nonexistent/emu"),
                () -> new AscendProvider(Map.of()).probe());
        assertFalse(a.available());
        assertTrue(a.reason().contains("/nonexistent/emu/libkuaxin-emu-ascend.so"), a.reason());
    }

    @Test
    void visibleDevicesMapOrdinalsToPhysicalIds() {
        try (AscendProvider p = new AscendProvider(Map.of("ASCEND_RT_VISIBLE_DEVICES", "1"))) {
            assertTrue(p.probe().available());
            try (var d = p.open(0)) {
                assertEquals("1", d.info().physicalId());
            }
        }
    }
}
