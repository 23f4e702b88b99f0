package io.kuaxin.conformance;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.KuaxinException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The conformance suite as JUnit 5 dynamic tests, one container per op, and a seed sweep, one container per seed.
 * A backend module instantiates it once:
 *
 * {@snippet :
 * class AscendConformanceTest extends ConformanceSuite {
 *     @Override
 *     protected BackendTestConfig config() {
 *         return BackendTestConfig.forDevice("ascend:0")
 *                 .unsupported("attention/f16/*mask*", "aclnnFlashAttentionScore has no additive mask, #123");
 *     }
 * }
 * }
 * A device that cannot be opened fails the suite when the config {@linkplain BackendTestConfig#requiresDevice()
 * requires it} (the CPU, any emulator) and is skipped (an assumption) otherwise, never passed. A refusal nobody
 * declared fails, and so does an XPASS (a declaration the device outgrew); declared-unsupported and
 * expected-failure cases are reported as aborted (skipped) with their reason.
 *
 * <p>The sweep runs {@link Catalog#sweep} for the seeds of {@code -Dconformance.sweepSeeds} (default
 * {@code 1..32}; {@code none} turns it off). After the run the support matrices are written to
 * {@code target/conformance/<name>.json} and {@code <name>-sweep.json} ({@code -Dconformance.reportDir} to change).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceSuite {
    private final List<Result> results = Collections.synchronizedList(new ArrayList<>());
    private final List<Result> sweepResults = Collections.synchronizedList(new ArrayList<>());
    private Kuaxin runtime;
    private Device device;
    private BackendTestConfig config;
    private String skippedBecause;

    /** The backend under test. */
    protected abstract BackendTestConfig config();

    @TestFactory
    Stream<DynamicNode> conformance() {
        if (!open()) return Stream.empty();
        return byContainer(Catalog.cases(config.seed()), c -> c.op().label(), results, true);
    }

    @TestFactory
    Stream<DynamicNode> seedSweep() {
        String spec = System.getProperty("conformance.sweepSeeds", "1..32");
        if (spec.isBlank() || spec.equals("none")) return Stream.empty();
        if (!open()) return Stream.empty();
        List<Case> cases = new ArrayList<>();
        for (long seed : Catalog.seeds(spec)) cases.addAll(Catalog.sweep(seed));
        return byContainer(cases, c -> c.id().substring(c.id().lastIndexOf('@') + 1), sweepResults, false);
    }

    private Stream<DynamicNode> byContainer(List<Case> cases, java.util.function.Function<Case, String> key,
                                            List<Result> sink, boolean checkFallback) {
        CaseRunner runner = new CaseRunner(device, config, checkFallback);
        Map<String, List<DynamicNode>> groups = new LinkedHashMap<>();
        for (Case c : cases) {
            if (!config.includes(c.id())) continue;
            groups.computeIfAbsent(key.apply(c), k -> new ArrayList<>())
                    .add(DynamicTest.dynamicTest(c.id(), () -> check(runner.run(c), sink)));
        }
        if (groups.isEmpty()) Assertions.fail("no case of the catalog matches the config's include patterns");
        return groups.entrySet().stream().map(e -> DynamicContainer.dynamicContainer(e.getKey(), e.getValue()));
    }

    /** Opens the device once; false (after failing or aborting) when there is none. */
    private boolean open() {
        if (config == null) {
            config = config();
            try {
                runtime = Kuaxin.open(config.options());
                device = runtime.device(config.deviceSpec());
            } catch (KuaxinException e) {
                skippedBecause = e.getMessage();
            }
        }
        if (skippedBecause == null) return true;
        String msg = "no device for '" + config.deviceSpec() + "': " + skippedBecause;
        if (config.requiresDevice()) Assertions.fail(msg + " (this run requires it: the CPU and every emulator must be there)");
        Assumptions.abort(msg);
        return false;
    }

    private static void check(Result r, List<Result> sink) {
        sink.add(r);
        switch (r.status()) {
            case FAIL, XPASS -> Assertions.fail(r.testCase().id() + ": " + r.status().label() + ": " + r.detail());
            case UNSUPPORTED -> Assumptions.abort("unsupported: " + r.detail());
            case XFAIL -> Assumptions.abort("expected failure: " + r.detail());
            case SKIPPED -> Assumptions.abort(r.detail());
            default -> { }
        }
    }

    @AfterAll
    void writeMatrix() throws IOException {
        try {
            if (config != null) {
                Path dir = Path.of(System.getProperty("conformance.reportDir", "target/conformance"));
                String dev = device != null ? config.deviceSpec() : "none";
                String note = skippedBecause == null ? "" : "no device: " + skippedBecause;
                List<Result> copy;
                synchronized (results) {
                    copy = new ArrayList<>(results);
                }
                if (!copy.isEmpty() || skippedBecause != null) new SupportMatrix(config.name(), dev, note, copy).write(dir);
                synchronized (sweepResults) {
                    copy = new ArrayList<>(sweepResults);
                }
                if (!copy.isEmpty()) new SupportMatrix(config.name() + "-sweep", dev, note, copy).write(dir);
            }
        } finally {
            if (runtime != null) runtime.close();
        }
    }
}
