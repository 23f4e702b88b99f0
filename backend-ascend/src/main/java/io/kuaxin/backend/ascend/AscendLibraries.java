package io.kuaxin.backend.ascend;

import io.kuaxin.spi.ffm.NativeLibraryLocator;
import io.kuaxin.spi.ffm.NativeLibraryLocator.Request;
import io.kuaxin.spi.ffm.NativeLibraryLocator.Result;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the three CANN libraries Kuaxin binds live: {@code libascendcl.so} (runtime), {@code libnnopbase.so}
 * (aclTensor and executor API) and {@code libopapi.so} (aclnn ops). With emulation on, all three resolve to
 * {@code libkuaxin-emu-ascend.so}, which exports every symbol.
 *
 * @param runtime  the runtime library, if found
 * @param nnopbase the tensor/executor library, if found
 * @param opapi    the op library, if found
 * @param emulated whether these are Kuaxin's emulator
 * @param searched every path tried, for probe details
 * @param missing  the roles not found, e.g. {@code libopapi.so}; empty when all were found
 */
record AscendLibraries(Path runtime, Path nnopbase, Path opapi, boolean emulated, List<String> searched,
                       List<String> missing) {
    static final String BACKEND = "ascend";
    /** SDK roots, in the order CANN's set_env.sh and other projects (ggml-cann, InfiniCore) use them. */
    static final List<String> ROOT_VARS = List.of("ASCEND_HOME_PATH", "ASCEND_TOOLKIT_HOME", "ASCEND_HOME");
    static final List<String> DEFAULT_ROOTS = List.of("/usr/local/Ascend/ascend-toolkit/latest");

    static AscendLibraries locate(Map<String, String> env) {
        List<String> searched = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Result rt = find("runtime", "libascendcl.so", env, searched, missing);
        Result nn = find("nnopbase", "libnnopbase.so", env, searched, missing);
        Result op = find("opapi", "libopapi.so", env, searched, missing);
        return new AscendLibraries(rt.path().orElse(null), nn.path().orElse(null), op.path().orElse(null),
                rt.emulated(), searched, missing);
    }

    private static Result find(String role, String name, Map<String, String> env, List<String> searched,
                               List<String> missing) {
        Result r = NativeLibraryLocator.locate(new Request(BACKEND, role, List.of(name), ROOT_VARS, DEFAULT_ROOTS,
                "ascend"), env);
        for (String s : r.searched()) searched.add(name + ": " + s);
        if (r.path().isEmpty()) missing.add(name);
        return r;
    }

    boolean found() { return missing.isEmpty(); }

    /** One line saying where the libraries were looked for, for an unavailable reason. */
    String notFoundReason(Map<String, String> env) {
        StringBuilder sb = new StringBuilder(String.join(", ", missing)).append(" not found");
        if (emulated) {
            sb.append(" (emulation requested; looked for libkuaxin-emu-ascend.so in ")
                    .append(searched.isEmpty() ? "nothing" : searched.getFirst().replaceFirst("^[^:]*: ", ""))
                    .append("; build it with `make -C native all` or set kuaxin.emulator.dir)");
            return sb.toString();
        }
        List<String> where = new ArrayList<>();
        String explicit = NativeLibraryLocator.setting("kuaxin.ascend.library", "KUAXIN_ASCEND_LIBRARY", env);
        if (explicit != null && !explicit.isBlank()) where.add("KUAXIN_ASCEND_LIBRARY=" + explicit);
        for (String v : ROOT_VARS) where.add(v + "=" + (env.get(v) == null ? "(unset)" : env.get(v)));
        where.addAll(DEFAULT_ROOTS);
        where.add("LD_LIBRARY_PATH");
        sb.append(" in ").append(String.join(", ", where))
                .append(" (lib64, lib); install CANN and source set_env.sh, or set KUAXIN_EMULATE=ascend");
        return sb.toString();
    }
}
