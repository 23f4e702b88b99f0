package io.kuaxin.spi.ffm;

import io.kuaxin.spi.ffm.NativeLibraryLocator.Request;
import io.kuaxin.spi.ffm.NativeLibraryLocator.Result;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vendor libraries one backend binds, found through {@link NativeLibraryLocator}, and their symbol lookups.
 * With emulation on, every library resolves to the backend's emulator, which exports all their symbols.
 *
 * <p>Libraries are loaded into the global arena and never unloaded: vendor runtimes keep threads and exit handlers,
 * so unloading them while the process runs is not safe (as with {@link System#loadLibrary}). A file is loaded once
 * per process, however many backends or roles name it.
 *
 * @param sdk      where the backend's SDK lives
 * @param paths    each role's library, in the order asked for; roles not found are absent
 * @param emulated whether these are Kuaxin's emulator
 * @param searched every path tried, prefixed by the file name looked for
 * @param missing  the file names not found; empty when all were found
 */
public record VendorLibraries(Sdk sdk, Map<String, Path> paths, boolean emulated, List<String> searched,
                              List<String> missing) {
    private static final Map<Path, SymbolLookup> LOADED = new ConcurrentHashMap<>();

    public VendorLibraries {
        paths = Collections.unmodifiableMap(new LinkedHashMap<>(paths));
        searched = List.copyOf(searched);
        missing = List.copyOf(missing);
    }

    /**
     * Where a backend's SDK lives.
     *
     * @param backend      the backend name, for {@code kuaxin.emulate} and {@code kuaxin.<backend>.library}
     * @param emulator     the emulator's name: {@code libkuaxin-emu-<emulator>.so}
     * @param rootVars     environment variables naming SDK roots, in the order the vendor's own scripts use them
     * @param defaultRoots install directories tried after the variables
     * @param installHint  what a user does to get the SDK, e.g. {@code install CANN and source set_env.sh}
     */
    public record Sdk(String backend, String emulator, List<String> rootVars, List<String> defaultRoots,
                      String installHint) {
        public Sdk {
            rootVars = List.copyOf(rootVars);
            defaultRoots = List.copyOf(defaultRoots);
        }
    }

    /**
     * One library a backend binds.
     *
     * @param role     what it provides, e.g. {@code runtime}; names it in probe details
     * @param fileName the file looked for, e.g. {@code libascendcl.so}
     */
    public record Library(String role, String fileName) {}

    /** Looks for every library of {@code sdk}; never throws for a missing one. */
    public static VendorLibraries locate(Sdk sdk, Map<String, String> env, Library... libraries) {
        Map<String, Path> paths = new LinkedHashMap<>();
        List<String> searched = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        boolean emulated = false;
        for (Library l : libraries) {
            Result r = NativeLibraryLocator.locate(new Request(sdk.backend(), l.role(), List.of(l.fileName()),
                    sdk.rootVars(), sdk.defaultRoots(), sdk.emulator()), env);
            for (String s : r.searched()) searched.add(l.fileName() + ": " + s);
            emulated |= r.emulated();
            r.path().ifPresentOrElse(p -> paths.put(l.role(), p), () -> missing.add(l.fileName()));
        }
        return new VendorLibraries(sdk, paths, emulated, searched, missing);
    }

    /** Whether every library was found. */
    public boolean found() { return missing.isEmpty(); }

    /** The library of {@code role}, or {@code null} if it was not found. */
    public Path path(String role) { return paths.get(role); }

    /** The first library asked for (the runtime, by convention), or {@code null}. */
    public Path first() { return paths.isEmpty() ? null : paths.values().iterator().next(); }

    /**
     * The symbols of {@code role}'s library, loading it on first use.
     *
     * @throws IllegalArgumentException if the file is not a loadable library
     * @throws NullPointerException     if {@code role} was not found
     */
    public SymbolLookup lookup(String role) { return load(paths.get(role)); }

    /**
     * The symbols of the library at {@code path}, loaded once per process into the global arena.
     *
     * @throws IllegalArgumentException if the file is not a loadable library
     */
    public static SymbolLookup load(Path path) {
        return LOADED.computeIfAbsent(path, p -> SymbolLookup.libraryLookup(p, Arena.global()));
    }

    /** One line saying what was not found and where it was looked for, for an unavailable reason. */
    public String notFoundReason(Map<String, String> env) {
        StringBuilder sb = new StringBuilder(String.join(", ", missing)).append(" not found");
        if (emulated) {
            return sb.append(" (emulation requested; looked for libkuaxin-emu-").append(sdk.emulator())
                    .append(".so in ")
                    .append(searched.isEmpty() ? "nothing" : searched.getFirst().replaceFirst("^[^:]*: ", ""))
                    .append("; build it with `make -C native all` or set kuaxin.emulator.dir)").toString();
        }
        String upper = sdk.backend().toUpperCase(Locale.ROOT);
        List<String> where = new ArrayList<>();
        String explicit = NativeLibraryLocator.setting("kuaxin." + sdk.backend() + ".library",
                "KUAXIN_" + upper + "_LIBRARY", env);
        if (explicit != null && !explicit.isBlank()) where.add("KUAXIN_" + upper + "_LIBRARY=" + explicit);
        for (String v : sdk.rootVars()) where.add(v + "=" + (env.get(v) == null ? "(unset)" : env.get(v)));
        where.addAll(sdk.defaultRoots());
        where.add("LD_LIBRARY_PATH");
        return sb.append(" in ").append(String.join(", ", where)).append(" (lib64, lib); ")
                .append(sdk.installHint()).append(", or set KUAXIN_EMULATE=").append(sdk.backend()).toString();
    }
}
