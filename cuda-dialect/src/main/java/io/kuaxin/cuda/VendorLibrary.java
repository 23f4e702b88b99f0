package io.kuaxin.cuda;

import io.kuaxin.spi.ffm.NativeLibraryLocator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One vendor library of a dialect variant and where to look for it.
 *
 * @param role      what it provides
 * @param fileNames file names tried in order, e.g. {@code libcudart.so.12}, {@code libcudart.so}
 * @param roots     SDK roots tried in order (their {@code lib64}, {@code lib} and themselves); {@code ${VAR}} is
 *                  replaced by the environment variable, and a root naming an unset variable is skipped
 * @param required  whether the variant is unusable without it (the driver library only names devices)
 */
public record VendorLibrary(Role role, List<String> fileNames, List<String> roots, boolean required) {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

    public VendorLibrary {
        fileNames = List.copyOf(fileNames);
        roots = List.copyOf(roots);
    }

    /** What a library provides. */
    public enum Role {
        /** The runtime API ({@code cudaMalloc}, streams, events, error strings). */
        RUNTIME,
        /** The BLAS ({@code cublasGemmEx}). */
        BLAS,
        /** Device naming ({@code cuDeviceGetName}); may be the runtime library itself (HIP). */
        DRIVER;

        String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** A required library. */
    public static VendorLibrary of(Role role, List<String> fileNames, List<String> roots) {
        return new VendorLibrary(role, fileNames, roots, true);
    }

    /** An optional library. */
    public static VendorLibrary optional(Role role, List<String> fileNames, List<String> roots) {
        return new VendorLibrary(role, fileNames, roots, false);
    }

    /** The roots with variables expanded from {@code env}; roots naming unset variables are dropped. */
    public List<String> expandedRoots(Map<String, String> env) {
        List<String> out = new ArrayList<>();
        for (String r : roots) {
            Matcher m = VAR.matcher(r);
            StringBuilder sb = new StringBuilder();
            boolean ok = true;
            while (m.find()) {
                String v = env.get(m.group(1));
                if (v == null || v.isBlank()) {
                    ok = false;
                    break;
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(v));
            }
            if (!ok) continue;
            m.appendTail(sb);
            if (!out.contains(sb.toString())) out.add(sb.toString());
        }
        return out;
    }

    /** The locator request for this library of {@code backend}, emulated by {@code emulator}. */
    public NativeLibraryLocator.Request request(String backend, String emulator, Map<String, String> env) {
        return new NativeLibraryLocator.Request(backend, role.label(), fileNames, List.of(), expandedRoots(env),
                emulator);
    }
}
