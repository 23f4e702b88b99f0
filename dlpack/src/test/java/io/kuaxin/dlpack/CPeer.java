package io.kuaxin.dlpack;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/** The C test peer in src/test/c, compiled with gcc into target/ once per JVM and loaded for the tests. */
final class CPeer {
    private static SymbolLookup lookup;

    private CPeer() {}

    static synchronized MethodHandle fn(String name, FunctionDescriptor fd) {
        if (lookup == null) lookup = SymbolLookup.libraryLookup(compile(), Arena.global());
        return Linker.nativeLinker().downcallHandle(lookup.find(name).orElseThrow(), fd);
    }

    private static Path compile() {
        Path src = Path.of("src/test/c/dlpack_peer.c");
        Path out = Path.of("target/test-native/libdlpack_peer.so").toAbsolutePath();
        try {
            Files.createDirectories(out.getParent());
            Process p = new ProcessBuilder("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-o",
                    out.toString(), src.toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IllegalStateException("gcc failed:\n" + log);
        } catch (IOException e) {
            throw new IllegalStateException("the DLPack tests compile a C peer and need gcc on the PATH", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }
}
