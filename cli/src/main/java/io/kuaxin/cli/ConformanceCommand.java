package io.kuaxin.cli;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.Catalog;
import io.kuaxin.conformance.ConformanceRunner;
import io.kuaxin.conformance.Status;
import io.kuaxin.conformance.SupportMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kuaxin conformance}: the TCK on one device, with a progress bar and the op x dtype support matrix. */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Run the conformance suite on a device against the fp64 oracle and print the support matrix",
                "(op x dtype: pass / fail / unsupported). A survey: refusals are listed as unsupported.",
                "Exit code 1 if any case fails or passes against a declaration (xpass); 2 if the device is missing",
                "or nothing ran."})
final class ConformanceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions device;

    @Option(names = "--json", description = "Print the matrix as JSON instead of a table.")
    boolean json;

    @Option(names = "--out", defaultValue = "kuaxin-bench-out", description = "Directory for <backend>.json (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "20261128", description = "Seed of the random cases.")
    long seed;

    @Option(names = "--seeds", paramLabel = "A..B",
            description = "Run the whole catalog once per seed from A to B inclusive (a long sweep); overrides --seed.")
    String seeds;

    @Override
    public Integer call() {
        PrintWriter pw = spec.commandLine().getOut();
        device.applyEmulation();
        String target = device.spec == null ? "cpu" : device.spec;
        String name = target.split("[:,]")[0];
        BackendTestConfig config = BackendTestConfig.forDevice(target).name(name).options(device.options()).seed(seed)
                .survey();
        long[] seedList;
        try {
            seedList = seeds == null ? new long[] {seed} : Catalog.seeds(seeds);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--seeds " + seeds + ": " + e.getMessage()
                    + " (write A..B, e.g. --seeds 1..32)");
        }
        Progress[] bar = new Progress[1];
        SupportMatrix m = ConformanceRunner.run(config, seedList, p -> {
            if (bar[0] == null) bar[0] = new Progress("conformance " + target, p.total());
            bar[0].update(p.done(), p.last().status() == Status.FAIL ? "FAIL " + p.last().testCase().id() : "");
        });
        Path file;
        try {
            file = m.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (json) {
            pw.println(m.toJson());
        } else {
            pw.println(m.toTable());
            pw.printf("%s (%s): %d pass, %d fail, %d unsupported, %d skipped, %d xfail, %d xpass%n", m.device(),
                    m.backend(), m.count(Status.PASS), m.count(Status.FAIL), m.count(Status.UNSUPPORTED),
                    m.count(Status.SKIPPED), m.count(Status.XFAIL), m.count(Status.XPASS));
            pw.println("Wrote " + file);
        }
        pw.flush();
        long ran = m.results().size() - m.count(Status.SKIPPED);
        if (ran == 0) {
            // a device that does not exist (or a run where nothing executed) must not look like a pass
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: no case ran on '" + target + "': " + (m.results().isEmpty() ? "the catalog is empty"
                    : m.results().getFirst().detail()) + ". Check the spec with 'kuaxin devices"
                    + (device.emulate != null ? " --emulate" : "") + "'.");
            err.flush();
            return 2;
        }
        return m.count(Status.FAIL) + m.count(Status.XPASS) > 0 ? 1 : 0;
    }
}
