package io.kuaxin.backend.cpu;

import io.kuaxin.DType;
import io.kuaxin.kernels.oracle.Functions;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Matmul;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.kernels.cpu.Sgemm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * OpenBLAS through JavaCPP's preset (on this module's test class path) and the {@code kuaxin.cpu.gemm} choice.
 * The build runs this class in the default {@code auto} mode and again with {@code -Dkuaxin.cpu.gemm=openblas}
 * (the {@code openblas-gemm} execution, together with the conformance suite).
 */
class OpenBlasGemmTest {
    private static boolean linuxX64() {
        return System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64");
    }

    private static OpenBlas blas() {
        assumeTrue(linuxX64(), "the test class path carries OpenBLAS for linux-x86_64 only");
        OpenBlas.Loaded l = OpenBlas.load();
        assertNotNull(l.blas(), () -> "OpenBLAS is on the test class path but did not load: " + l.reason());
        return l.blas();
    }

    @Test
    void loadsThePresetAndSaysWhatItLoaded() {
        String d = blas().description();
        assertTrue(d.contains("OpenBLAS") && d.contains("from /"), d);
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C with offsets and padded leading dimensions, against plain double loops; the
     * larger shapes are split over the pool by rows (150×130) and by columns (20×600).
     */
    @ParameterizedTest
    @CsvSource({"false,false,37,53,71", "true,false,37,53,71", "false,true,37,53,71", "true,true,37,53,71",
            "false,false,150,130,120", "true,true,150,130,120", "false,false,20,600,200", "true,true,20,600,200"})
    void sgemmMatchesDoubleLoops(boolean ta, boolean tb, int m, int n, int k) {
        Sgemm s = blas();
        int pad = 5, off = 3;
        float alpha = 0.75f, beta = -1.5f;
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        try (Arena arena = Arena.ofShared()) { // shared: the pool's threads run the blocks
            MemorySegment a = random(arena, off + (long) aRows * lda, 1), b = random(arena, off + (long) bRows * ldb, 2);
            MemorySegment c = random(arena, off + (long) m * ldc, 3);
            double[] expected = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) {
                        acc += (double) get(a, off + (ta ? (long) p * lda + i : (long) i * lda + p))
                                * get(b, off + (tb ? (long) j * ldb + p : (long) p * ldb + j));
                    }
                    expected[i * n + j] = alpha * acc + beta * (double) get(c, off + (long) i * ldc + j);
                }
            }
            float padBefore = get(c, off + n); // a padding element: BLAS must leave it alone
            s.sgemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, c, off, ldc);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double got = get(c, off + (long) i * ldc + j), want = expected[i * n + j];
                    assertEquals(want, got, 1e-4 * (1 + Math.abs(want)), "C[" + i + "][" + j + "]");
                }
            }
            assertEquals(padBefore, get(c, off + n));
        }
    }

    /** The trial ignores warm-up calls, alternates the contenders, and OpenBLAS wins only beyond the margin. */
    @Test
    void autoTrialDecidesOnMediansAfterWarmUp() {
        GemmSelector.Choice blas = new GemmSelector.Choice(new NamedSgemm(), null);
        assertSame(blas.sgemm(), decide(blas, 100, 110).sgemm(), "10% faster: OpenBLAS");
        assertSame(GemmSelector.OURS, decide(blas, 100, 102), "2% faster is within the margin: Kuaxin");
        assertSame(GemmSelector.OURS, decide(blas, 100, 80), "slower: Kuaxin");
    }

    /**
     * A cold JVM: the first trial times Kuaxin's kernels before the JIT compiled them, so OpenBLAS wins it; the
     * trial after {@code REOPEN_AT[0]} more calls, with both warm, hands the group back to Kuaxin.
     */
    @Test
    void theTrialRepeatsOnceTheJitIsWarm() {
        GemmSelector.Choice blas = new GemmSelector.Choice(new NamedSgemm(), null);
        GemmSelector.Group g = new GemmSelector.Group(20, blas);
        assertSame(blas.sgemm(), trial(g, 10, 50, 0).sgemm(), "cold Kuaxin loses the first trial");
        for (int i = 1; i < GemmSelector.Group.REOPEN_AT[0]; i++) assertSame(blas, g.choose(), "decided call " + i);
        GemmSelector.Choice reopened = g.choose();
        assertSame(g, reopened.trial(), "the group trials again");
        g.record(reopened.sgemm() != null, 100);
        assertSame(GemmSelector.OURS, trial(g, 100, 50, 1), "warm Kuaxin wins the second");
        assertTrue(g.verdict.contains("trial 2 of 3"), g.verdict);
    }

    private static GemmSelector.Choice decide(GemmSelector.Choice blas, double oursGflops, double blasGflops) {
        return trial(new GemmSelector.Group(20, blas), oursGflops, blasGflops, 0);
    }

    private static GemmSelector.Choice trial(GemmSelector.Group g, double oursGflops, double blasGflops, int start) {
        int calls = start;
        while (g.decided == null) {
            GemmSelector.Choice c = g.choose();
            assertSame(g, c.trial());
            assertEquals(calls % 2 == 1, c.sgemm() != null, "call " + calls + " alternates, Kuaxin first");
            boolean warm = start > 0 || calls / 2 >= GemmSelector.WARMUP;
            // cold calls are slow for Kuaxin (JIT) and fast for OpenBLAS: they must not decide anything
            g.record(c.sgemm() != null, c.sgemm() != null ? (warm ? blasGflops : 1000) : (warm ? oursGflops : 1));
            calls++;
            assertTrue(calls <= 2 * (GemmSelector.WARMUP + GemmSelector.SAMPLES), "decides after the samples");
        }
        assertNotNull(g.verdict);
        assertSame(g.decided, g.next(), "decided groups stop alternating");
        return g.decided;
    }

    /** Without the preset on the class path, loading explains what to add instead of failing. */
    @Test
    void withoutThePresetTheReasonSaysWhatToAdd() throws Exception {
        java.util.List<java.net.URL> urls = new java.util.ArrayList<>();
        for (Class<?> c : new Class<?>[] {OpenBlas.class, Sgemm.class, io.kuaxin.spi.ffm.SymbolBinder.class,
                org.slf4j.LoggerFactory.class}) {
            urls.add(c.getProtectionDomain().getCodeSource().getLocation());
        }
        try (var loader = new java.net.URLClassLoader(urls.toArray(java.net.URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> blas = Class.forName(OpenBlas.class.getName(), true, loader);
            assertNotSame(OpenBlas.class, blas, "loaded apart from the test's class path");
            var load = blas.getDeclaredMethod("load");
            load.setAccessible(true);
            Object loaded = load.invoke(null);
            var accessor = loaded.getClass().getDeclaredMethod("reason");
            accessor.setAccessible(true);
            String reason = (String) accessor.invoke(loaded);
            assertTrue(reason.contains("not on the class path") && reason.contains("org.bytedeco:openblas"), reason);
        }
    }

    @Test
    void aWrongModeIsRefusedWithTheChoices() {
        String old = System.getProperty("kuaxin.cpu.gemm");
        try {
            System.setProperty("kuaxin.cpu.gemm", "blas");
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, CpuConfig::gemmMode);
            assertTrue(e.getMessage().contains("kuaxin.cpu.gemm=blas") && e.getMessage().contains("auto, kuaxin, openblas"),
                    e.getMessage());
            assertFalse(new CpuProvider().probe().available());
        } finally {
            if (old == null) System.clearProperty("kuaxin.cpu.gemm");
            else System.setProperty("kuaxin.cpu.gemm", old);
        }
    }

    /**
     * Through the front door: a bias + GELU matmul repeated until the size's group decides (auto) or straight on
     * OpenBLAS (openblas mode); every call against double loops, the provenance naming who ran it.
     */
    @Test
    void matmulsThroughTheFrontDoorNameWhoRanThem() {
        blas();
        GemmSelector.Mode mode = CpuConfig.gemmMode();
        int m = 64, k = 96, n = 80; // 2·m·n·k ≈ 2^19.9 flops: above the trial threshold, in group 2^19
        String group = "gemm.fp32.2^19flops";
        SplittableRandom r = new SplittableRandom(7);
        float[] a = new float[m * k], b = new float[k * n], bias = new float[n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < n; i++) bias[i] = (float) r.nextDouble(-1, 1);
        double[] want = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = bias[j];
                for (int p = 0; p < k; p++) acc += (double) a[i * k + p] * b[p * n + j];
                want[i * n + j] = Functions.geluErf(acc);
            }
        }
        int openblasRuns = 0;
        try (Kuaxin kx = Kuaxin.open(); Scope s = kx.device("cpu").scope()) {
            Device cpu = kx.device("cpu");
            Tensor ta = s.copyOf(a, DType.F32, Shape.of(m, k)), tb = s.copyOf(b, DType.F32, Shape.of(k, n));
            Tensor tbias = s.copyOf(bias, DType.F32, Shape.of(n));
            boolean fresh = !cpu.telemetry().containsKey(group); // another test in this JVM may have decided it
            for (int call = 0; call < 2 * (GemmSelector.WARMUP + GemmSelector.SAMPLES) + 4; call++) {
                Tensor out = Ops.matmul(ta, tb, Matmul.options().bias(tbias).epilogue(io.kuaxin.op.Epilogue.GELU_ERF));
                float[] got = out.toFloatArray();
                for (int i = 0; i < got.length; i++) assertEquals(want[i], got[i], 2e-4, "call " + call + " element " + i);
                String kernel = out.provenance().kernel();
                if (kernel.equals("cpu.gemm.openblas")) openblasRuns++;
                else assertTrue(kernel.startsWith("cpu.gemm."), kernel);
                out.close();
            }
            Map<String, String> t = cpu.telemetry();
            assertTrue(t.get("gemm.fp32.openblas").contains("OpenBLAS"), t.toString());
            if (mode == GemmSelector.Mode.AUTO) {
                assertTrue(t.containsKey(group), "a verdict: " + t);
                if (fresh) assertTrue(openblasRuns >= GemmSelector.WARMUP + GemmSelector.SAMPLES, "the trial ran OpenBLAS");
            } else if (mode == GemmSelector.Mode.OPENBLAS) {
                assertEquals(2 * (GemmSelector.WARMUP + GemmSelector.SAMPLES) + 4, openblasRuns);
            }
        }
    }

    private static MemorySegment random(Arena arena, long n, long seed) {
        MemorySegment s = arena.allocate(n * 4, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
        return s;
    }

    private static float get(MemorySegment s, long i) { return s.getAtIndex(ValueLayout.JAVA_FLOAT, i); }

    private record NamedSgemm() implements Sgemm {
        @Override
        public String name() { return "fake"; }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a,
                          long aOffset, long lda, MemorySegment b, long bOffset, long ldb, float beta,
                          MemorySegment c, long cOffset, long ldc) {
            throw new UnsupportedOperationException("never called: the trial logic is tested without running GEMMs");
        }
    }
}
