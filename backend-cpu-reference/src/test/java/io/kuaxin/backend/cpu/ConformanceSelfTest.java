package io.kuaxin.backend.cpu;

import io.kuaxin.DType;
import io.kuaxin.Kuaxin;
import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.Case;
import io.kuaxin.conformance.Catalog;
import io.kuaxin.conformance.ConformanceRunner;
import io.kuaxin.conformance.Result;
import io.kuaxin.conformance.Status;
import io.kuaxin.conformance.SupportMatrix;
import io.kuaxin.op.Op;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks the suite itself can fail: a backend that refuses ops, stale and wrong declarations, a wrong kernel
 * result, expected failures and "no device".
 */
class ConformanceSelfTest {
    /** cpu:0 that declares attention and f16 matmul unsupported (but would run f16 matmul if asked). */
    static final class PartialProvider implements BackendProvider {
        @Override public String name() { return "partial"; }
        @Override public String vendor() { return "test"; }
        @Override public Availability probe() { return Availability.available(1, 1, "test", List.of()); }
        @Override public DeviceBackend open(int ordinal) { return new Partial(new CpuDevice(ordinal)); }
    }

    static final class Partial extends ForwardingCpuDevice {
        Partial(CpuDevice d) { super("partial", d); }

        @Override public String unsupportedReason(Op op, io.kuaxin.op.OpAttributes attrs, List<DType> dtypes) {
            if (op == Op.ATTENTION) return "no attention kernel on this test backend";
            if (op == Op.MATMUL && dtypes.getFirst() == DType.F16) return "no f16 gemm on this test backend";
            return super.unsupportedReason(op, attrs, dtypes);
        }
    }

    private static SupportMatrix run(BackendTestConfig cfg, java.util.function.Predicate<Case> which) {
        List<Case> cases = Catalog.cases(1).stream().filter(which).toList();
        try (Kuaxin kx = Kuaxin.open(cfg.options())) {
            return ConformanceRunner.run(kx.device(cfg.deviceSpec()), cfg, cases, null);
        }
    }

    private static BackendTestConfig partial() {
        return BackendTestConfig.forDevice("partial").options(Kuaxin.Options.defaults()
                .withEnv(Map.of()).withProviders(List.of(new CpuProvider(), new PartialProvider())));
    }

    @Test
    void declaredRefusalsAreUnsupportedAndRunOnTheFallbackUnderAllow() {
        SupportMatrix m = run(partial().unsupported("attention/*", "no attention kernel"),
                c -> c.op() == Op.ATTENTION && c.id().contains("b2-hq4"));
        assertTrue(m.results().size() >= 3);
        for (Result r : m.results()) assertEquals(Status.UNSUPPORTED, r.status(), r.toString());
        assertEquals(Status.UNSUPPORTED, m.statuses().get("attention").get("f32"));
    }

    @Test
    void anUndeclaredRefusalFailsExceptInASurvey() {
        java.util.function.Predicate<Case> f16Matmul = c -> c.id().startsWith("matmul/f16/");
        SupportMatrix strict = run(partial(), f16Matmul);
        assertTrue(strict.results().size() >= 3);
        for (Result r : strict.results()) {
            assertEquals(Status.FAIL, r.status(), r.toString());
            assertTrue(r.detail().contains("nobody declared"), r.detail());
        }
        for (Result r : run(partial().survey(), f16Matmul).results()) assertEquals(Status.UNSUPPORTED, r.status(), r.toString());
    }

    @Test
    void aStaleUnsupportedDeclarationRunsAndIsAnXpass() {
        SupportMatrix m = run(partial().unsupported("softmax/f32/*", "stale"), c -> c.id().startsWith("softmax/f32/[7]"));
        assertEquals(Status.XPASS, m.results().getFirst().status(), m.results().toString());
    }

    @Test
    void aStaleDeclarationOverAWrongResultFails() {
        Case good = Catalog.cases(1).stream().filter(c -> c.id().equals("add/f32/[37]+[37]")).findFirst().orElseThrow();
        Case wrong = new Case(good.id(), good.op(), good.dtype(), good.inputs(), good.attrs(),
                (ctx, x) -> ctx.sub(x.get(0), x.get(1)), good.errScale(), null, null);
        BackendTestConfig cfg = partial().unsupported("add/f32/*", "stale");
        try (Kuaxin kx = Kuaxin.open(cfg.options())) {
            Result r = ConformanceRunner.run(kx.device("partial"), cfg, List.of(wrong), null).results().getFirst();
            assertEquals(Status.FAIL, r.status(), r.toString());
        }
    }

    @Test
    void aWrongResultFailsAndExpectedFailuresAreReported() {
        Case good = Catalog.cases(1).stream().filter(c -> c.id().equals("add/f32/[37]+[37]")).findFirst().orElseThrow();
        Case wrong = new Case(good.id(), good.op(), good.dtype(), good.inputs(), good.attrs(),
                (ctx, x) -> ctx.sub(x.get(0), x.get(1)), good.errScale(), null, null);
        BackendTestConfig cfg = BackendTestConfig.forDevice("cpu");
        BackendTestConfig xf = cfg.expectedFailure("add/f32/*", "known bug #1");
        try (Kuaxin kx = Kuaxin.open(cfg.options())) {
            var dev = kx.device("cpu");
            assertEquals(Status.FAIL, ConformanceRunner.run(dev, cfg, List.of(wrong), null).results().getFirst().status());
            assertEquals(Status.XFAIL, ConformanceRunner.run(dev, xf, List.of(wrong), null).results().getFirst().status());
            assertEquals(Status.XPASS, ConformanceRunner.run(dev, xf, List.of(good), null).results().getFirst().status());
        }
    }

    @Test
    void noDeviceIsSkippedNotPassed() {
        BackendTestConfig cfg = BackendTestConfig.forDevice("nonexistent").options(Kuaxin.Options.defaults()
                .withEnv(Map.of()).withProviders(List.of(new CpuProvider())));
        SupportMatrix m = ConformanceRunner.run(cfg, null);
        assertEquals(m.results().size(), m.count(Status.SKIPPED));
        assertTrue(m.toJson().contains("\"skipped\""));
    }

    @Test
    void theCpuAndEmulatorsAreRequiredDevices() {
        assertTrue(BackendTestConfig.forDevice("cpu").requiresDevice());
        assertTrue(BackendTestConfig.forDevice("cpu").strict());
        assertTrue(!BackendTestConfig.forDevice("cpu").survey().strict());
    }
}
