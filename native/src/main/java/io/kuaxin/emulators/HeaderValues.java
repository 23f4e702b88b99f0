package io.kuaxin.emulators;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads enum numbers from the header subsets in {@code native/include} the way a C compiler sees them: it writes a
 * small C program that includes the headers and prints each name's value, compiles it with {@code $CC} (default
 * {@code gcc}, which building the emulators needs anyway) and runs it. Tests compare the numbers a Java binding
 * passes with these, so a value copied wrongly into Java fails the build; a name the headers do not define fails
 * the compile, and the compiler's message names it.
 *
 * <p>For tests only. Stateless and thread-safe; each call uses its own temporary directory.
 */
public final class HeaderValues {
    private HeaderValues() {}

    /**
     * The {@code native/include} directory: the {@code kuaxin.native.include} property, else {@code ../native/include}
     * or {@code native/include} under the working directory (Maven runs a module's tests in the module).
     *
     * @throws IllegalStateException if none exists
     */
    public static Path includeDir() {
        String p = System.getProperty("kuaxin.native.include");
        List<Path> tried = new ArrayList<>();
        if (p != null) tried.add(Path.of(p));
        Path cwd = Path.of("").toAbsolutePath();
        tried.add(cwd.resolve("../native/include").normalize());
        tried.add(cwd.resolve("native/include"));
        for (Path t : tried) if (Files.isRegularFile(t.resolve("kx_subset.h"))) return t;
        throw new IllegalStateException("native/include not found; tried " + tried
                + " (set -Dkuaxin.native.include=<dir>)");
    }

    /**
     * The value of every name after including {@code headers} (paths relative to {@link #includeDir()}).
     *
     * @throws IllegalStateException with the compiler's message if a name is not defined, or if no compiler runs
     */
    public static Map<String, Long> read(List<String> headers, Collection<String> names) {
        Path inc = includeDir();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("kx-header-values");
            StringBuilder c = new StringBuilder("#include <stdio.h>\n");
            for (String h : headers) c.append("#include \"").append(h).append("\"\n");
            c.append("int main(void) {\n");
            for (String n : names) {
                if (!n.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("not a C name: " + n);
                c.append("    printf(\"%s %lld\\n\", \"").append(n).append("\", (long long)(").append(n).append("));\n");
            }
            c.append("    return 0;\n}\n");
            Path src = dir.resolve("values.c"), exe = dir.resolve("values");
            Files.writeString(src, c);
            String cc = System.getenv().getOrDefault("CC", "gcc");
            run(List.of(cc, "-std=gnu11", "-w", "-I" + inc, "-o", exe.toString(), src.toString()), "compiling " + headers);
            Map<String, Long> out = new LinkedHashMap<>();
            for (String line : run(List.of(exe.toString()), "running the value printer").split("\n")) {
                if (line.isBlank()) continue;
                String[] f = line.trim().split(" ");
                out.put(f[0], Long.parseLong(f[1]));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("reading " + headers + ": " + e.getMessage(), e);
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    /**
     * Every entry of {@code expected} whose number differs from the headers', as {@code name: java X, header Y}.
     *
     * @throws IllegalStateException as {@link #read} does
     */
    public static List<String> mismatches(List<String> headers, Map<String, ? extends Number> expected) {
        Map<String, Long> got = read(headers, expected.keySet());
        List<String> bad = new ArrayList<>();
        expected.forEach((n, v) -> {
            Long h = got.get(n);
            if (h == null || h != v.longValue()) bad.add(n + ": java " + v + ", header " + h);
        });
        return bad;
    }

    /**
     * Checks that every number a binding passes equals the headers' value for its name, for a test's table of
     * {@code enumerator -> bound Java value}. All differences are reported at once, so one run lists every wrong copy.
     *
     * @throws AssertionError listing each {@code name: java X, header Y} that differs (a test failure, not an error)
     * @throws IllegalStateException as {@link #read} does, e.g. when a name is not in the headers
     */
    public static void assertBound(List<String> headers, Map<String, ? extends Number> bound) {
        List<String> bad = mismatches(headers, bound);
        if (!bad.isEmpty()) throw new AssertionError("bound values differ from " + headers + ": " + bad);
    }

    private static String run(List<String> cmd, String what) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + ": timed out");
            }
            if (p.exitValue() != 0) throw new IllegalStateException(what + " failed (" + cmd.getFirst() + "):\n" + out);
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException(what + ": interrupted", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
