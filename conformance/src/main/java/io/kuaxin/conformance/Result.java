package io.kuaxin.conformance;

/**
 * The outcome of one case on one backend.
 *
 * @param detail why it failed, was unsupported or skipped; the comparison summary when it passed
 * @param nmse   normalised mean squared error against the oracle ({@code Σ(x−y)²/Σy²}), NaN when not compared
 * @param maxErr largest element error as a multiple of its tolerance (≤ 1 passes), NaN when not compared
 */
public record Result(Case testCase, Status status, String detail, double nmse, double maxErr, long nanos) {
    @Override
    public String toString() {
        return testCase.id() + ": " + status.label() + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
