package io.kuaxin.kernels.cpu;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every hot CPU kernel compiles at tier 3 (C1 with profiling). A method C1 bails out on can stay on tier-2 code for
 * good (tier 2 keeps no profile, so C2 is never asked): an 8×8×8 GEMM ran 47× slower when its edge tile did. The
 * child JVM stops at tier 3 and compiles early and in the foreground, so each kernel's C1 compile happens, and is
 * reported, deterministically. Fails before the edge tile and the 16×16 transpose were split: both reported
 * "out of virtual registers".
 */
class TierThreeCompileTest {

    @Test
    void everyHotKernelCompilesAtTierThree() throws IOException, InterruptedException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=3", "-Xbatch", "-XX:Tier3InvocationThreshold=20",
                "-XX:Tier3MinInvocationThreshold=20", "-XX:Tier3CompileThreshold=40", "-XX:Tier3BackEdgeThreshold=2000",
                "-XX:+PrintCompilation", "-Dkuaxin.cpu.threads=1",
                "-cp", System.getProperty("java.class.path"), TierThreeWorkload.class.getName(), "60");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "workload finished");
        assertEquals(0, p.exitValue(), () -> "workload exit code; output tail:\n" + tail(out));
        assertTrue(out.contains("workload done"), () -> tail(out));
        List<String> skipped = out.lines()
                .filter(l -> l.contains("COMPILE SKIPPED") && l.contains("io.kuaxin."))
                .filter(l -> !l.contains("concurrent class loading"))
                .toList();
        assertTrue(skipped.isEmpty(), () -> "C1 gave up on:\n" + String.join("\n", skipped));
        assertTrue(out.lines().anyMatch(l -> l.contains("io.kuaxin.kernels.cpu.CpuGemm")),
                "the workload's kernels were compiled at all (PrintCompilation output seen)");
    }

    private static String tail(String s) { return s.length() <= 4000 ? s : s.substring(s.length() - 4000); }
}
