package io.kuaxin.conformance;

import io.kuaxin.Kuaxin;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How one backend runs the suite (IREE CTS's {@code backends.cc}): the device to open, the runtime options, and
 * the cases it declares unsupported or expected to fail, each with a reason. Patterns are globs over case ids such
 * as {@code matmul/bf16/*} ({@code *} matches anything, {@code ?} one character).
 *
 * <ul>
 * <li>unsupported: the device must refuse the case ({@code UnsupportedOpException} under
 *     {@link io.kuaxin.FallbackPolicy#FAIL}) and run it correctly on the fallback under ALLOW; a declared case the
 *     device runs anyway fails (the declaration is stale).</li>
 * <li>expected failure: the case runs; a failure is reported as {@code xfail}, a pass as {@code xpass}, which fails
 *     under {@code -Dconformance.verifyXfails=true}.</li>
 * </ul>
 * Immutable.
 */
public final class BackendTestConfig {
    /** A declared pattern and its reason. */
    public record Declared(String pattern, String reason, Pattern regex) {
        boolean matches(String caseId) { return regex.matcher(caseId).matches(); }
    }

    private final String name;
    private final String deviceSpec;
    private final Kuaxin.Options options;
    private final List<Declared> unsupported;
    private final List<Declared> expectedFailures;
    private final long seed;

    private BackendTestConfig(String name, String deviceSpec, Kuaxin.Options options, List<Declared> unsupported,
                              List<Declared> expectedFailures, long seed) {
        this.name = name;
        this.deviceSpec = deviceSpec;
        this.options = options;
        this.unsupported = List.copyOf(unsupported);
        this.expectedFailures = List.copyOf(expectedFailures);
        this.seed = seed;
    }

    /**
     * A config for the device {@code deviceSpec} (e.g. {@code cpu}, {@code ascend:0}); the report is named after
     * its backend. Runtime options default to {@link Kuaxin.Options#defaults()}.
     */
    public static BackendTestConfig forDevice(String deviceSpec) {
        String n = deviceSpec.split("[:,]")[0].trim();
        return new BackendTestConfig(n, deviceSpec, Kuaxin.Options.defaults(), List.of(), List.of(),
                Long.getLong("conformance.seed", 20260101L));
    }

    /** The report name ({@code target/conformance/<name>.json}). */
    public BackendTestConfig name(String n) {
        return new BackendTestConfig(n, deviceSpec, options, unsupported, expectedFailures, seed);
    }

    /** Runtime options (environment, providers); the fallback policy is set per case by the suite. */
    public BackendTestConfig options(Kuaxin.Options o) {
        return new BackendTestConfig(name, deviceSpec, o, unsupported, expectedFailures, seed);
    }

    /** Seed of the random cases (default {@code -Dconformance.seed} or a fixed value). */
    public BackendTestConfig seed(long s) {
        return new BackendTestConfig(name, deviceSpec, options, unsupported, expectedFailures, s);
    }

    /** Declares cases the device does not run. */
    public BackendTestConfig unsupported(String pattern, String reason) {
        List<Declared> u = new ArrayList<>(unsupported);
        u.add(declared(pattern, reason));
        return new BackendTestConfig(name, deviceSpec, options, u, expectedFailures, seed);
    }

    /** Declares cases known to fail; the reason should cite an issue. */
    public BackendTestConfig expectedFailure(String pattern, String reason) {
        List<Declared> x = new ArrayList<>(expectedFailures);
        x.add(declared(pattern, reason));
        return new BackendTestConfig(name, deviceSpec, options, unsupported, x, seed);
    }

    public String name() { return name; }

    public String deviceSpec() { return deviceSpec; }

    public Kuaxin.Options options() { return options; }

    public long seed() { return seed; }

    /** The declaration covering {@code caseId}, or null. */
    public Declared unsupportedFor(String caseId) { return find(unsupported, caseId); }

    /** The expected-failure declaration covering {@code caseId}, or null. */
    public Declared expectedFailureFor(String caseId) { return find(expectedFailures, caseId); }

    private static Declared find(List<Declared> list, String id) {
        for (Declared d : list) if (d.matches(id)) return d;
        return null;
    }

    private static Declared declared(String glob, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a declaration needs a reason (cite an issue): " + glob);
        }
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new Declared(glob, reason, Pattern.compile(re.toString()));
    }
}
