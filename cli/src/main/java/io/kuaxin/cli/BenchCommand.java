package io.kuaxin.cli;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.kernels.cpu.FmaPeak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code kuaxin bench}: quick benchmarks for users, with a table, JSON and a chart. JMH ({@code benchmarks/}) stays
 * the rigorous path; these take medians of a few timed runs after a warm-up, waiting for the device after each.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Quick benchmarks: matmul, attention, copy, dispatch or model, on one or more devices.",
                "Writes <kind>.json and <kind>.png (value against size per device, with the measured CPU FMA peak)."})
final class BenchCommand implements Callable<Integer> {
    enum Kind { matmul, attention, copy, dispatch, model }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KIND", description = "One of: ${COMPLETION-CANDIDATES}.")
    Kind kind;

    @Mixin
    DeviceOptions device;

    @Option(names = "--dtype", defaultValue = "f32", description = "Element type for matmul/attention (default ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--sizes", split = ",", paramLabel = "N",
            description = "Sizes: n for matmul, sequence length for attention/model, MiB for copy.")
    List<Long> sizes;

    @Option(names = "--out", defaultValue = "kuaxin-bench-out", description = "Directory for JSON and PNG (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--json", description = "Print the JSON to stdout instead of the table.")
    boolean json;

    /** Draws the PNG; a test swaps in one that fails the way a headless server without fonts does. */
    BenchChart.Renderer chart = BenchChart::write;

    @Override
    public Integer call() {
        PrintWriter pw = spec.commandLine().getOut();
        device.applyEmulation();
        DType dt = DType.parse(dtype);
        try (Kuaxin kx = Kuaxin.open(device.options())) {
            List<Device> devices = new ArrayList<>();
            if (device.spec == null) {
                devices.add(kx.best());
            } else {
                for (String s : device.spec.split(",")) devices.add(kx.device(s.trim()));
            }
            BenchSuite suite = new BenchSuite(kind, dt, sizes);
            Progress progress = new Progress("bench " + kind, devices.size() * suite.sizes().size());
            Map<String, List<BenchSuite.Point>> results = new LinkedHashMap<>();
            for (Device d : devices) results.put(d.id(), suite.run(d, progress));
            double peak = suite.hasPeak() ? FmaPeak.measure(threads(), 500) : 0;
            write(pw, suite, devices, results, peak);
        }
        return 0;
    }

    private static int threads() {
        return Integer.getInteger("kuaxin.cpu.threads", Runtime.getRuntime().availableProcessors());
    }

    private void write(PrintWriter pw, BenchSuite suite, List<Device> devices, Map<String, List<BenchSuite.Point>> res,
                       double peak) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("kind", kind.name());
        doc.put("dtype", suite.dtype().label());
        doc.put("unit", suite.unit());
        doc.put("devices", devices.stream().map(d -> Map.of("id", d.id(), "name", d.info().name(),
                "emulated", d.info().emulated())).toList());
        doc.put("cpuThreads", threads());
        if (peak > 0) doc.put("cpuFmaPeakGflops", peak);
        doc.put("jdk", Runtime.version().toString());
        doc.put("results", res);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        String base = kind.name() + (suite.usesDtype() ? "-" + suite.dtype().label() : "");
        Path jsonFile = out.resolve(base + ".json"), png = out.resolve(base + ".png");
        try {
            Files.writeString(jsonFile, new com.fasterxml.jackson.databind.ObjectMapper()
                    .writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + jsonFile, e);
        }
        // Table and JSON come first: a chart that cannot be drawn must not cost the measurements.
        if (json) {
            Json.print(pw, doc);
        } else {
            table(pw, suite, res, peak);
            if (peak > 0) pw.printf("CPU FMA peak (measured now, %d threads): %.1f GFLOP/s%n", threads(), peak);
            pw.println("Wrote " + jsonFile);
        }
        pw.flush();
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        res.forEach((dev, pts) -> series.put(dev, pts.stream().map(p -> new double[] {p.size(), p.value()}).toList()));
        String failure = BenchChart.tryWrite(chart, png, suite.title(), suite.sizeLabel(), suite.unit(), series, peak,
                String.format("measured FMA peak, %d thread(s): %.0f GFLOP/s", threads(), peak));
        PrintWriter msg = json ? spec.commandLine().getErr() : pw;
        if (failure == null) {
            msg.println("Wrote " + png);
        } else {
            msg.println("warning: chart " + png + " not drawn: " + failure + " (the table and " + jsonFile
                    + " hold every figure)");
        }
        msg.flush();
    }

    /**
     * One row per point; the percentage of the measured FMA peak only where it is at most 100: a figure above the
     * probe means the probe under-measured this machine, and is said so instead of printed as a percentage.
     */
    private static void table(PrintWriter pw, BenchSuite suite, Map<String, List<BenchSuite.Point>> res, double peak) {
        Table t = new Table("DEVICE", suite.sizeLabel().toUpperCase(java.util.Locale.ROOT), "MEDIAN MS",
                suite.unit().toUpperCase(java.util.Locale.ROOT), peak > 0 ? "% OF PEAK" : "");
        List<String> above = new ArrayList<>();
        res.forEach((dev, pts) -> {
            for (BenchSuite.Point p : pts) {
                t.row(dev, p.size(), String.format("%.3f", p.millis()), String.format("%.1f", p.value()),
                        percentOfPeak(p.value(), peak));
                if (peak > 0 && p.value() > peak) above.add(dev + " " + suite.sizeLabel() + "=" + p.size());
            }
        });
        t.print(pw);
        if (!above.isEmpty()) {
            pw.printf("warning: %s measured above the FMA probe's %.1f GFLOP/s: the probe under-measured this "
                    + "machine, so no percentage is shown there%n", String.join(", ", above), peak);
        }
    }

    /** "87%", or "above probe" where the figure exceeds the probe, or "" without a probe. Never above 100%. */
    static String percentOfPeak(double value, double peak) {
        if (!(peak > 0)) return "";
        if (value > peak) return "above probe";
        return String.format("%.0f%%", 100 * value / peak);
    }
}
