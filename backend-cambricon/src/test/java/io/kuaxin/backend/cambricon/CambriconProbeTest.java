package io.kuaxin.backend.cambricon;

import io.kuaxin.spi.Availability;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CambriconProbeTest {
    static <T> T withProperties(Map<String, String> props, Supplier<T> body) {
        Map<String, String> saved = new HashMap<>();
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
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void emulatorIsAvailable() {
        CambriconProvider p = new CambriconProvider(Map.of());
        Availability a = p.probe();
        assertTrue(a.available(), a.reason());
        assertEquals(Availability.SCORE_EMULATOR, a.score());
        assertEquals(2, a.deviceCount());
        assertEquals("mlu", p.name());
        assertEquals("MLU_VISIBLE_DEVICES", p.visibleDevicesVariable());
        assertTrue(a.details().stream().anyMatch(d -> d.contains("libkuaxin-emu-cambricon.so")), a.details().toString());
    }

    @Test
    void bogusExplicitLibraryIsUnavailableNamingThePath() {
        Availability a = withProperties(props("kuaxin.emulate", null, "kuaxin.mlu.library", "/nonexistent/libcnrt.so"),
                () -> new CambriconProvider(Map.of("NEUWARE_HOME", "/nonexistent/neuware")).probe());
        assertFalse(a.available());
        assertTrue(a.reason().startsWith("libcnrt.so") && a.reason().contains("not found"), a.reason());
        assertTrue(a.reason().contains("KUAXIN_MLU_LIBRARY=/nonexistent/libcnrt.so"), a.reason());
        assertTrue(a.reason().contains("NEUWARE_HOME=/nonexistent/neuware"), a.reason());
        assertTrue(a.details().stream().anyMatch(d -> d.contains("/nonexistent/neuware/lib64/libcnrt.so")),
                a.details().toString());
    }

    @Test
    void aLibraryWithoutTheSymbolsIsUnavailableNamingThem() {
        String other = Emulator.DIR.resolve("libkuaxin-emu-ascend.so").toString();
        Availability a = withProperties(props("kuaxin.emulate", null, "kuaxin.mlu.library", other),
                () -> new CambriconProvider(Map.of()).probe());
        assertFalse(a.available());
        assertTrue(a.reason().contains("lacks required symbols"), a.reason());
        assertTrue(a.reason().contains("cnrtGetErrorStr") && a.reason().contains("cnnlMatMul_v2"), a.reason());
    }

    @Test
    void missingEmulatorIsUnavailable() {
        Availability a = withProperties(props("kuaxin.emulator.dir", "/nonexistent/emu"),
                () -> new CambriconProvider(Map.of()).probe());
        assertFalse(a.available());
        assertTrue(a.reason().contains("/nonexistent/emu/libkuaxin-emu-cambricon.so"), a.reason());
    }
}
