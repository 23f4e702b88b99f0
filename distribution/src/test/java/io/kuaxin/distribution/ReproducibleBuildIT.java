package io.kuaxin.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Reproducible builds, checked: copies the source tree to another folder, builds the published modules there a
 * second time (tests skipped, same JDK, Maven and local repository) and requires every file it stages to be byte-identical to what
 * this build staged. A different folder also catches absolute paths that leak into an artifact.
 * {@code -Dkuaxin.rebuild.modules} chooses the modules (default: a subset with every kind of artifact, see the
 * pom; {@code '!distribution,!benchmarks'} is every published module);
 * {@code -Dkuaxin.rebuild.skip} skips the check.
 */
class ReproducibleBuildIT {

    @Test
    void aSecondBuildStagesByteIdenticalArtifacts() throws Exception {
        assumeTrue(Boolean.getBoolean("kuaxin.release.checks"),
                "the release-checks profile is off (it is on in CI; -Prelease-checks turns it on)");
        assumeFalse(Boolean.getBoolean("kuaxin.rebuild.skip"), "kuaxin.rebuild.skip is set");
        Path root = Path.of(System.getProperty("kuaxin.root"));
        Path first = Path.of(System.getProperty("kuaxin.staging.repository"));
        Path work = Path.of(System.getProperty("kuaxin.rebuild.dir"));
        Path copy = work.resolve("second-build");
        deleteTree(copy);
        copySources(root, copy);

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString(),
                "-B", "-ntp", "-Prelease-checks", "-DskipTests", "-Dkuaxin.native.skipTests=true",
                "-Drevision=" + System.getProperty("kuaxin.version"),
                "-Dmaven.repo.local=" + System.getProperty("kuaxin.local.repository"),
                "-pl", System.getProperty("kuaxin.rebuild.modules"), "-am", "verify"));
        Path log = work.resolve("second-build.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(copy.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.remove("MAVEN_ARGS");
        env.put("JAVA_HOME", System.getProperty("kuaxin.maven.java.home"));
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the second build ran past 20 minutes; its log: " + log);
        }
        assertTrue(p.exitValue() == 0, "the second build failed (" + String.join(" ", cmd) + "):\n" + tail(log));

        Map<String, String> second = hashes(copy.resolve("target/staging-repository"));
        Map<String, String> firstHashes = hashes(first);
        assertTrue(second.size() > 0, "the second build staged nothing");
        List<String> differ = new ArrayList<>();
        second.forEach((file, hash) -> {
            String other = firstHashes.get(file);
            if (other == null) {
                differ.add(file + ": staged by the second build only");
            } else if (!other.equals(hash)) {
                differ.add(file + ": differs (compare the two with diffoscope: " + first.resolve(file) + " and "
                        + copy.resolve("target/staging-repository").resolve(file) + ")");
            }
        });
        assertTrue(differ.isEmpty(), "not reproducible:\n" + String.join("\n", differ));
        System.out.printf("Reproducible: %d staged files byte-identical across two builds in different folders%n",
                second.size());
    }

    /** The tree without build outputs or VCS data: what a fresh clone holds, plus uncommitted edits. */
    private static void copySources(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String name = dir.getFileName().toString();
                if (!dir.equals(from) && (name.equals("target") || name.equals(".git") || name.equals(".idea"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** SHA-256 of every artifact, keyed by path; SNAPSHOT timestamps normalised, repository metadata left out. */
    private static Map<String, String> hashes(Path repo) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(repo)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith("maven-metadata") || name.endsWith(".md5") || name.endsWith(".sha1")) {
                    continue;
                }
                String key = repo.relativize(f).toString().replaceAll("\\d{8}\\.\\d{6}-\\d+", "SNAPSHOT");
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                try (InputStream in = Files.newInputStream(f)) {
                    sha.update(in.readAllBytes());
                }
                out.put(key, HexFormat.of().formatHex(sha.digest()));
            }
        }
        return out;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
