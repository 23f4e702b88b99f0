package io.kuaxin.spi.ffm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a vendor library, or Kuaxin's emulator of it when emulation is switched on for the backend.
 *
 * <p>Settings, each a system property or the environment variable in brackets:
 * <ul>
 *   <li>{@code kuaxin.emulate} ({@code KUAXIN_EMULATE}): {@code all} or a comma list of backend names whose vendor
 *       library is replaced by the emulator from {@code io.kuaxin:kuaxin-native}. This is the one setting that
 *       switches a backend between emulator and vendor library.</li>
 *   <li>{@code kuaxin.<backend>.library} ({@code KUAXIN_<BACKEND>_LIBRARY}): an explicit path to the vendor library,
 *       for SDKs installed in unusual places.</li>
 *   <li>{@code kuaxin.emulator.dir} ({@code KUAXIN_EMULATOR_DIR}): a directory holding the emulator libraries; by
 *       default they are extracted from the class path once per process.</li>
 * </ul>
 * Otherwise each library name is tried under the roots given by the backend's SDK variables and default install
 * paths (in {@code lib64}, {@code lib} and the root itself), then through the system loader's path.
 *
 * <p>Thread-safe; never throws for a missing library: the result lists everything that was tried.
 */
public final class NativeLibraryLocator {
    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();

    private NativeLibraryLocator() {}

    /**
     * What to look for.
     *
     * @param backend      backend name, for settings and messages
     * @param role         what the library is, e.g. {@code runtime} or {@code blas}
     * @param names        file names to try in order, e.g. {@code libcudart.so}, {@code libcudart.so.12}
     * @param rootVars     environment variables naming SDK roots, e.g. {@code CUDA_HOME}
     * @param defaultRoots install directories tried after the variables
     * @param emulator     the emulator's name: {@code libkuaxin-emu-<emulator>.so}
     */
    public record Request(String backend, String role, List<String> names, List<String> rootVars,
                          List<String> defaultRoots, String emulator) {
        public Request {
            names = List.copyOf(names);
            rootVars = List.copyOf(rootVars);
            defaultRoots = List.copyOf(defaultRoots);
        }
    }

    /**
     * The outcome.
     *
     * @param path     the library found, if any
     * @param emulated whether it is Kuaxin's emulator
     * @param searched every place tried, for reasons and {@code kuaxin doctor}
     */
    public record Result(Optional<Path> path, boolean emulated, List<String> searched) {
        public String describe() {
            return path.map(p -> (emulated ? "emulator " : "") + p).orElse("not found");
        }
    }

    /** Whether {@code backend} is set to use its emulator. */
    public static boolean emulationRequested(String backend, Map<String, String> env) {
        String v = setting("kuaxin.emulate", "KUAXIN_EMULATE", env);
        if (v == null || v.isBlank()) return false;
        for (String s : v.split(",")) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (t.equals("all") || t.equals(backend)) return true;
        }
        return false;
    }

    /** Looks for the library as described in the class comment, reading the process environment. */
    public static Result locate(Request r) { return locate(r, System.getenv()); }

    /** As {@link #locate(Request)} with the given environment. */
    public static Result locate(Request r, Map<String, String> env) {
        List<String> searched = new ArrayList<>();
        if (emulationRequested(r.backend(), env)) {
            return locateEmulator(r.emulator(), env, searched);
        }
        String explicit = setting("kuaxin." + r.backend() + ".library",
                "KUAXIN_" + r.backend().toUpperCase(Locale.ROOT) + "_LIBRARY", env);
        if (explicit != null && !explicit.isBlank()) {
            // one explicit path per role, separated by the path separator, or one path serving every role
            for (String p : explicit.split(java.io.File.pathSeparator)) {
                Path path = Path.of(p.trim());
                searched.add(path.toString());
                if (Files.isRegularFile(path) && matches(path, r.names())) {
                    return new Result(Optional.of(path), false, searched);
                }
            }
            String[] parts = explicit.split(java.io.File.pathSeparator);
            if (parts.length == 1 && Files.isRegularFile(Path.of(parts[0].trim()))) {
                return new Result(Optional.of(Path.of(parts[0].trim())), false, searched);
            }
        }
        List<String> roots = new ArrayList<>();
        for (String var : r.rootVars()) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) roots.add(v);
        }
        roots.addAll(r.defaultRoots());
        for (String root : roots) {
            for (String sub : List.of("lib64", "lib", "")) {
                for (String name : r.names()) {
                    Path p = sub.isEmpty() ? Path.of(root, name) : Path.of(root, sub, name);
                    searched.add(p.toString());
                    if (Files.isRegularFile(p)) return new Result(Optional.of(p), false, searched);
                }
            }
        }
        String ld = env.getOrDefault("LD_LIBRARY_PATH", "");
        for (String dir : ld.split(":")) {
            if (dir.isBlank()) continue;
            for (String name : r.names()) {
                Path p = Path.of(dir, name);
                searched.add(p.toString());
                if (Files.isRegularFile(p)) return new Result(Optional.of(p), false, searched);
            }
        }
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib")) {
            for (String name : r.names()) {
                Path p = Path.of(dir, name);
                searched.add(p.toString());
                if (Files.isRegularFile(p)) return new Result(Optional.of(p), false, searched);
            }
        }
        return new Result(Optional.empty(), false, searched);
    }

    private static boolean matches(Path p, List<String> names) {
        String f = p.getFileName().toString();
        return names.stream().anyMatch(n -> f.startsWith(n.replaceAll("\\.so.*$", "")));
    }

    private static Result locateEmulator(String emulator, Map<String, String> env, List<String> searched) {
        String file = "libkuaxin-emu-" + emulator + ".so";
        String dir = setting("kuaxin.emulator.dir", "KUAXIN_EMULATOR_DIR", env);
        if (dir != null && !dir.isBlank()) {
            Path p = Path.of(dir, file);
            searched.add(p.toString());
            return new Result(Files.isRegularFile(p) ? Optional.of(p) : Optional.empty(), true, searched);
        }
        String resource = "/native/linux-x86_64/" + file;
        searched.add("classpath:" + resource);
        try {
            Path p = EXTRACTED.computeIfAbsent(file, f -> extract(resource, f));
            return new Result(Optional.ofNullable(p), true, searched);
        } catch (UncheckedIOException e) {
            searched.add("extraction failed: " + e.getCause().getMessage());
            return new Result(Optional.empty(), true, searched);
        }
    }

    private static Path extract(String resource, String file) {
        // Through a class loader, not Class.getResourceAsStream: on the module path that would look only inside this
        // module. 'native/...' is no package name, so the emulator module does not encapsulate it.
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) cl = NativeLibraryLocator.class.getClassLoader();
        try (InputStream in = cl.getResourceAsStream(resource.substring(1))) {
            if (in == null) return null;
            Path dir = Files.createTempDirectory("kuaxin-emu");
            Path out = dir.resolve(file);
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            out.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A system property, else the environment variable. */
    public static String setting(String property, String variable, Map<String, String> env) {
        String v = System.getProperty(property);
        return v != null ? v : env.get(variable);
    }
}
