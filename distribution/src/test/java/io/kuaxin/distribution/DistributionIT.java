package io.kuaxin.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacks the CLI tarball into an empty folder outside the source tree and runs it as a user would: no Maven on
 * the PATH, nothing from the build on the class path, only the JDK the launcher finds itself.
 */
class DistributionIT {

    @TempDir static Path empty;
    static Path home;
    /** A PATH with only the shell tools the launcher uses: no Maven, no java. */
    static Path tools;

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("kuaxin.dist.tarball"));
        assertTrue(Files.isRegularFile(tarball), "no tarball at " + tarball);
        tools = Files.createDirectory(empty.resolve("tools"));
        for (String tool : List.of("bash", "dirname", "readlink", "sed", "head", "tar", "gzip")) {
            Path real = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable)
                    .findFirst().orElseThrow(() -> new AssertionError("no " + tool + " in /usr/bin or /bin"));
            Files.copy(real, tools.resolve(tool), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        Run untar = run(empty, List.of("/bin/sh", "-c", "tar xzf \"$0\"", tarball.toString()), 120);
        assertEquals(0, untar.exit, untar.output);
        home = empty.resolve(System.getProperty("kuaxin.dist.dir"));
    }

    @Test
    void layoutHasLauncherJarsEmulatorsAndLicense() throws IOException {
        Path launcher = home.resolve("bin/kuaxin");
        assertTrue(Files.getPosixFilePermissions(launcher).contains(PosixFilePermission.OWNER_EXECUTE),
                "bin/kuaxin is not executable");
        String version = System.getProperty("kuaxin.version");
        for (String f : List.of("lib/kuaxin-launcher.sh", "lib/kuaxin-cli-" + version + ".jar",
                "lib/kuaxin-native-" + version + ".jar", "lib/kuaxin-runtime-api-" + version + ".jar",
                "LICENSE", "NOTICE", "THIRD-PARTY.txt", "README.txt", "CHANGELOG.md")) {
            assertTrue(Files.isRegularFile(home.resolve(f)), "missing " + f);
        }
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).toList();
            for (String backend : List.of("ascend", "cambricon", "nvidia", "iluvatar", "hygon", "moorethreads",
                    "biren", "cpu-reference")) {
                assertTrue(names.contains("kuaxin-backend-" + backend + "-" + version + ".jar"),
                        "lib/ lacks the " + backend + " backend: " + names);
            }
            String thirdParty = Files.readString(home.resolve("THIRD-PARTY.txt"));
            for (String jar : names) {
                if (jar.startsWith("kuaxin-") || !jar.endsWith(".jar")) {
                    continue;
                }
                String artifactId = jar.replaceFirst("-[0-9].*?(-linux-x86_64)?\\.jar$", "");
                assertTrue(thirdParty.contains(":" + artifactId), "THIRD-PARTY.txt does not name " + jar);
            }
            assertTrue(names.stream().noneMatch(n -> n.contains("junit-platform-engine") || n.contains("jupiter-engine")),
                    "test engines leaked into lib/: " + names);
        }
    }

    @Test
    void devicesListsTheCpu() throws Exception {
        Run r = kuaxin(List.of("devices"));
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("cpu:0"), r.output);
    }

    @Test
    void emulatorsInsideTheDistributionLoad() throws Exception {
        Run r = kuaxin(List.of("devices", "--emulate", "--json"));
        assertEquals(0, r.exit, r.output);
        for (String spec : List.of("ascend:0", "mlu:0", "cuda:0", "musa:0")) {
            assertTrue(r.output.contains(spec), "no emulated " + spec + " in:\n" + r.output);
        }
    }

    @Test
    void conformanceOnTheCpuPasses() throws Exception {
        Run r = kuaxin(List.of("conformance", "--device", "cpu"));
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.matches("(?s).*cpu:0 \\([^)]*\\): [1-9][0-9]* pass, 0 fail.*"), r.output);
    }

    /** Runs bin/kuaxin from a folder outside the source tree, with a PATH that holds no Maven. */
    private static Run kuaxin(List<String> args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(home.resolve("bin/kuaxin").toString());
        cmd.addAll(args);
        return run(empty, cmd, 300);
    }

    private static Run run(Path dir, List<String> cmd, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("MAVEN") || k.startsWith("KUAXIN") || k.equals("CLASSPATH"));
        env.put("PATH", tools.toString());
        Path log = Files.createTempFile(empty, "run", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " ran past " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        return new Run(p.exitValue(), String.join(" ", cmd) + "\n" + Files.readString(log));
    }

    private record Run(int exit, String output) {}
}
