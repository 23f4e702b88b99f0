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
 *     device runs anyway is run: a pass is {@code xpass}, and fails (the declaration is stale).</li>
 * <li>expected failure: the case runs; a failure is reported as {@code xfail}, a pass as {@code xpass}, which
 *     fails (the declaration is stale).</li>
 * <li>a refusal nobody declared fails (a backend cannot silently stop running an op), except in a
 *     {@link #survey()}.</li>
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
    private final boolean strict;
    private final boolean requireDevice;
    private final List<Declared> include;

    private BackendTestConfig(String name, String deviceSpec, Kuaxin.Options options, List<Declared> unsupported,
                              List<Declared> expectedFailures, long seed, boolean strict, boolean requireDevice,
                              List<Declared> include) {
        this.name = name;
        this.deviceSpec = deviceSpec;
        this.options = options;
        this.unsupported = List.copyOf(unsupported);
        this.expectedFailures = List.copyOf(expectedFailures);
        this.seed = seed;
        this.strict = strict;
        this.requireDevice = requireDevice;
        this.include = List.copyOf(include);
    }

    private BackendTestConfig with(String n, Kuaxin.Options o, List<Declared> u, List<Declared> x, long s, boolean st,
                                   boolean rd, List<Declared> inc) {
        return new BackendTestConfig(n, deviceSpec, o, u, x, s, st, rd, inc);
    }

    /**
     * A config for the device {@code deviceSpec} (e.g. {@code cpu}, {@code ascend:0}); the report is named after
     * its backend. Runtime options default to {@link Kuaxin.Options#defaults()}.
     */
    public static BackendTestConfig forDevice(String deviceSpec) {
        String n = deviceSpec.split("[:,]")[0].trim();
        String emulate = System.getProperty("kuaxin.emulate", "");
        boolean required = Boolean.parseBoolean(System.getProperty("conformance.requireDevice",
                String.valueOf(n.equals("cpu") || !emulate.isBlank())));
        List<Declared> inc = new ArrayList<>();
        for (String p : System.getProperty("conformance.include", "").split(",")) {
            if (!p.isBlank()) inc.add(declared(p.trim(), "-Dconformance.include"));
        }
        return new BackendTestConfig(n, deviceSpec, Kuaxin.Options.defaults(), List.of(), List.of(),
                Long.getLong("conformance.seed", 20260101L), true, required, inc);
    }

    /** The report name ({@code target/conformance/<name>.json}). */
    public BackendTestConfig name(String n) {
        return with(n, options, unsupported, expectedFailures, seed, strict, requireDevice, include);
    }

    /** Runtime options (environment, providers); the fallback policy is set per case by the suite. */
    public BackendTestConfig options(Kuaxin.Options o) {
        return with(name, o, unsupported, expectedFailures, seed, strict, requireDevice, include);
    }

    /** Seed of the random cases (default {@code -Dconformance.seed} or a fixed value). */
    public BackendTestConfig seed(long s) {
        return with(name, options, unsupported, expectedFailures, s, strict, requireDevice, include);
    }

    /**
     * A survey ({@code kuaxin conformance} without declarations): a refusal nobody declared is reported as
     * {@code unsupported} instead of failing. The default is strict: every refusal must be declared.
     */
    public BackendTestConfig survey() {
        return with(name, options, unsupported, expectedFailures, seed, false, requireDevice, include);
    }

    /**
     * Whether a missing device fails the run ({@code true}) or skips it (a real accelerator that is not installed).
     * Default: required for {@code cpu} and whenever {@code -Dkuaxin.emulate} names an emulator;
     * {@code -Dconformance.requireDevice} overrides.
     */
    public BackendTestConfig requireDevice(boolean required) {
        return with(name, options, unsupported, expectedFailures, seed, strict, required, include);
    }

    /**
     * Runs only the cases matching one of {@code patterns} (a targeted re-run, e.g. {@code matmul/f32/*} with
     * OpenBLAS); default {@code -Dconformance.include} (comma-separated), else every case.
     */
    public BackendTestConfig include(String... patterns) {
        List<Declared> inc = new ArrayList<>();
        for (String p : patterns) inc.add(declared(p, "include"));
        return with(name, options, unsupported, expectedFailures, seed, strict, requireDevice, inc);
    }

    /** Declares cases the device does not run. */
    public BackendTestConfig unsupported(String pattern, String reason) {
        List<Declared> u = new ArrayList<>(unsupported);
        u.add(declared(pattern, reason));
        return with(name, options, u, expectedFailures, seed, strict, requireDevice, include);
    }

    /** Declares cases known to fail; the reason should cite an issue. */
    public BackendTestConfig expectedFailure(String pattern, String reason) {
        List<Declared> x = new ArrayList<>(expectedFailures);
        x.add(declared(pattern, reason));
        return with(name, options, unsupported, x, seed, strict, requireDevice, include);
    }

    /** Whether an undeclared refusal fails (true) or is reported as unsupported (a {@link #survey()}). */
    public boolean strict() { return strict; }

    public boolean requiresDevice() { return requireDevice; }

    /** Whether {@code caseId} is selected by {@link #include}. */
    public boolean includes(String caseId) { return include.isEmpty() || find(include, caseId) != null; }

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
