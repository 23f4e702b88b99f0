package io.kuaxin.cli;

import io.kuaxin.BackendStatus;
import io.kuaxin.Kuaxin;
import io.kuaxin.kernels.cpu.CpuKernels;
import io.kuaxin.kernels.cpu.FmaPeak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kuaxin doctor}: the JDK, the flags, the Vector API, and what every backend looked for and where. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Explain the setup: JDK, JVM flags, Vector API width, and what each backend looked for.")
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--gemm-check", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run fp32 matmuls of a few sizes on cpu to show whether Kuaxin's GEMM or OpenBLAS runs each "
                    + "(kuaxin.cpu.gemm=auto with OpenBLAS present), and measure one thread's FMA peak; about a second. Default: on.")
    boolean gemmCheck;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> report = new LinkedHashMap<>();
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("version", Runtime.version().toString());
        jvm.put("vendor", System.getProperty("java.vendor"));
        jvm.put("home", System.getProperty("java.home"));
        jvm.put("flags", ManagementFactory.getRuntimeMXBean().getInputArguments());
        jvm.put("processors", Runtime.getRuntime().availableProcessors());
        jvm.put("vectorApi", CpuKernels.vectorApi());
        jvm.put("nativeAccess", Main.class.getModule().isNativeAccessEnabled() ? "enabled" : "not enabled");
        report.put("jvm", jvm);
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String k : List.of("KUAXIN_DEVICES", "KUAXIN_EMULATE", "KUAXIN_EMULATOR_DIR")) {
            settings.put(k, System.getenv(k));
        }
        report.put("settings", settings);
        try (Kuaxin kx = Kuaxin.open()) {
            Map<String, Object> backends = new LinkedHashMap<>();
            for (BackendStatus st : kx.backends()) {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("available", st.available());
                b.put("reason", st.reason());
                b.put("details", st.details());
                if (st.visible() != null) {
                    b.put(st.visible().variable(), st.visible().value() == null ? "(unset: all devices, physical order)"
                            : st.visible().value() + " -> logical 0.. = physical " + st.visible().physicalIds());
                }
                backends.put(st.name(), b);
            }
            report.put("backends", backends);
            report.put("defaultDevice", DevicesCommand.describeBest(kx));
            if (gemmCheck) {
                report.put("cpuGemm", GemmCheck.run(kx));
                report.put("cpuFmaPeak", fmaPeak());
            }
        }
        if (json) {
            Json.print(out, report);
            return 0;
        }
        out.println("JDK        " + jvm.get("version") + " (" + jvm.get("vendor") + ") at " + jvm.get("home"));
        out.println("Flags      " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        out.println("Cores      " + jvm.get("processors"));
        out.println("Vector API " + jvm.get("vectorApi"));
        out.println("Native     " + jvm.get("nativeAccess"));
        settings.forEach((k, v) -> out.println(String.format("%-20s %s", k, v == null ? "(unset)" : v)));
        out.println();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> bs = (Map<String, Map<String, Object>>) report.get("backends");
        bs.forEach((name, b) -> {
            out.println(name + ": " + ((Boolean) b.get("available") ? "available" : "unavailable") + " - "
                    + b.get("reason"));
            b.forEach((k, v) -> {
                if (k.equals("details")) {
                    for (Object d : (List<?>) v) out.println("    " + d);
                } else if (!k.equals("available") && !k.equals("reason")) {
                    out.println("    " + k + "=" + v);
                }
            });
        });
        out.println();
        out.println("Default device: " + report.get("defaultDevice"));
        if (report.get("cpuFmaPeak") != null) {
            out.println();
            out.println("fp32 FMA peak on cpu, 1 thread (FmaPeak, the probe the benchmarks gate on): " + report.get("cpuFmaPeak"));
        }
        if (report.get("cpuGemm") instanceof Map<?, ?> gemm && !gemm.isEmpty()) {
            out.println();
            out.println("fp32 GEMM on cpu (which library runs each size; measured now, " + GemmCheck.CALLS + " calls each):");
            gemm.forEach((k, v) -> out.println(String.format("    %-22s %s", k, v)));
        }
        out.flush();
        return 0;
    }

    /** One thread's measured FMA ceiling, or why it cannot be measured (the probe needs the Vector API). */
    private static String fmaPeak() {
        try {
            return String.format(java.util.Locale.ROOT, "%.0f GFLOP/s", FmaPeak.measure(1, 200));
        } catch (LinkageError e) {
            return "unavailable (" + CpuKernels.vectorApi() + ")";
        }
    }
}
