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
 * The conformance suite as JUnit 5 dynamic tests, one container per op. A backend module instantiates it once:
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
 * No device → the whole factory is skipped (an assumption), never passed. Unsupported and expected-failure cases
 * are reported as aborted (skipped) with their reason; an XPASS fails under {@code -Dconformance.verifyXfails=true}.
 * After the run the support matrix is written to {@code target/conformance/<name>.json}
 * ({@code -Dconformance.reportDir} to change).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceSuite {
    private final List<Result> results = Collections.synchronizedList(new ArrayList<>());
    private Kuaxin runtime;
    private BackendTestConfig config;
    private String skippedBecause;

    /** The backend under test. */
    protected abstract BackendTestConfig config();

    @TestFactory
    Stream<DynamicNode> conformance() {
        config = config();
        List<Case> cases = Catalog.cases(config.seed());
        Device dev;
        try {
            runtime = Kuaxin.open(config.options());
            dev = runtime.device(config.deviceSpec());
        } catch (KuaxinException e) {
            skippedBecause = e.getMessage();
            results.addAll(ConformanceRunner.skipped(config, cases, skippedBecause).results());
            Assumptions.abort("no device for '" + config.deviceSpec() + "': " + skippedBecause);
            return Stream.empty();
        }
        CaseRunner runner = new CaseRunner(dev, config);
        Map<String, List<DynamicNode>> byOp = new LinkedHashMap<>();
        for (Case c : cases) {
            byOp.computeIfAbsent(c.op().label(), k -> new ArrayList<>())
                    .add(DynamicTest.dynamicTest(c.id(), () -> check(runner.run(c))));
        }
        return byOp.entrySet().stream().map(e -> DynamicContainer.dynamicContainer(e.getKey(), e.getValue()));
    }

    private void check(Result r) {
        results.add(r);
        switch (r.status()) {
            case FAIL -> Assertions.fail(r.testCase().id() + ": " + r.detail());
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
                String dev = runtime != null && skippedBecause == null ? config.deviceSpec() : "none";
                List<Result> copy;
                synchronized (results) {
                    copy = new ArrayList<>(results);
                }
                SupportMatrix m = new SupportMatrix(config.name(), dev, skippedBecause == null ? "" : "no device: "
                        + skippedBecause, copy);
                m.write(Path.of(System.getProperty("conformance.reportDir", "target/conformance")));
            }
        } finally {
            if (runtime != null) runtime.close();
        }
    }
}
