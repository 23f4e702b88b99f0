package io.kuaxin.conformance;

import io.kuaxin.DType;

/** Element-wise comparison of a backend's result with the oracle's under a {@link Tolerance}. */
final class Compare {
    /** @param failure null when within tolerance */
    record Outcome(String failure, double nmse, double worst) {}

    private Compare() {}

    /**
     * @param compute the precision the op computes in ({@link Tolerance#computeDtype})
     * @param kappa   each element's condition number, or null (κ = 0)
     */
    static Outcome compare(double[] got, double[] want, DType out, DType compute, Tolerance tol, double errScale,
                           double[] kappa) {
        double sq = 0, err = 0;
        for (double w : want) if (Double.isFinite(w)) sq += w * w;
        double rms = want.length == 0 ? 0 : Math.sqrt(sq / want.length);
        double worst = 0;
        int worstAt = -1;
        String failure = null;
        for (int i = 0; i < got.length; i++) {
            double x = got[i], y = want[i];
            if (Double.isNaN(y) || Double.isNaN(x) || Double.isInfinite(y) || Double.isInfinite(x)) {
                boolean same = Double.isNaN(y) ? Double.isNaN(x) : x == y;
                if (!same && failure == null) failure = "element " + i + ": got " + x + ", expected " + y;
                continue;
            }
            double d = Math.abs(x - y);
            err += d * d;
            if (tol.exact()) {
                if (d != 0 && failure == null) failure = "element " + i + ": got " + x + ", expected exactly " + y;
                continue;
            }
            double k = kappa == null ? 0 : kappa[i];
            double allowed = Tolerance.spacing(out, y) + (tol.ulps() + tol.cond() * k) * Tolerance.spacing(compute, y)
                    + tol.abs() * errScale * rms;
            double ratio = d == 0 ? 0 : d / allowed;
            if (ratio > worst) {
                worst = ratio;
                worstAt = i;
            }
        }
        double nmse = sq == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : err / sq;
        if (failure == null && worst > 1) {
            failure = "element " + worstAt + ": got " + got[worstAt] + ", expected " + want[worstAt] + " (error "
                    + String.format("%.3g", worst) + "x the tolerance " + tol + (kappa == null ? "" : ", κ "
                    + String.format("%.3g", kappa[worstAt])) + ", rms " + String.format("%.3g", rms) + ")";
        }
        return new Outcome(failure, nmse, worst);
    }
}
