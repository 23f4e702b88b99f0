package io.kuaxin.conformance;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.KuaxinException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs the suite without JUnit (for {@code kuaxin conformance}): opens the config's device, runs every case, and
 * returns the support matrix. Never throws for failing cases; a device that cannot be opened yields a matrix of
 * {@code skipped} cells with the reason.
 *
 * {@snippet :
 * SupportMatrix m = ConformanceRunner.run(BackendTestConfig.forDevice("cpu"),
 *         p -> System.out.printf("\r%d/%d", p.done(), p.total()));
 * System.out.println(m.toTable());
 * }
 */
public final class ConformanceRunner {
    /** After each case: how many are done, of how many, and the latest result. */
    public record Progress(int done, int total, Result last) {}

    private ConformanceRunner() {}

    /** Opens a runtime with the config's options and runs every case on its device. */
    public static SupportMatrix run(BackendTestConfig config, Consumer<Progress> progress) {
        return run(config, new long[] {config.seed()}, progress);
    }

    /**
     * The whole catalog once per seed (a long sweep; with more than one seed, ids end in {@code @seed<N>}).
     * A device that cannot be opened yields a matrix of {@code skipped} cells with the reason.
     */
    public static SupportMatrix run(BackendTestConfig config, long[] seeds, Consumer<Progress> progress) {
        List<Case> cases = new ArrayList<>();
        for (long seed : seeds) {
            for (Case c : Catalog.cases(seed)) {
                if (config.includes(c.id())) cases.add(seeds.length == 1 ? c : c.withIdSuffix("@seed" + seed));
            }
        }
        try (Kuaxin kx = Kuaxin.open(config.options())) {
            Device dev;
            try {
                dev = kx.device(config.deviceSpec());
            } catch (KuaxinException e) {
                return skipped(config, cases, e.getMessage());
            }
            return run(dev, config, cases, progress);
        }
    }

    /** Runs {@code cases} on an open device. */
    public static SupportMatrix run(Device dev, BackendTestConfig config, List<Case> cases, Consumer<Progress> progress) {
        CaseRunner runner = new CaseRunner(dev, config);
        List<Result> results = new ArrayList<>(cases.size());
        for (Case c : cases) {
            Result r = runner.run(c);
            results.add(r);
            if (progress != null) progress.accept(new Progress(results.size(), cases.size(), r));
        }
        return new SupportMatrix(config.name(), dev.id(), dev.info().name(), results);
    }

    static SupportMatrix skipped(BackendTestConfig config, List<Case> cases, String why) {
        List<Result> rs = new ArrayList<>();
        for (Case c : cases) rs.add(new Result(c, Status.SKIPPED, "no device: " + why, Double.NaN, Double.NaN, 0));
        return new SupportMatrix(config.name(), config.deviceSpec(), "no device: " + why, rs);
    }
}
