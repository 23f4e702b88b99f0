package io.kuaxin.backend.cambricon;

import io.kuaxin.spi.ffm.NativeLibraryLocator;
import io.kuaxin.spi.ffm.NativeLibraryLocator.Request;
import io.kuaxin.spi.ffm.NativeLibraryLocator.Result;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the Neuware libraries Kuaxin binds live: {@code libcnrt.so} (runtime) and {@code libcnnl.so} (ops), under
 * {@code NEUWARE_HOME} or {@code /usr/local/neuware} ({@code lib64}, {@code lib}). With emulation on, both resolve
 * to {@code libkuaxin-emu-cambricon.so}.
 *
 * @param cnrt     the runtime library, or null
 * @param cnnl     the op library, or null
 * @param emulated whether these are Kuaxin's emulator
 * @param searched every path tried
 * @param missing  the file names not found
 */
record CambriconLibraries(Path cnrt, Path cnnl, boolean emulated, List<String> searched, List<String> missing) {
    static final String BACKEND = "mlu";
    static final List<String> ROOT_VARS = List.of("NEUWARE_HOME");
    static final List<String> DEFAULT_ROOTS = List.of("/usr/local/neuware");

    static CambriconLibraries locate(Map<String, String> env) {
        List<String> searched = new ArrayList<>(), missing = new ArrayList<>();
        Result rt = find("runtime", "libcnrt.so", env, searched, missing);
        Result nn = find("ops", "libcnnl.so", env, searched, missing);
        return new CambriconLibraries(rt.path().orElse(null), nn.path().orElse(null), rt.emulated(), searched,
                missing);
    }

    private static Result find(String role, String name, Map<String, String> env, List<String> searched,
                               List<String> missing) {
        Result r = NativeLibraryLocator.locate(new Request(BACKEND, role, List.of(name), ROOT_VARS, DEFAULT_ROOTS,
                "cambricon"), env);
        for (String s : r.searched()) searched.add(name + ": " + s);
        if (r.path().isEmpty()) missing.add(name);
        return r;
    }

    boolean found() { return missing.isEmpty(); }

    String notFoundReason(Map<String, String> env) {
        StringBuilder sb = new StringBuilder(String.join(", ", missing)).append(" not found");
        if (emulated) {
            return sb.append(" (emulation requested; looked for libkuaxin-emu-cambricon.so in ")
                    .append(searched.isEmpty() ? "nothing" : searched.getFirst().replaceFirst("^[^:]*: ", ""))
                    .append("; build it with `make -C native all` or set kuaxin.emulator.dir)").toString();
        }
        List<String> where = new ArrayList<>();
        String explicit = NativeLibraryLocator.setting("kuaxin.mlu.library", "KUAXIN_MLU_LIBRARY", env);
        if (explicit != null && !explicit.isBlank()) where.add("KUAXIN_MLU_LIBRARY=" + explicit);
        for (String v : ROOT_VARS) where.add(v + "=" + (env.get(v) == null ? "(unset)" : env.get(v)));
        where.addAll(DEFAULT_ROOTS);
        where.add("LD_LIBRARY_PATH");
        return sb.append(" in ").append(String.join(", ", where))
                .append(" (lib64, lib); install Neuware (CNToolkit + CNNL), or set KUAXIN_EMULATE=mlu").toString();
    }
}
