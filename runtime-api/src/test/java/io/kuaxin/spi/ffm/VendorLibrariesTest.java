package io.kuaxin.spi.ffm;

import io.kuaxin.BackendUnavailableException;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.DeviceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Locating libraries and the probe template, with a made-up vendor "acme" whose files tests place or withhold. */
class VendorLibrariesTest {
    private static final VendorLibraries.Sdk SDK = new VendorLibraries.Sdk("acme", "acme", List.of("ACME_HOME"),
            List.of("/nonexistent/acme-sdk"), "install the Acme SDK");
    private static final VendorLibraries.Library RT = new VendorLibraries.Library("runtime", "libacmert.so");
    private static final VendorLibraries.Library OPS = new VendorLibraries.Library("ops", "libacmeops.so");

    @Test
    void aMissingLibraryIsNamedWithEveryPlaceLookedAndHowToGetIt(@TempDir Path home) {
        VendorLibraries libs = VendorLibraries.locate(SDK, Map.of("ACME_HOME", home.toString()), RT, OPS);
        assertFalse(libs.found());
        assertEquals(List.of("libacmert.so", "libacmeops.so"), libs.missing());
        assertNull(libs.path("runtime"));
        String why = libs.notFoundReason(Map.of("ACME_HOME", home.toString()));
        assertTrue(why.startsWith("libacmert.so, libacmeops.so not found in ACME_HOME=" + home), why);
        assertTrue(why.contains("/nonexistent/acme-sdk") && why.contains("install the Acme SDK")
                && why.endsWith("KUAXIN_EMULATE=acme"), why);
        assertTrue(libs.searched().contains("libacmert.so: " + home.resolve("lib64/libacmert.so")),
                libs.searched()::toString);
    }

    @Test
    void librariesAreFoundPerRoleUnderTheSdkRoot(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("lib64"));
        Path rt = Files.createFile(home.resolve("lib64/libacmert.so"));
        VendorLibraries libs = VendorLibraries.locate(SDK, Map.of("ACME_HOME", home.toString()), RT, OPS);
        assertEquals(rt, libs.path("runtime"));
        assertEquals(rt, libs.first());
        assertEquals(List.of("libacmeops.so"), libs.missing(), "the other role is still missing");
        // an empty file is no library: loading fails with IllegalArgumentException, which the probe reports
        assertThrows(IllegalArgumentException.class, () -> libs.lookup("runtime"));
    }

    @Test
    void aMissingEmulatorSaysHowToBuildIt(@TempDir Path empty) {
        Map<String, String> env = Map.of("KUAXIN_EMULATE", "acme", "KUAXIN_EMULATOR_DIR", empty.toString());
        if (System.getProperty("kuaxin.emulate") != null || System.getProperty("kuaxin.emulator.dir") != null) return;
        VendorLibraries libs = VendorLibraries.locate(SDK, env, RT);
        assertTrue(libs.emulated());
        String why = libs.notFoundReason(env);
        assertTrue(why.contains("libkuaxin-emu-acme.so in " + empty.resolve("libkuaxin-emu-acme.so"))
                && why.contains("make -C native all"), why);
    }

    /** A provider whose steps are scripted, to check the template's reasons. */
    private static final class Acme extends FfmBackendProvider<String> {
        final VendorLibraries libs;
        final RuntimeException bindFailure;
        final int devices;
        int opened;

        Acme(VendorLibraries libs, RuntimeException bindFailure, int devices, Map<String, String> env) {
            super(env);
            this.libs = libs;
            this.bindFailure = bindFailure;
            this.devices = devices;
        }

        @Override public String name() { return "acme"; }
        @Override public String vendor() { return "Acme"; }
        @Override public String visibleDevicesVariable() { return "ACME_VISIBLE_DEVICES"; }
        @Override protected VendorLibraries locate() { return libs; }
        @Override protected String runtimeName() { return "AcmeRT"; }

        @Override
        protected String bind(VendorLibraries l) {
            if (bindFailure != null) throw bindFailure;
            return "symbols";
        }

        @Override
        protected void describe(String symbols, VendorLibraries l, List<String> details) { details.add("bound"); }

        @Override
        protected int countDevices(String symbols) {
            if (devices == -2) throw new Unavailable("AcmeRT reports no devices (acmeErrorNoDevice)");
            if (devices == -3) throw new IllegalStateException("driver gone");
            return devices;
        }

        @Override
        protected DeviceBackend open(String symbols, int ordinal, String physicalId) {
            opened++;
            assertEquals("symbols", symbols);
            assertEquals(ordinal == 0 ? "3" : "5", physicalId);
            return null;
        }
    }

    private static VendorLibraries found(Path home) throws Exception {
        Files.createDirectories(home.resolve("lib"));
        Files.createFile(home.resolve("lib/libacmert.so"));
        return VendorLibraries.locate(SDK, Map.of("ACME_HOME", home.toString()), RT);
    }

    @Test
    void theProbeTemplateReportsEachStepsFailure(@TempDir Path home) throws Exception {
        VendorLibraries none = VendorLibraries.locate(SDK, Map.of(), RT);
        Availability a = new Acme(none, null, 1, Map.of()).probe();
        assertFalse(a.available());
        assertTrue(a.reason().startsWith("libacmert.so not found"), a.reason());
        assertEquals(none.searched(), a.details());

        VendorLibraries libs = found(home);
        a = new Acme(libs, new SymbolBinder.MissingSymbolsException("libacmert.so", List.of("acmeMalloc")), 1,
                Map.of()).probe();
        assertEquals("libacmert.so lacks required symbol acmeMalloc (wrong SDK version, or not the vendor's library?)",
                a.reason());
        assertEquals(List.of("runtime: " + libs.first()), a.details());

        a = new Acme(libs, new IllegalArgumentException("not an ELF"), 1, Map.of()).probe();
        assertEquals("cannot load " + libs.first() + ": not an ELF", a.reason());
        assertEquals("AcmeRT reports no devices (acmeErrorNoDevice)", new Acme(libs, null, -2, Map.of()).probe().reason());
        assertEquals("AcmeRT failed during probe: driver gone", new Acme(libs, null, -3, Map.of()).probe().reason());
        assertEquals("AcmeRT reports no devices (ACME_VISIBLE_DEVICES=)",
                new Acme(libs, null, 0, Map.of("ACME_VISIBLE_DEVICES", "")).probe().reason());
        Acme unavailable = new Acme(libs, null, 0, Map.of());
        assertThrows(BackendUnavailableException.class, () -> unavailable.open(0));
    }

    @Test
    void aSuccessfulProbeOpensDevicesByTheirVisibleIds(@TempDir Path home) throws Exception {
        VendorLibraries libs = found(home);
        Acme p = new Acme(libs, null, 2, Map.of("ACME_VISIBLE_DEVICES", "3,5"));
        Availability a = p.probe();
        assertTrue(a.available(), a::reason);
        assertEquals(2, a.deviceCount());
        assertEquals(Availability.SCORE_ACCELERATOR, a.score());
        assertEquals("2 device(s) via " + libs.first(), a.reason());
        assertEquals(List.of("runtime: " + libs.first(), "bound"), a.details());
        p.open(0);
        p.open(1);
        assertEquals(2, p.opened);
    }
}
