package io.kuaxin.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One bound dialect variant: its symbols, its error mapping, and the calling thread's current device.
 *
 * <p>The CUDA family keeps a <em>current device per host thread</em>; calls such as {@code cudaMalloc},
 * {@code cudaStreamCreate} and every BLAS call on a handle act on it. {@link #use(int)} makes {@code ordinal}
 * current before such a call and remembers it per thread, so {@code cudaSetDevice} runs only when the thread
 * switches devices. The memory is shared by every runtime bound to the same library file (the dynamic loader gives
 * them one instance, hence one current device per thread). Code outside Kuaxin that calls {@code cudaSetDevice} on a
 * Kuaxin thread makes the memory stale; do not.
 *
 * <p>Thread-safe.
 */
final class CudaRuntime {
    /** Current device per thread, per loaded runtime library. */
    private static final Map<Path, ThreadLocal<int[]>> CURRENT = new ConcurrentHashMap<>();

    final String backend;
    final Dialect dialect;
    final CudaSymbols sym;
    final CudaErrors errors;
    final DialectEnums enums;
    final boolean emulated;
    final Path runtimeLibrary;
    final int deviceCount;
    private final ThreadLocal<int[]> current;
    /** The module API (device kernels), or {@code null} when the runtime was bound without it. */
    final ModuleSymbols modules;
    private volatile KernelImage image;

    CudaRuntime(Dialect dialect, CudaSymbols sym, boolean emulated, Path runtimeLibrary, int deviceCount) {
        this(dialect, sym, emulated, runtimeLibrary, deviceCount, null);
    }

    CudaRuntime(Dialect dialect, CudaSymbols sym, boolean emulated, Path runtimeLibrary, int deviceCount,
                ModuleSymbols modules) {
        this.modules = modules;
        this.backend = dialect.name();
        this.dialect = dialect;
        this.sym = sym;
        this.errors = new CudaErrors(backend, sym);
        this.enums = sym.variant.enums();
        this.emulated = emulated;
        this.runtimeLibrary = runtimeLibrary;
        this.deviceCount = deviceCount;
        this.current = CURRENT.computeIfAbsent(runtimeLibrary, p -> ThreadLocal.withInitial(() -> new int[]{-1}));
    }

    Dialect.Variant variant() { return sym.variant; }

    /** The kernel image of this runtime (found once). */
    KernelImage kernelImage() {
        KernelImage i = image;
        if (i == null) image = i = KernelImage.find(backend, emulated, System.getenv());
        return i;
    }

    /** {@code null} if device kernels can be loaded, else why not (no module API, no image). */
    String kernelsUnavailable() {
        if (modules == null) return "the module API was not bound";
        if (modules.unavailableReason() != null) return modules.unavailableReason();
        return kernelImage().absent();
    }

    /**
     * Makes {@code ordinal} the calling thread's current device.
     *
     * @throws io.kuaxin.VendorException if {@code cudaSetDevice} fails
     */
    void use(int ordinal) {
        int[] cur = current.get();
        if (cur[0] == ordinal) return;
        errors.check(sym.setDevice(ordinal), "cudaSetDevice", null);
        cur[0] = ordinal;
    }

    /** Counts devices; {@code cudaErrorNoDevice} (100 in every dialect's header) counts as zero. */
    static int countDevices(CudaSymbols sym, CudaErrors errors) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            int rc = sym.getDeviceCount(n);
            if (rc == 100) {
                sym.getLastError();
                return 0;
            }
            errors.check(rc, "cudaGetDeviceCount", null);
            return n.get(JAVA_INT, 0);
        }
    }
}
