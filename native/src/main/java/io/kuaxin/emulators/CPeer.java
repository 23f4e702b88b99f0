package io.kuaxin.emulators;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A C test peer: one C source, compiled with {@code gcc} (or {@code $CC}) into a shared library and loaded, so a
 * test can check a Java binding of a C ABI (Arrow C Data, DLPack) against an independent C implementation. The
 * library stays loaded for the life of the process. Thread-safe.
 */
public final class CPeer {
    private final Path library;
    private final SymbolLookup lookup;

    private CPeer(Path library) {
        this.library = library;
        this.lookup = SymbolLookup.libraryLookup(library, Arena.global());
    }

    /**
     * Compiles {@code source} (warnings are errors) into {@code target/test-native/lib<name>.so}, where
     * {@code <name>} is the source's file name without {@code .c}, and loads it.
     *
     * @throws IllegalStateException if the compiler is missing or rejects the source
     */
    public static CPeer compile(Path source) {
        String name = source.getFileName().toString().replaceFirst("\\.c$", "");
        Path out = Path.of("target", "test-native", "lib" + name + ".so").toAbsolutePath();
        String cc = System.getenv().getOrDefault("CC", "gcc");
        try {
            Files.createDirectories(out.getParent());
            Process p = new ProcessBuilder(List.of(cc, "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-o",
                    out.toString(), source.toString())).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IllegalStateException(cc + " failed on " + source + ":\n" + log);
        } catch (IOException e) {
            throw new IllegalStateException("compiling the C test peer " + source + " needs " + cc + " on the PATH", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new CPeer(out);
    }

    /** The loaded library file. */
    public Path library() { return library; }

    /**
     * A downcall handle for the peer's function {@code name}.
     *
     * @throws IllegalArgumentException if the library has no such symbol
     */
    public MethodHandle fn(String name, FunctionDescriptor fd) {
        return Linker.nativeLinker().downcallHandle(lookup.find(name).orElseThrow(() -> new IllegalArgumentException(
                library + " has no symbol " + name)), fd);
    }
}
