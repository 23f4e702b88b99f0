package io.kuaxin.conformance;

/** Outcome of a case, and of a support-matrix cell. */
public enum Status {
    PASS, FAIL, UNSUPPORTED, SKIPPED,
    /** Declared as an expected failure, and failed. */
    XFAIL,
    /** Declared as an expected failure or unsupported, but ran and passed: the declaration is stale; fails a run. */
    XPASS;

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
