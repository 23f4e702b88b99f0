package io.kuaxin.conformance;

import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
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
 * subclass whose constructor names its files.
 */
public abstract class ProbeContract {
    /**
     * The files and names discovery reports.
     *
     * @param file           the vendor runtime library's file name ({@code libascendcl.so})
     * @param homeVariable   the variable naming the vendor toolkit's root ({@code ASCEND_HOME_PATH}); the library is
     *                       looked for under its {@code lib64}
     * @param emulator       the emulator library
     * @param foreign        a library that loads but lacks this backend's symbols (another vendor's emulator)
     * @param missingSymbols symbols the backend requires that {@code foreign} lacks; the reason must name them
     */
    public record Library(String file, String homeVariable, Path emulator, Path foreign, List<String> missingSymbols) {}

    private final Function<Map<String, String>, BackendProvider> providers;
    private final Library lib;

    /**
     * @param providers a new provider reading the given environment
     * @param library   the files and names discovery reports
     */
    protected ProbeContract(Function<Map<String, String>, BackendProvider> providers, Library library) {
        this.providers = providers;
        this.lib = library;
    }

    /** Devices the emulator shows. */
    protected int emulatedDevices() { return 2; }

    private BackendProvider provider(Map<String, String> env) { return providers.apply(env); }

    private String emulatorFile() { return lib.emulator().getFileName().toString(); }

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
        String path = "/nonexistent/" + lib.file();
        Availability a = probe(props("kuaxin.emulate", null, "kuaxin." + name() + ".library", path),
                Map.of(lib.homeVariable(), "/nonexistent/sdk"));
        assertFalse(a.available());
        assertEquals(0, a.score());
        assertTrue(a.reason().startsWith(lib.file()) && a.reason().contains("not found"), a.reason());
        assertTrue(a.reason().contains("KUAXIN_" + name().toUpperCase(Locale.ROOT) + "_LIBRARY=" + path), a.reason());
        assertTrue(a.reason().contains(lib.homeVariable() + "=/nonexistent/sdk"), a.reason());
        assertTrue(a.details().stream().anyMatch(d -> d.contains("/nonexistent/sdk/lib64/" + lib.file())),
                a.details().toString());
    }

    @Test
    void aLibraryWithoutTheSymbolsIsUnavailableNamingThem() {
        Availability a = probe(props("kuaxin.emulate", null, "kuaxin." + name() + ".library",
                lib.foreign().toString()), Map.of());
        assertFalse(a.available());
        assertTrue(a.reason().contains("lacks required symbol"), a.reason());
        for (String s : lib.missingSymbols()) assertTrue(a.reason().contains(s), a.reason());
    }

    @Test
    void aMissingEmulatorIsUnavailableNamingWhereItWasLookedFor() {
        Availability a = probe(props("kuaxin.emulator.dir", "/nonexistent/emu"), Map.of());
        assertFalse(a.available());
        assertTrue(a.reason().contains("/nonexistent/emu/" + emulatorFile()), a.reason());
    }
}
