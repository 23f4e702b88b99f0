package io.kuaxin.cuda.tck;

import io.kuaxin.emulators.EmulatorControl;
import io.kuaxin.emulators.HeaderValues;
import io.kuaxin.spi.ffm.NativeLibraryLocator;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Event;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.Matmul;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.VendorException;
import io.kuaxin.conformance.EmulatedRuntime;
import io.kuaxin.conformance.RuntimeContract;
import io.kuaxin.conformance.RuntimeFixture;
import io.kuaxin.cuda.CudaDialectProvider;
import io.kuaxin.cuda.Dialect;
import io.kuaxin.cuda.DialectEnums;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.Op;
import io.kuaxin.spi.Availability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The behaviour every CUDA-dialect backend shares, run against its emulator ({@code kuaxin.emulate=<backend>} set
 * by surefire). A backend module adds one subclass naming its provider (and, for Hygon, the variant).
 * Kept small: the five backends share the code, so these check the binding of each dialect, not the code twice.
 * The runtime contract every backend keeps (streams, events, out-of-memory, faults, leaks, visible devices) runs
 * in the nested {@link Runtime}, with this dialect's emulator as its fixture.
 */
public abstract class CudaBackendContract {
    private final Supplier<CudaDialectProvider> factory;
    private final String variant;
    private final Map<String, String> saved = new HashMap<>();
    protected CudaDialectProvider provider;
    protected EmulatorControl emu;

    /**
     * @param factory a new provider of the backend under test
     * @param variant the dialect variant to pin ({@code kuaxin.<backend>.variant}), or null for the default order
     */
    protected CudaBackendContract(Supplier<CudaDialectProvider> factory, String variant) {
        this.factory = factory;
        this.variant = variant;
    }

    protected String backend() { return factory.get().name(); }

    protected Dialect.Variant bound() {
        String id = provider.boundVariant().orElseThrow();
        return provider.dialect().variants().stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow();
    }

    /** The vendor symbol for a canonical CUDA name in the bound variant, e.g. {@code hipMalloc}. */
    protected String symbol(String cudaName) { return bound().names().symbol(cudaName); }

    @BeforeEach
    void setUp() {
        if (variant != null) setProperty("kuaxin." + backend() + ".variant", variant);
        provider = factory.get();
        Availability a = provider.probe();
        assertTrue(a.available(), () -> a.reason() + " " + a.details());
        var found = NativeLibraryLocator.locate(new NativeLibraryLocator.Request(backend(), "runtime", List.of("x"),
                List.of(), List.of(), bound().emulator()), Map.of("KUAXIN_EMULATE", backend()));
        emu = new EmulatorControl(found.path().orElseThrow(() -> new IllegalStateException(
                "no emulator: searched " + found.searched())));
        emu.clearFaults();
    }

    @AfterEach
    void tearDown() {
        saved.forEach((k, v) -> {
            if (v == null) System.clearProperty(k);
            else System.setProperty(k, v);
        });
        saved.clear();
        if (emu == null) return;
        emu.clearFaults();
        emu.setVisibleDevices(null);
        emu.setMemoryLimit(0, 4L << 30);
    }

    private void setProperty(String k, String v) {
        saved.putIfAbsent(k, System.getProperty(k));
        if (v == null) System.clearProperty(k);
        else System.setProperty(k, v);
    }

    protected Kuaxin open() { return open(Map.of()); }

    protected Kuaxin open(Map<String, String> env) {
        return Kuaxin.open(Kuaxin.Options.defaults().withEnv(env).withProviders(List.of(factory.get())));
    }

    // ------------------------------------------------------------------ discovery

    @Test
    void probeWithoutEmulationSaysWhatWasSearched() {
        setProperty("kuaxin.emulate", null);
        Availability a = factory.get().probe();
        assumeFalse(a.available(), "a real " + backend() + " SDK is installed here");
        assertTrue(a.reason().contains("not found"), a.reason());
        String details = String.join("\n", a.details());
        String firstRoot = bound().libraries().getFirst().roots().stream()
                .filter(r -> !r.contains("${")).findFirst().orElseThrow();
        assertTrue(details.contains(firstRoot), details);
    }

    @Test
    void anExplicitLibraryIsObeyedAndNamed() {
        setProperty("kuaxin.emulate", null);
        setProperty("kuaxin." + backend() + ".library", "/nonexistent/libvendor.so");
        Availability a = factory.get().probe();
        assertFalse(a.available());
        assertTrue(a.reason().contains("/nonexistent/libvendor.so"), a.reason());
        // another dialect's emulator: it loads, but lacks this dialect's symbols
        String other = bound().emulator().startsWith("cuda") ? "musa" : "cuda";
        setProperty("kuaxin." + backend() + ".library", emu.library().resolveSibling("libkuaxin-emu-" + other + ".so")
                .toString());
        Availability b = factory.get().probe();
        assertFalse(b.available());
        assertTrue(b.reason().contains("lacks required symbol") && b.reason().contains(symbol("cudaGetErrorString")),
                b.reason());
    }

    // ------------------------------------------------------------------ memory, copies, streams, events

    @Test
    void aBlasFaultNamesTheCallCodeAndVendorMessage() {
        try (Kuaxin kx = open(); Scope s = kx.device(backend() + ":0").scope()) {
            Tensor a = s.copyOf(new float[]{1, 2, 3, 4}, Shape.of(2, 2));
            String gemm = symbol("cublasGemmEx");
            emu.injectFault(gemm, 1, 7);                                     // 7: invalid value / not supported
            VendorException g = assertThrows(VendorException.class, () -> Ops.matmul(a, a));
            assertTrue(g.call().contains(gemm), g.call());
            assertEquals(7, g.code());
            assertFalse(g.vendorMessage().isBlank());
            assertArrayEquals(new float[]{7, 10, 15, 22}, Ops.matmul(a, a).toFloatArray());
        }
    }

    /** The runtime contract every backend keeps, with this dialect's emulator as the fixture. */
    @Nested
    class Runtime extends RuntimeContract {
        @Override
        protected RuntimeFixture fixture() {
            var vendor = new EmulatedRuntime.Vendor(backend(), 2, env -> factory.get(),
                    new RuntimeFixture.Fault(symbol("cudaMalloc"), 999, "unknown error"),
                    bound().enums().errMemoryAllocation(), Map.of(),
                    d -> assertTrue(d.info().properties().get("variant").startsWith(bound().id()),
                            d.info().properties()::toString));
            return new EmulatedRuntime(emu, 4L << 30, vendor) {
                /** The runtime reads the variable from the process environment; the emulator names devices by id. */
                @Override
                public void checkPhysicalDevice(Device d, String physicalId) {
                    if (!d.info().name().startsWith(provider.dialect().vendor())) {
                        assertTrue(d.info().name().endsWith(physicalId), d.info().name());
                    }
                }
            };
        }
    }

    // ------------------------------------------------------------------ matmul

    @ParameterizedTest(name = "{0} transA={1} transB={2} batch={3}")
    @CsvSource({
            "F32, false, false, 1", "F32, true, false, 3", "F32, false, true, 2", "F32, true, true, 1",
            "F16, false, false, 2", "F16, true, true, 1",
            "BF16, false, true, 3", "BF16, true, false, 1",
            "F64, false, false, 2"})
    void matmulMatchesFp64(DType t, boolean ta, boolean tb, int batch) {
        String refused = bound().enums().unsupportedGemmType(t);
        if (refused != null) {
            try (Kuaxin kx = open(); Scope s = kx.device(backend() + ":0").scope()) {
                Tensor x = s.copyOf(new float[]{1, 2, 3, 4}, t, Shape.of(2, 2));
                UnsupportedOpException u = assertThrows(UnsupportedOpException.class,
                        () -> Ops.withFallback(FallbackPolicy.FAIL).matmul(x, x));
                assertTrue(u.getMessage().contains(refused), u::getMessage);
            }
            return;
        }
        int m = 13, n = 7, k = 19;
        Random rnd = new Random(t.ordinal() * 31 + batch);
        float[] a = Reference.data(rnd, batch * m * k, t), b = Reference.data(rnd, k * n, t);
        try (Kuaxin kx = open(); Scope s = kx.device(backend() + ":0").scope()) {
            Tensor ta_ = s.copyOf(a, t, Shape.of(batch, ta ? k : m, ta ? m : k));
            Tensor tb_ = s.copyOf(b, t, Shape.of(tb ? n : k, tb ? k : n));   // broadcast over the batch
            Matmul o = Matmul.options().alpha(0.5f);
            if (ta) o = o.transposeA();
            if (tb) o = o.transposeB();
            Tensor r = Ops.matmul(ta_, tb_, o);
            check(r, Reference.matmul(a, batch, b, 1, batch, m, n, k, ta, tb, 0.5f, 0, null, null), t);
            assertTrue(r.provenance().kernel().contains("GemmEx"), r.provenance()::toString);
        }
    }

    @Test
    void matmulWithBetaCBiasMixedOutputAndStridedViews() {
        int m = 9, n = 6, k = 5;
        Random rnd = new Random(9);
        float[] a = Reference.data(rnd, 2 * k * m, DType.F16), row = Reference.data(rnd, n, DType.F16);
        float[] c = Reference.data(rnd, n, DType.F32), bias = Reference.data(rnd, n, DType.F32);
        try (Kuaxin kx = open(); Scope s = kx.device(backend() + ":0").scope()) {
            // a: [2, K, M] used transposed; b: one row broadcast to [2, K, N] (row stride 0: gathered first)
            Tensor ta = s.copyOf(a, DType.F16, Shape.of(2, k, m));
            Tensor tb = s.copyOf(row, DType.F16, Shape.of(1, 1, n)).expand(2, k, n);
            Tensor tc = s.copyOf(c, Shape.of(1, n));                         // broadcast over batch and rows
            Tensor tbias = s.copyOf(bias, Shape.of(n));
            Tensor r = Ops.matmul(ta, tb, Matmul.options().transposeA().accumulate(tc, 0.25f).bias(tbias)
                    .outDtype(DType.F32));
            float[] bb = new float[2 * k * n], cc = new float[2 * m * n];
            for (int i = 0; i < bb.length; i++) bb[i] = row[i % n];
            for (int i = 0; i < cc.length; i++) cc[i] = c[i % n];
            check(r, Reference.matmul(a, 2, bb, 2, 2, m, n, k, true, false, 1f, 0.25f, cc, bias), DType.F32);
            // in place: out is c itself (beta goes to the main GEMM), f32 throughout
            Tensor acc = s.copyOf(cc, Shape.of(2, m, n));
            Tensor a32 = s.copyOf(a, Shape.of(2, k, m)), b32 = s.copyOf(bb, Shape.of(2, k, n));
            Ops.matmul(a32, b32, Matmul.options().transposeA().accumulate(acc, 0.5f), acc);
            check(acc, Reference.matmul(a, 2, bb, 2, 2, m, n, k, true, false, 1f, 0.5f, cc, null), DType.F32);
        }
    }

    // ------------------------------------------------------------------ reduction precision

    /**
     * Worst error, in bf16 ulps, of the bf16 {@code [4,2048]·[2048,9]} product (the shape a real H200 got 5 ulps
     * wrong with cuBLAS's default math mode) against the fp64 product rounded once to bf16.
     */
    private static double bf16Ulps(Scope s, Matmul o, StringBuilder kernel) {
        int m = 4, k = 2048, n = 9;
        Random rnd = new Random(42);
        float[] a = Reference.data(rnd, m * k, DType.BF16), b = Reference.data(rnd, k * n, DType.BF16);
        Tensor r = Ops.matmul(s.copyOf(a, DType.BF16, Shape.of(m, k)), s.copyOf(b, DType.BF16, Shape.of(k, n)), o);
        kernel.append(r.provenance().kernel());
        double[] ref = Reference.matmul(a, 1, b, 1, 1, m, n, k, false, false, 1f, 0f, null, null)[0];
        double[] got = r.toDoubleArray();
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            float want = Reference.round((float) ref[i], DType.BF16);
            double ulp = Math.scalb(1.0, Math.getExponent(want == 0 ? Float.MIN_NORMAL : want) - 7);
            worst = Math.max(worst, Math.abs(got[i] - want) / ulp);
        }
        return worst;
    }

    /** Fails if the binding stops setting the exact math mode: the CUDA emulator then reduces split-K sums in bf16. */
    @Test
    void bf16MatmulKeepsEveryReductionInTheAccumulatorByDefault() {
        DialectEnums e = bound().enums();
        try (Kuaxin kx = open(); Scope s = kx.device(backend() + ":0").scope()) {
            StringBuilder kernel = new StringBuilder();
            double ulps = bf16Ulps(s, Matmul.options(), kernel);
            assertTrue(ulps <= 1.0, () -> "worst " + ulps + " bf16 ulps from the product rounded once; " + kernel);
            assertTrue(kernel.toString().endsWith(e.hasExactReductionSwitch() ? "reduction=exact"
                    : "reduction=vendor-default"), kernel::toString);
        }
    }

    @Test
    void reducedPrecisionReductionIsAnExplicitOptInRecordedInProvenance() {
        DialectEnums e = bound().enums();
        try (Kuaxin kx = open(); Scope s = kx.device(backend() + ":0").scope()) {
            StringBuilder kernel = new StringBuilder();
            double reduced = bf16Ulps(s, Matmul.options().allowReducedPrecisionReduction(), kernel);
            if (e.hasExactReductionSwitch()) {
                assertTrue(kernel.toString().endsWith("reduction=reduced-precision-allowed"), kernel::toString);
                // The emulator reduces split-K partial sums in bf16 in the vendor's default mode, as cuBLAS does.
                assertTrue(reduced > 1.0, () -> "the opt-in did not reach the BLAS handle: " + reduced + " ulps");
            } else {
                assertTrue(kernel.toString().endsWith("reduction=vendor-default"), kernel::toString);
                assertNotNull(e.noExactReduction());
            }
            StringBuilder next = new StringBuilder();
            double after = bf16Ulps(s, Matmul.options(), next);
            assertTrue(after <= 1.0, () -> "the next default matmul is not exact again: " + after + " ulps; " + next);
        }
    }

    // ------------------------------------------------------------------ enum numbers

    /** The header subsets each emulator is built from. */
    private static List<String> headers(String emulator) {
        return switch (emulator) {
            case "cuda", "cudalegacy" -> List.of("cuda/cuda_runtime_api.h", "cuda/library_types.h", "cuda/cublas_v2.h");
            case "hip" -> List.of("hip/hip_runtime_api.h", "hip/hipblas.h");
            case "musa" -> List.of("musa/musa_runtime_api.h", "musa/mublas.h");
            case "supa" -> List.of("supa/supa_runtime_api.h", "supa/sublas.h");
            default -> throw new AssertionError("no header list for emulator " + emulator);
        };
    }

    /** Every number the binding passes equals the one in native/include, read by the C compiler. */
    @Test
    void enumNumbersEqualTheHeaderSubsets() {
        for (Dialect.Variant v : provider.dialect().variants()) {
            Map<String, Integer> values = v.enums().headerValues();
            assertFalse(values.isEmpty(), v.id());
            List<String> bad = HeaderValues.mismatches(headers(v.emulator()), values);
            assertTrue(bad.isEmpty(), () -> v.id() + ": " + bad);
            assertEquals(DialectEnums.STREAM_NON_BLOCKING, HeaderValues.read(headers(v.emulator()),
                    List.of(v.names().runtimePrefix() + "StreamNonBlocking")).values().iterator().next(), v.id());
        }
    }

    @Test
    void deviceKernelsRunAndOnlyUnboundMixesAreRefused() {
        try (Kuaxin kx = open(); Scope s = kx.device(backend() + ":0").scope()) {
            Device d = s.device();
            assertTrue(d.supportsOp(Op.MATMUL, DType.F32, DType.F32));
            assertTrue(d.supportsOp(Op.SOFTMAX, DType.F32));
            assertTrue(d.supportsOp(Op.ATTENTION, DType.BF16, DType.BF16, DType.BF16));
            assertFalse(d.supportsOp(Op.MATMUL, DType.I8, DType.I8));
            Tensor a = s.copyOf(new float[]{1, -2, 3, 4}, Shape.of(2, 2));
            Tensor r = Ops.withFallback(FallbackPolicy.FAIL).matmul(a, a, Matmul.options().epilogue(Epilogue.RELU));
            assertArrayEquals(new float[]{0, 0, 15, 10}, r.toFloatArray());
            assertTrue(r.provenance().toString().contains("kx_epilogue"), () -> r.provenance().toString());
            // f32 inputs, bf16 output with an f32 bias: GEMM-Ex cannot write it; the epilogue kernel rounds once.
            Tensor bias = s.copyOf(new float[]{0.5f, -100f}, Shape.of(2));
            Tensor mixed = Ops.withFallback(FallbackPolicy.FAIL).matmul(a, a,
                    Matmul.options().bias(bias).outDtype(DType.BF16).epilogue(Epilogue.SILU));
            assertEquals(DType.BF16, mixed.dtype());
            double[] want = {-5 + 0.5, -10 - 100, 15 + 0.5, 10 - 100};   // a·a = [[-5, -10], [15, 10]]
            double[] got = mixed.toDoubleArray();
            for (int i = 0; i < 4; i++) {
                double x = want[i], g = x / (1 + Math.exp(-x));
                assertEquals(g, got[i], Math.abs(g) / 128 + 1e-30, "element " + i);
            }
            assertTrue(mixed.provenance().toString().contains("kx_epilogue"), () -> mixed.provenance().toString());
            Tensor sm = Ops.withFallback(FallbackPolicy.FAIL).softmax(a);
            float[] p = sm.toFloatArray();
            assertEquals(1 / (1 + Math.exp(-3)), p[0], 1e-6);   // row [1, -2]
            assertEquals(1 / (1 + Math.exp(-1)), p[3], 1e-6);   // row [3, 4]
        }
    }

    /** Decode over a long KV splits the keys over blocks and combines them; a short KV does not split. */
    @Test
    void decodeAttentionSplitsLongKvAndMatchesTheUnsplitKernel() {
        try (Kuaxin kx = open(); Scope s = kx.device(backend() + ":0").scope()) {
            int hq = 8, hkv = 2, d = 16;
            for (int sk : new int[]{40, 1500}) {
                float[] q = new float[hq * d], k = new float[hkv * sk * d], v = new float[hkv * sk * d];
                java.util.Random rnd = new java.util.Random(sk);
                for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
                for (int i = 0; i < k.length; i++) {
                    k[i] = (float) rnd.nextGaussian();
                    v[i] = (float) rnd.nextGaussian();
                }
                Tensor tq = s.copyOf(q, Shape.of(1, hq, 1, d)), tk = s.copyOf(k, Shape.of(1, hkv, sk, d));
                Tensor tv = s.copyOf(v, Shape.of(1, hkv, sk, d));
                Tensor o = Ops.withFallback(FallbackPolicy.FAIL).attention(tq, tk, tv, io.kuaxin.Attention.causal());
                String prov = o.provenance().toString();
                assertEquals(sk > 1000, prov.contains("kx_attn_split"), prov);
                float[] got = o.toFloatArray();
                double scale = 1 / Math.sqrt(d);
                for (int h = 0; h < hq; h++) {
                    int kh = h / (hq / hkv);
                    double[] sc = new double[sk];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j < sk; j++) {
                        double dot = 0;
                        for (int x = 0; x < d; x++) dot += (double) q[h * d + x] * k[(kh * sk + j) * d + x];
                        sc[j] = dot * scale;
                        max = Math.max(max, sc[j]);
                    }
                    for (int j = 0; j < sk; j++) sum += sc[j] = Math.exp(sc[j] - max);
                    for (int x = 0; x < d; x++) {
                        double w = 0;
                        for (int j = 0; j < sk; j++) w += sc[j] / sum * v[(kh * sk + j) * d + x];
                        assertEquals(w, got[h * d + x], 1e-5, "head " + h + " column " + x + " sk " + sk);
                    }
                }
            }
        }
    }

    /** bf16 prefill with a head size of 64 runs on tensor cores on NVIDIA's backend, else on kx_attention. */
    @Test
    void prefillTakesTheTensorCoreKernelOnlyWhereItIsBuilt() {
        try (Kuaxin kx = open(); Scope s = kx.device(backend() + ":0").scope()) {
            int h = 2, sq = 40, d = 64;
            float[] x = new float[h * sq * d];
            java.util.Random rnd = new java.util.Random(3);
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            Tensor q = s.copyOf(x, DType.BF16, Shape.of(1, h, sq, d));
            Tensor o = Ops.withFallback(FallbackPolicy.FAIL).attention(q, q, q, io.kuaxin.Attention.causal());
            String prov = o.provenance().toString();
            assertEquals(backend().equals("cuda"), prov.contains("kx_attn_prefill_mma"), prov);
            // Row 0 sees only key 0: its output is v[0] (q = k = v), rounded to bf16.
            float[] got = o.toFloatArray(), in = q.toFloatArray();
            for (int c = 0; c < d; c++) assertEquals(in[c], got[c], Math.abs(in[c]) / 128, "column " + c);
        }
    }

    /** The launch symbol of the bound variant ({@code cuLaunchKernel}, {@code hipModuleLaunchKernel}, ...). */
    private String launchSymbol() { return symbol("cuLaunchKernel"); }

    @Test
    void aRefusedLaunchIsAVendorErrorAndTheDeviceStaysUsable() {
        try (Kuaxin kx = open(); Scope s = kx.device(backend() + ":0").scope()) {
            Tensor a = s.copyOf(new float[]{1, 2, 3, 4}, Shape.of(2, 2));
            emu.injectFault(launchSymbol(), 1, 719);                         // 719: launch failed
            VendorException e = assertThrows(VendorException.class,
                    () -> Ops.withFallback(FallbackPolicy.FAIL).add(a, a));
            assertEquals(launchSymbol(), e.call());
            assertEquals(719, e.code());
            assertArrayEquals(new float[]{2, 4, 6, 8}, Ops.withFallback(FallbackPolicy.FAIL).add(a, a).toFloatArray());
        }
    }

    @Test
    void aRefusedImageIsReportedAndTheNextOpLoadsIt() {
        String load = symbol("cuModuleLoadData");
        try (Kuaxin kx = open(); Scope s = kx.device(backend() + ":1").scope()) {
            Tensor a = s.copyOf(new float[]{-1, 2}, Shape.of(2));
            emu.injectFault(load, 1, 200);                                   // 200: invalid image
            VendorException e = assertThrows(VendorException.class,
                    () -> Ops.withFallback(FallbackPolicy.FAIL).relu(a));
            assertEquals(load, e.call());
            assertEquals(200, e.code());
            assertArrayEquals(new float[]{0, 2}, Ops.withFallback(FallbackPolicy.FAIL).relu(a).toFloatArray());
        }
    }

    @Test
    void kernelsOnTwoStreamsFollowEventOrder() {
        try (Kuaxin kx = open(); Scope s = kx.device(backend() + ":0").scope()) {
            Stream s1 = s.device().newStream(), s2 = s.device().newStream();
            float[] x = new float[100_000];
            for (int i = 0; i < x.length; i++) x[i] = i % 7 - 3;
            Tensor a = s.copyOf(x, Shape.of(x.length));
            Tensor b = Ops.on(s1).withFallback(FallbackPolicy.FAIL).exp(a);
            Event done = s1.record();
            s2.waitFor(done);
            Tensor c = Ops.on(s2).withFallback(FallbackPolicy.FAIL).mul(b, b);
            s2.synchronize();
            float[] got = c.toFloatArray();
            for (int i = 0; i < x.length; i += 997) assertEquals(Math.exp(2.0 * x[i]), got[i], 1e-5 * Math.exp(2 * x[i]));
            s1.close();
            s2.close();
        }
    }

    private static void check(Tensor r, double[][] ref, DType t) {
        double[] got = r.toDoubleArray();
        assertEquals(ref[0].length, got.length);
        double tol = Reference.tolerance(r.dtype() == DType.F32 && t != DType.F32 ? DType.F32 : r.dtype());
        for (int i = 0; i < got.length; i++) {
            double bound = tol * Math.max(ref[1][i], 1e-3) + (t == DType.F64 ? 0 : 1e-6);
            int at = i;
            assertTrue(Math.abs(got[i] - ref[0][i]) <= bound,
                    () -> "element " + at + ": got " + got[at] + ", expected " + ref[0][at] + " ± " + bound);
        }
    }
}
