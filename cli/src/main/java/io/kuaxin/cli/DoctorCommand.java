package io.kuaxin.cli;

import io.kuaxin.BackendStatus;
import io.kuaxin.Kuaxin;
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
                    + "(kuaxin.cpu.gemm=auto with OpenBLAS present; about a second). Default: on.")
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
        jvm.put("vectorApi", vectorApi());
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
            if (gemmCheck) report.put("cpuGemm", GemmCheck.run(kx));
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
        if (report.get("cpuGemm") instanceof Map<?, ?> gemm && !gemm.isEmpty()) {
            out.println();
            out.println("fp32 GEMM on cpu (which library runs each size; measured now, " + GemmCheck.CALLS + " calls each):");
            gemm.forEach((k, v) -> out.println(String.format("    %-22s %s", k, v)));
        }
        out.flush();
        return 0;
    }

    /** The preferred vector width, read reflectively so a JVM without the incubator module still runs doctor. */
    private static String vectorApi() {
        try {
            Class<?> fv = Class.forName("jdk.incubator.vector.FloatVector");
            Object species = fv.getField("SPECIES_PREFERRED").get(null);
            int bits = (int) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("vectorBitSize").invoke(species);
            return bits + "-bit (" + (bits / 32) + " floats per vector)";
        } catch (ReflectiveOperationException | LinkageError e) {
            return "unavailable (add --add-modules=jdk.incubator.vector): " + e.getClass().getSimpleName();
        }
    }
}
