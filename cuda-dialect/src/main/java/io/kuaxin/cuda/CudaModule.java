package io.kuaxin.cuda;

import io.kuaxin.UnsupportedOpException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * The kernel image loaded on one device ({@code cuModuleLoadData} in the dialect's spelling) and its kernels
 * ({@code cuModuleGetFunction}), launched with {@link #launch}.
 *
 * <p>Ownership: the module handle is owned here and unloaded by {@link #close()} (after the device's streams, which
 * may still run its kernels, were closed: the owning {@link CudaDevice} closes it last). Kernel handles live as long
 * as the module. Thread-safe: launches from several streams may run concurrently; use after close is an
 * {@link IllegalStateException}.
 */
final class CudaModule implements AutoCloseable {
    private final CudaDevice device;
    private final ModuleSymbols mod;
    private final MemorySegment module;
    private final Map<String, MemorySegment> functions = new LinkedHashMap<>();
    private final Map<String, String> missing = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    final String source;

    /**
     * Loads {@code image} on {@code device} and looks up every kernel of {@link KernelAbi#KERNELS}; a kernel the
     * image lacks is recorded ({@link #missingReason}), not fatal.
     *
     * @throws io.kuaxin.VendorException if the vendor refuses the image
     */
    CudaModule(CudaDevice device, ModuleSymbols mod, KernelImage image) {
        this.device = device;
        this.mod = mod;
        this.source = image.source();
        CudaRuntime rt = device.rt;
        rt.use(device.ordinal);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            MemorySegment img = a.allocate(image.bytes().length + 1L, 16);
            img.copyFrom(MemorySegment.ofArray(image.bytes()));
            int rc = mod.loadData(p, img);
            if (rc != 0) throw mod.failure(rt.backend, "cuModuleLoadData", rc);
            module = p.get(ADDRESS, 0);
            for (String k : KernelAbi.KERNELS) {
                int r = mod.getFunction(p, module, a.allocateFrom(k));
                if (r == 0) functions.put(k, p.get(ADDRESS, 0));
                else missing.put(k, "the kernel image (" + source + ") has no " + k + ": "
                        + mod.failure(rt.backend, "cuModuleGetFunction", r).getMessage());
            }
        }
    }

    /**
     * Runs {@code kxk_abi_version} once on {@code stream} and waits: {@code null} if the image's parameter layout is
     * this binding's ({@link KernelAbi#VERSION}), else why not (a kernel cache built from other sources).
     *
     * @throws io.kuaxin.VendorException if the launch or the copy fails
     */
    String abiMismatch(CudaStream stream) {
        if (!functions.containsKey("kxk_abi_version")) return missingReason("kxk_abi_version");
        CudaRuntime rt = device.rt;
        long dev = device.allocate(4);
        try (Arena a = Arena.ofConfined()) {
            KernelAbi.View v = new KernelAbi.View(dev, io.kuaxin.DType.I32, new long[]{1}, new long[]{1});
            launch(stream, "kxk_abi_version", 1, 1, 1, 1, a, KernelAbi.tensor(a, v, "abi"));
            MemorySegment host = a.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            rt.errors.check(rt.sym.memcpyAsync(host, MemorySegment.ofAddress(dev), 4, rt.enums.memcpyD2H(),
                    stream.stream), "cudaMemcpyAsync", device);
            rt.errors.check(rt.sym.streamSynchronize(stream.stream), "cudaStreamSynchronize", device);
            int got = host.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
            return got == KernelAbi.VERSION ? null : "the kernel image (" + source + ") has parameter layout "
                    + got + ", this Kuaxin needs " + KernelAbi.VERSION + ": rebuild it (kuaxin kernels build)";
        } finally {
            device.free(dev);
        }
    }

    /** {@code null} if the image has {@code kernel}, else why not. */
    String missingReason(String kernel) {
        return functions.containsKey(kernel) ? null : missing.getOrDefault(kernel, "no kernel " + kernel);
    }

    /**
     * Launches {@code kernel} on {@code stream}: grid {@code (gx, gy, gz)} of {@code block}-thread blocks, each
     * argument's value copied by the driver at the call (the segments may be freed on return).
     *
     * @throws UnsupportedOpException    if the image lacks the kernel
     * @throws io.kuaxin.VendorException if the launch is refused (bad configuration, closed stream, ...)
     */
    void launch(CudaStream stream, String kernel, long gx, long gy, long gz, int block, Arena a,
                MemorySegment... args) {
        if (closed.get()) throw new IllegalStateException(device.info().id() + ": its kernel module is closed");
        MemorySegment f = functions.get(kernel);
        if (f == null) {
            throw new UnsupportedOpException(kernel, List.of(), device.info().id(), missingReason(kernel));
        }
        if (gx > Integer.MAX_VALUE || gy > 65535 || gz > 65535) {
            throw new UnsupportedOpException(kernel, List.of(), device.info().id(), "grid (" + gx + ", " + gy + ", "
                    + gz + ") exceeds the launch limits (2^31-1, 65535, 65535)");
        }
        MemorySegment params = a.allocate(ADDRESS, args.length);
        for (int i = 0; i < args.length; i++) params.setAtIndex(ADDRESS, i, args[i]);
        int rc = mod.launch(f, (int) gx, (int) gy, (int) gz, block, 1, 1, 0, stream.stream, params);
        if (rc != 0) throw mod.failure(device.rt.backend, "cuLaunchKernel", rc);
    }

    /** Unloads the module; idempotent. A failure is logged by the caller's arena cleanup, never thrown twice. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        device.rt.use(device.ordinal);
        int rc = mod.unload(module);
        if (rc != 0) throw mod.failure(device.rt.backend, "cuModuleUnload", rc);
    }
}
