package io.kuaxin.conformance;

import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a backend that binds a vendor library reports discovery: its emulator is found and scored as one, and a
 * library it cannot use (a path that does not exist, a library lacking its symbols, a missing emulator) makes it
 * unavailable with a reason that names what was tried, so a user can fix the installation. The library is chosen
 * with {@code -Dkuaxin.<backend>.library}, the emulator with {@code -Dkuaxin.emulate} and
 * {@code -Dkuaxin.emulator.dir}; the suite sets and restores those properties. A backend module runs it with one
 * subclass naming its files.
 */
public abstract class ProbeContract {
    /** A new provider that reads {@code env} as its environment. */
    protected abstract BackendProvider provider(Map<String, String> env);

    /** The vendor runtime library's file name ({@code libascendcl.so}). */
    protected abstract String libraryFile();

    /** The variable naming the vendor toolkit's root ({@code ASCEND_HOME_PATH}); the library is under its lib64. */
    protected abstract String homeVariable();

    /** The emulator's file name ({@code libkuaxin-emu-ascend.so}). */
    protected abstract String emulatorFile();

    /** A library that loads but lacks this backend's symbols (another vendor's emulator). */
    protected abstract Path foreignLibrary();

    /** Symbols the backend requires that {@link #foreignLibrary()} lacks; the reason must name them. */
    protected abstract List<String> missingSymbols();

    /** Devices the emulator shows. */
    protected int emulatedDevices() { return 2; }

    private String name() {
        try (BackendProvider p = provider(Map.of())) {
            return p.name();
        }
    }

    /** Runs {@code body} with system properties replaced (null removes), restoring them afterwards. */
    protected static <T> T withProperties(Map<String, String> props, Supplier<T> body) {
        Map<String, String> saved = new HashMap<>();
        for (String k : props.keySet()) saved.put(k, System.getProperty(k));
        try {
            props.forEach(ProbeContract::set);
            return body.get();
        } finally {
            saved.forEach(ProbeContract::set);
        }
    }

    private static void set(String k, String v) {
        if (v == null) System.clearProperty(k);
        else System.setProperty(k, v);
    }

    private static Map<String, String> props(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    private Availability probe(Map<String, String> props, Map<String, String> env) {
        return withProperties(props, () -> {
            try (BackendProvider p = provider(env)) {
                return p.probe();
            }
        });
    }

    @Test
    void theEmulatorIsAvailableScoredAsOneAndNamed() {
        try (BackendProvider p = provider(Map.of())) {
            Availability a = p.probe();
            assertTrue(a.available(), a.reason());
            assertEquals(Availability.SCORE_EMULATOR, a.score());
            assertEquals(emulatedDevices(), a.deviceCount());
            assertTrue(a.reason().contains("emulator"), a.reason());
            assertTrue(a.details().stream().anyMatch(d -> d.contains(emulatorFile())), a.details().toString());
        }
    }

    @Test
    void aBogusExplicitLibraryIsUnavailableNamingThePathAndTheToolkitRoot() {
        String lib = "/nonexistent/" + libraryFile();
        Availability a = probe(props("kuaxin.emulate", null, "kuaxin." + name() + ".library", lib),
                Map.of(homeVariable(), "/nonexistent/sdk"));
        assertFalse(a.available());
        assertEquals(0, a.score());
        assertTrue(a.reason().startsWith(libraryFile()) && a.reason().contains("not found"), a.reason());
        assertTrue(a.reason().contains("KUAXIN_" + name().toUpperCase(Locale.ROOT) + "_LIBRARY=" + lib), a.reason());
        assertTrue(a.reason().contains(homeVariable() + "=/nonexistent/sdk"), a.reason());
        assertTrue(a.details().stream().anyMatch(d -> d.contains("/nonexistent/sdk/lib64/" + libraryFile())),
                a.details().toString());
    }

    @Test
    void aLibraryWithoutTheSymbolsIsUnavailableNamingThem() {
        Availability a = probe(props("kuaxin.emulate", null, "kuaxin." + name() + ".library",
                foreignLibrary().toString()), Map.of());
        assertFalse(a.available());
        assertTrue(a.reason().contains("lacks required symbol"), a.reason());
        for (String s : missingSymbols()) assertTrue(a.reason().contains(s), a.reason());
    }

    @Test
    void aMissingEmulatorIsUnavailableNamingWhereItWasLookedFor() {
        Availability a = probe(props("kuaxin.emulator.dir", "/nonexistent/emu"), Map.of());
        assertFalse(a.available());
        assertTrue(a.reason().contains("/nonexistent/emu/" + emulatorFile()), a.reason());
    }
}
