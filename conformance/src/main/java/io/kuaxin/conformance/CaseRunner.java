package io.kuaxin.conformance;

import io.kuaxin.BackendUnavailableException;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.kernels.oracle.HostTensor;
import io.kuaxin.kernels.oracle.Oracle;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@link Case} on a device and judges it. Never throws for a failing case: it returns a FAIL result (an
 * undeclared refusal in a strict config, a wrong result) or an XPASS (a declaration the device outgrew), both of
 * which fail a run.
 */
public final class CaseRunner {
    private final Device device;
    private final BackendTestConfig config;
    private final boolean checkFallback;

    public CaseRunner(Device device, BackendTestConfig config) { this(device, config, true); }

    /**
     * @param checkFallback whether a refused case is run at all: under {@code FallbackPolicy.FAIL} (must throw) and
     *                      {@code ALLOW} (must run correctly on the fallback device); the seed sweep only checks
     *                      that the refusal is declared, since the catalog checks both for every op and dtype
     */
    public CaseRunner(Device device, BackendTestConfig config, boolean checkFallback) {
        this.device = device;
        this.config = config;
        this.checkFallback = checkFallback;
    }

    public Result run(Case c) {
        long t0 = System.nanoTime();
        Result r;
        try {
            r = c.isNegative() ? negative(c) : positive(c);
        } catch (RuntimeException | AssertionError e) {
            StackTraceElement[] st = e.getStackTrace();
            r = result(c, Status.FAIL, "unexpected " + e + java.util.Arrays.toString(java.util.Arrays.copyOf(st, Math.min(st.length, 12))), Double.NaN, Double.NaN);
        }
        BackendTestConfig.Declared xf = config.expectedFailureFor(c.id());
        if (xf != null && r.status() == Status.FAIL) {
            r = result(c, Status.XFAIL, xf.reason() + "; " + r.detail(), r.nmse(), r.maxErr());
        } else if (xf != null && r.status() == Status.PASS) {
            r = result(c, Status.XPASS, "declared expected failure passes (" + xf.reason()
                    + "); remove the declaration", r.nmse(), r.maxErr());
        }
        return new Result(c, r.status(), r.detail(), r.nmse(), r.maxErr(), System.nanoTime() - t0);
    }

    private static Result result(Case c, Status s, String detail, double nmse, double maxErr) {
        return new Result(c, s, detail, nmse, maxErr, 0);
    }

    private Result positive(Case c) {
        // with the attributes: what the front door asks (a matmul epilogue can decide)
        String reason = device.unsupportedReason(c.op(), c.attrs(), c.inputDtypes().toArray(DType[]::new));
        BackendTestConfig.Declared declared = config.unsupportedFor(c.id());
        if (reason != null && declared == null && config.strict()) {
            return result(c, Status.FAIL, device.id() + " refuses it (" + reason + ") but nobody declared it"
                    + " unsupported: implement it or declare it with a reason", Double.NaN, Double.NaN);
        }
        if (reason != null && !checkFallback) {
            // the sweep: refused as declared; the catalog's cases of the same op and dtype check the exception
            // and the fallback, so nothing is uploaded here
            return result(c, Status.UNSUPPORTED, reason, Double.NaN, Double.NaN);
        }
        List<HostTensor> logical = c.inputs().stream().map(Input::logical).toList();
        HostTensor want = Oracle.run(c.op(), c.attrs(), logical);
        if (reason != null) return unsupported(c, want, reason);
        if (declared != null) {
            Result r = ran(c, want);
            return r.status() == Status.PASS
                    ? result(c, Status.XPASS, "declared unsupported (" + declared.reason() + ") but " + device.id()
                            + " runs it and passes; remove the declaration", r.nmse(), r.maxErr())
                    : result(c, Status.FAIL, "declared unsupported (" + declared.reason() + ") but " + device.id()
                            + " runs it, and " + r.detail(), r.nmse(), r.maxErr());
        }
        return ran(c, want);
    }

    private Result ran(Case c, HostTensor want) {
        try (Scope s = device.scope()) {
            Tensor out = c.invoke().apply(Ops.withFallback(FallbackPolicy.FAIL), upload(c, s));
            if (out.provenance() == null || out.provenance().fallback() || !out.provenance().device().equals(device.id())) {
                return result(c, Status.FAIL, "provenance " + out.provenance() + " does not say " + device.id()
                        + " ran it", Double.NaN, Double.NaN);
            }
            return judge(c, out, want, null);
        }
    }

    /** The device refuses: FAIL must throw UnsupportedOpException; ALLOW must run it on the fallback. */
    private Result unsupported(Case c, HostTensor want, String reason) {
        try (Scope s = device.scope()) {
            List<Tensor> in = upload(c, s);
            try {
                c.invoke().apply(Ops.withFallback(FallbackPolicy.FAIL), in);
                return result(c, Status.FAIL, "unsupportedReason says '" + reason + "' but it ran under"
                        + " FallbackPolicy.FAIL without UnsupportedOpException", Double.NaN, Double.NaN);
            } catch (UnsupportedOpException expected) {
                // as declared
            }
            try {
                device.runtime().fallbackDevice();
            } catch (BackendUnavailableException e) {
                return result(c, Status.UNSUPPORTED, reason + " (no fallback device to check ALLOW)", Double.NaN, Double.NaN);
            }
            Tensor out = c.invoke().apply(Ops.withFallback(FallbackPolicy.ALLOW), in);
            if (out.provenance() == null || !out.provenance().fallback()) {
                return result(c, Status.FAIL, "ran under ALLOW but provenance " + out.provenance()
                        + " does not record the fallback", Double.NaN, Double.NaN);
            }
            Result r = judge(c, out, want, null);
            if (r.status() != Status.PASS) return result(c, Status.FAIL, "on the fallback: " + r.detail(), r.nmse(), r.maxErr());
            return result(c, Status.UNSUPPORTED, reason, Double.NaN, Double.NaN);
        }
    }

    private Result judge(Case c, Tensor out, HostTensor want, String prefix) {
        if (out.dtype() != want.dtype() || !out.shape().equals(Shape.of(want.shape()))) {
            return result(c, Status.FAIL, "result is " + out.dtype().label() + out.shape() + ", expected "
                    + want, Double.NaN, Double.NaN);
        }
        double[] got = out.dtype() == DType.I64 ? toDoubles(out.toLongArray()) : out.toDoubleArray();
        DType in = c.inputs().isEmpty() ? out.dtype() : c.inputs().getFirst().dtype();
        Tolerance tol = Tolerance.of(c.op(), in, out.dtype());
        double[] kappa = tol.usesCondition()
                ? Conditioning.of(c.op(), c.attrs(), c.inputs().stream().map(Input::logical).toList()) : null;
        Compare.Outcome o = Compare.compare(got, want.data(), out.dtype(), Tolerance.computeDtype(in), tol,
                c.errScale(), kappa);
        if (o.failure() != null) return result(c, Status.FAIL, o.failure(), o.nmse(), o.worst());
        return result(c, Status.PASS, String.format("nmse %.2e, worst %.2f of tolerance", o.nmse(), o.worst()),
                o.nmse(), o.worst());
    }

    private static double[] toDoubles(long[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    /** Bad input must raise the documented exception, and the device must still work afterwards. */
    private Result negative(Case c) {
        try (Scope s = device.scope()) {
            List<Tensor> in = upload(c, s);
            try {
                device.synchronize();
                Tensor out = c.invoke().apply(Ops.withFallback(FallbackPolicy.FAIL), in);
                out.toDoubleArray();
                return result(c, Status.FAIL, "no exception; expected " + c.expected().getSimpleName(), Double.NaN,
                        Double.NaN);
            } catch (RuntimeException e) {
                if (!c.expected().isInstance(e)) {
                    return result(c, Status.FAIL, "threw " + e + "; expected " + c.expected().getSimpleName(),
                            Double.NaN, Double.NaN);
                }
                if (c.fragment() != null && (e.getMessage() == null || !e.getMessage().contains(c.fragment()))) {
                    return result(c, Status.FAIL, "message '" + e.getMessage() + "' does not mention '"
                            + c.fragment() + "'", Double.NaN, Double.NaN);
                }
            }
            String after = stillWorks(s);
            if (after != null) return result(c, Status.FAIL, "device unusable after the error: " + after, Double.NaN, Double.NaN);
            return result(c, Status.PASS, "rejected as expected", Double.NaN, Double.NaN);
        }
    }

    private static String stillWorks(Scope s) {
        Tensor a = s.copyOf(new float[] {1, 2, 3}, Shape.of(3));
        Tensor b = s.copyOf(new float[] {10, 20, 30}, Shape.of(3));
        // ALLOW: a device without an add kernel is still checked (its uploads and downloads), not failed
        float[] r = Ops.withFallback(FallbackPolicy.ALLOW).add(a, b).toFloatArray();
        return r[0] == 11 && r[1] == 22 && r[2] == 33 ? null : "1+10, 2+20, 3+30 gave " + java.util.Arrays.toString(r);
    }

    private static List<Tensor> upload(Case c, Scope s) {
        List<Tensor> in = new ArrayList<>(c.inputs().size());
        for (Input i : c.inputs()) in.add(i.upload(s));
        return in;
    }
}
