package io.kuaxin.conformance;

import io.kuaxin.Device;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.KuaxinException;
import io.kuaxin.Ops;
import io.kuaxin.emulators.EmulatorControl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reliability in figures, per backend: {@value #BAD_INPUTS} generated bad-input cases ({@link BadInputs}) and, on
 * an emulator, at least {@value #FAULTS} injected vendor faults ({@link FaultCampaign}). A backend module runs it
 * with one subclass giving the same {@link BackendTestConfig} its conformance test uses and, for an emulated
 * backend, the emulator library's file name:
 *
 * {@snippet :
 * class MluReliabilityTest extends ReliabilitySuite {
 *     protected BackendTestConfig config() { return BackendTestConfig.forDevice("mlu:0"); }
 *     protected String emulatorLibrary() { return "libkuaxin-emu-cambricon.so"; }
 * }
 * }
 * Each test prints one {@code RELIABILITY <backend> ...} line with its counts (in the Surefire output) and writes
 * them to {@code target/conformance/<name>-reliability.txt}. {@code -Dreliability.badInputs} and
 * {@code -Dreliability.faults} change the counts; {@code -Dconformance.seed} the generator's seed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ReliabilitySuite {
    static final int BAD_INPUTS = 10_000;
    static final int FAULTS = 1_000;
    private final List<String> lines = new ArrayList<>();
    private BackendTestConfig config;

    /** The backend under test: the config its conformance test uses. */
    protected abstract BackendTestConfig config();

    /**
     * The emulator's file name in {@code -Dkuaxin.emulator.dir} (e.g. {@code libkuaxin-emu-cuda.so}), or null for a
     * backend without one: the fault campaign is then skipped.
     */
    protected String emulatorLibrary() { return null; }

    private BackendTestConfig cfg() {
        if (config == null) config = config();
        return config;
    }

    private Device open(Kuaxin kx) {
        try {
            return kx.device(cfg().deviceSpec());
        } catch (KuaxinException e) {
            Assumptions.abort("no device for '" + cfg().deviceSpec() + "': " + e.getMessage());
            return null;
        }
    }

    @Test
    void badInputEndsInTypedExceptionsAndLeavesTheDeviceUsable() {
        int n = Integer.getInteger("reliability.badInputs", BAD_INPUTS);
        try (Kuaxin kx = Kuaxin.open(cfg().options()); Kuaxin second = Kuaxin.open(cfg().options())) {
            Device dev = open(kx);
            Device other = second.device(cfg().deviceSpec());
            long t0 = System.nanoTime();
            BadInputs.Tally t = new BadInputs(dev, other, Ops.withFallback(FallbackPolicy.FAIL), cfg().seed()).run(n);
            String line = String.format("RELIABILITY %s bad-input: %d cases (%d refused with a typed exception, %d let"
                            + " through and checked), %d failures, %d allocator checkpoints, %.1f s; refused by %s;"
                            + " kinds %s", cfg().name(), t.total(), t.refused, t.computed, t.failures.size(), t.checks,
                    (System.nanoTime() - t0) / 1e9, t.refusedBy, t.kinds);
            report(line);
            Assertions.assertTrue(t.failures.isEmpty(), () -> String.join("\n", t.failures));
            Assertions.assertTrue(t.total() >= n, line);
        }
    }

    @Test
    void injectedVendorFaultsEndTypedAndLeakNothing() {
        String lib = emulatorLibrary();
        Assumptions.assumeTrue(lib != null, "no emulator: no vendor faults to inject");
        int n = Integer.getInteger("reliability.faults", FAULTS);
        Path file = Path.of(System.getProperty("kuaxin.emulator.dir", "../native/target/classes/native/linux-x86_64"))
                .resolve(lib);
        try (Kuaxin kx = Kuaxin.open(cfg().options())) {
            Device dev = open(kx);
            EmulatorControl emu = new EmulatorControl(file);
            long t0 = System.nanoTime();
            FaultCampaign.Tally t;
            try {
                t = new FaultCampaign(dev, emu).run(n);
            } finally {
                emu.clearFaults();
            }
            String line = String.format("RELIABILITY %s faults: %d fired of %d injected (%d synchronous, %d"
                            + " asynchronous) into %d entry points; %d ended in a typed exception (%d of them at a later"
                            + " synchronize), %d absorbed (a teardown logged it, or the out-of-memory retry succeeded), %d failures, %d frees/destroys that left their"
                            + " object, %.1f s; ended by %s; absorbed at %s; entry points %s", cfg().name(), t.fired,
                    t.attempts, t.sync, t.async, t.entryPoints.size(), t.typed, t.surfacedAtSync, t.absorbed,
                    t.failures.size(), t.releaseFaults, (System.nanoTime() - t0) / 1e9, t.endedBy, t.absorbedAt,
                    t.entryPoints);
            report(line);
            Assertions.assertTrue(t.failures.isEmpty(), () -> String.join("\n", t.failures));
            Assertions.assertTrue(t.fired >= n, line);
        }
    }

    private void report(String line) {
        System.out.println(line);
        lines.add(line);
    }

    @AfterAll
    void write() throws IOException {
        if (lines.isEmpty()) return;
        Path dir = Path.of(System.getProperty("conformance.reportDir", "target/conformance"));
        Files.createDirectories(dir);
        Files.write(dir.resolve(cfg().name() + "-reliability.txt"), lines);
    }
}
