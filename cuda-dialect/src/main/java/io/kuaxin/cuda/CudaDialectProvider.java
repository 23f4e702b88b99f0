package io.kuaxin.cuda;

import io.kuaxin.BackendUnavailableException;
import io.kuaxin.KuaxinException;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.ffm.NativeLibraryLocator;
import io.kuaxin.spi.ffm.SymbolBinder;
import io.kuaxin.spi.ffm.VendorLibraries;

import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The shared provider of every CUDA-dialect backend, parameterised by its {@link Dialect}.
 *
 * <p>{@link #probe()} tries the dialect's variants in order. For each it locates the runtime, BLAS and driver
 * libraries ({@link NativeLibraryLocator}: the emulator when {@code kuaxin.emulate} names this backend, else the
 * explicit {@code kuaxin.<backend>.library}, else the SDK roots), loads them, binds every symbol
 * ({@link CudaSymbols}) and counts devices. The first variant that gets that far is used; the reason of each one that
 * did not, and everything searched, go into {@link Availability#details()}. {@code kuaxin.<backend>.variant}
 * ({@code KUAXIN_<BACKEND>_VARIANT}) restricts the variants tried, e.g. {@code hip} for Hygon.
 *
 * <p>Libraries are loaded into the global arena: vendor runtimes keep threads and exit handlers, so unloading them
 * while the process runs is not safe.
 *
 * <p>Lifecycle and threading as {@link BackendProvider} says: probe once, then open devices.
 */
public abstract class CudaDialectProvider implements BackendProvider {
    private final Dialect dialect;
    private volatile CudaRuntime runtime;

    protected CudaDialectProvider(Dialect dialect) {
        this.dialect = dialect;
    }

    /** The dialect this provider binds. */
    public final Dialect dialect() { return dialect; }

    @Override
    public final String name() { return dialect.name(); }

    @Override
    public final List<String> aliases() { return dialect.aliases(); }

    @Override
    public final String vendor() { return dialect.vendor(); }

    /** The bound variant's variable; before a successful probe, the first variant's. */
    @Override
    public final String visibleDevicesVariable() {
        CudaRuntime r = runtime;
        return (r != null ? r.variant() : dialect.variants().getFirst()).visibleDevicesVariable();
    }

    /** The id of the variant that bound, e.g. {@code dtk-cuda} or {@code hip}; empty before a successful probe. */
    public final Optional<String> boundVariant() {
        CudaRuntime r = runtime;
        return r == null ? Optional.empty() : Optional.of(r.variant().id());
    }

    /**
     * One downcall that does no device work ({@code cudaGetLastError} in the dialect's spelling): the
     * dispatch-overhead benchmark's no-op.
     *
     * @throws IllegalStateException before a successful probe
     */
    public final int noop() {
        CudaRuntime r = runtime;
        if (r == null) throw new IllegalStateException(dialect.name() + " is not probed");
        return r.sym.getLastError();
    }

    @Override
    public Availability probe() {
        List<String> details = new ArrayList<>();
        try {
            return probe(System.getenv(), details);
        } catch (RuntimeException | LinkageError e) { // never throw from probe
            return Availability.unavailable(dialect.name() + ": probe failed: " + e, details);
        }
    }

    private Availability probe(Map<String, String> env, List<String> details) {
        List<Dialect.Variant> variants = selectedVariants(env);
        if (variants.isEmpty()) {
            return Availability.unavailable(dialect.name() + ": " + variantSetting() + " names no variant of "
                    + dialect.variants().stream().map(Dialect.Variant::id).toList(), details);
        }
        List<String> failures = new ArrayList<>();
        for (Dialect.Variant v : variants) {
            String why = tryVariant(v, env, details);
            CudaRuntime r = runtime;
            if (why == null && r != null) {
                String lib = (r.emulated ? "emulator " : "") + r.runtimeLibrary;
                details.add("bound variant " + v.id() + " (" + v.description() + ")");
                return Availability.available(r.emulated ? Availability.SCORE_EMULATOR : Availability.SCORE_ACCELERATOR,
                        r.deviceCount, r.deviceCount + " device(s) through " + v.description() + " (" + lib + ")",
                        details);
            }
            failures.add(v.id() + ": " + why);
        }
        return Availability.unavailable(dialect.name() + " unavailable: " + String.join("; ", failures), details);
    }

    private String variantSetting() { return "kuaxin." + dialect.name() + ".variant"; }

    private List<Dialect.Variant> selectedVariants(Map<String, String> env) {
        String sel = NativeLibraryLocator.setting(variantSetting(),
                "KUAXIN_" + dialect.name().toUpperCase(Locale.ROOT) + "_VARIANT", env);
        if (sel == null || sel.isBlank()) return dialect.variants();
        List<String> ids = List.of(sel.toLowerCase(Locale.ROOT).split("\\s*,\\s*"));
        return dialect.variants().stream().filter(v -> ids.contains(v.id())).toList();
    }

    /** Binds one variant; {@code null} on success (then {@link #runtime} is set), else why not. */
    private String tryVariant(Dialect.Variant v, Map<String, String> env, List<String> details) {
        boolean emulate = NativeLibraryLocator.emulationRequested(dialect.name(), env);
        String explicit = emulate ? null : NativeLibraryLocator.setting("kuaxin." + dialect.name() + ".library",
                "KUAXIN_" + dialect.name().toUpperCase(Locale.ROOT) + "_LIBRARY", env);
        Map<VendorLibrary.Role, Path> paths = new EnumMap<>(VendorLibrary.Role.class);
        for (VendorLibrary lib : v.libraries()) {
            NativeLibraryLocator.Result res = NativeLibraryLocator.locate(lib.request(dialect.name(), v.emulator(), env), env);
            Optional<Path> p = res.path();
            if (p.isPresent() && explicit != null && !explicit.isBlank() && !isExplicit(p.get(), explicit)) {
                p = Optional.empty(); // an explicit setting is obeyed, never silently replaced by an SDK found elsewhere
            }
            String role = v.id() + " " + lib.role().name().toLowerCase(Locale.ROOT);
            if (p.isPresent()) {
                details.add(role + ": " + (res.emulated() ? "emulator " : "") + p.get());
                paths.put(lib.role(), p.get());
                continue;
            }
            details.add(role + ": " + String.join(" | ", lib.fileNames()) + " not found; searched " + res.searched());
            if (!lib.required()) continue;
            if (emulate) return "emulator libkuaxin-emu-" + v.emulator() + ".so not found (searched " + res.searched() + ")";
            if (explicit != null && !explicit.isBlank()) {
                return lib.fileNames().getFirst() + " not found at kuaxin." + dialect.name() + ".library="
                        + explicit + " (no file there, or not a " + lib.role().name().toLowerCase(Locale.ROOT)
                        + " library)";
            }
            return lib.fileNames().getFirst() + " not found under " + lib.roots() + ", LD_LIBRARY_PATH or the system"
                    + " library directories (set kuaxin." + dialect.name() + ".library, or kuaxin.emulate="
                    + dialect.name() + " for the emulator)";
        }
        Path rtPath = paths.get(VendorLibrary.Role.RUNTIME);
        try {
            SymbolLookup rtLookup = load(rtPath);
            Path blasPath = paths.get(VendorLibrary.Role.BLAS);
            SymbolLookup blasLookup = load(blasPath);
            Path drvPath = paths.get(VendorLibrary.Role.DRIVER);
            SymbolLookup drvLookup = drvPath == null ? null : load(drvPath);
            CudaSymbols sym = new CudaSymbols(v, rtLookup, rtPath.toString(), blasLookup, blasPath.toString(),
                    drvLookup, drvPath == null ? null : drvPath.toString());
            details.add(v.id() + " symbols: " + sym.name("cudaMalloc") + ", " + sym.name("cudaMallocHost") + ", "
                    + sym.name("cublasGemmEx") + ", " + sym.name("cublasGemmStridedBatchedEx") + ", ...");
            int count = CudaRuntime.countDevices(sym, new CudaErrors(dialect.name(), sym));
            if (count == 0) return "the runtime reports no devices (" + v.visibleDevicesVariable() + "="
                    + env.getOrDefault(v.visibleDevicesVariable(), "<unset>") + ")";
            ModuleSymbols mod = drvLookup != null
                    ? ModuleSymbols.bind(v, drvLookup, drvPath.toString())
                    : ModuleSymbols.bind(v, rtLookup, rtPath.toString());
            details.add(v.id() + " module API: " + (mod.unavailableReason() == null ? mod.name("cuModuleLoadData")
                    + ", " + mod.name("cuLaunchKernel") + " in " + mod.library() : mod.unavailableReason()));
            CudaRuntime r = new CudaRuntime(dialect, sym, emulate, rtPath, count, mod);
            String noKernels = r.kernelsUnavailable();
            details.add(v.id() + " device kernels: " + (noKernels == null ? String.join(", ", KernelAbi.KERNELS)
                    + " from " + r.kernelImage().source() : "none (" + noKernels + ")"));
            runtime = r;
            return null;
        } catch (SymbolBinder.MissingSymbolsException e) {
            return e.getMessage();
        } catch (IllegalArgumentException e) {
            return "cannot load a library: " + e.getMessage();
        } catch (KuaxinException e) {
            return e.getMessage();
        }
    }

    private static boolean isExplicit(Path p, String explicit) {
        for (String s : explicit.split(java.io.File.pathSeparator)) if (Path.of(s.trim()).equals(p)) return true;
        return false;
    }

    private static SymbolLookup load(Path p) {
        return VendorLibraries.load(p);
    }

    /**
     * Opens logical device {@code ordinal}.
     *
     * @throws BackendUnavailableException if probing did not succeed
     * @throws io.kuaxin.VendorException    if the vendor runtime cannot set up the device
     */
    @Override
    public DeviceBackend open(int ordinal) {
        CudaRuntime r = runtime;
        if (r == null) throw new BackendUnavailableException(dialect.name(), dialect.name() + ": not available (probe first)");
        return new CudaDevice(r, ordinal);
    }
}
