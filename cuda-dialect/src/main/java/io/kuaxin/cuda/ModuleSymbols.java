package io.kuaxin.cuda;

import io.kuaxin.VendorException;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.SymbolBinder;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The module API of one dialect variant: load a kernel image, find a kernel by name, launch it on a stream.
 * Canonical names are the CUDA driver API's ({@code cuModuleLoadData}, {@code cuModuleGetFunction},
 * {@code cuModuleUnload}, {@code cuLaunchKernel}); the variant's {@link SymbolNames} spell them ({@code muModule*},
 * {@code hipModule*} with {@code hipModuleLaunchKernel}, ...). Bound from the driver library when the variant has one
 * (NVIDIA's {@code libcuda.so.1}, MUSA's {@code libmusa.so}), else from the runtime library (HIP, SUPA).
 *
 * <p>Optional as a whole: a runtime without these symbols still runs BLAS and copies, and every device-kernel op
 * reports {@link #unavailableReason()}. Immutable and thread-safe; the wrappers return the vendor status unchanged.
 */
final class ModuleSymbols {
    /** Driver-API result names of the codes the module calls return (CUDA's numbers; HIP and MUSA use the same). */
    private static final Map<Integer, String> RESULT_NAMES = Map.ofEntries(Map.entry(1, "INVALID_VALUE"),
            Map.entry(2, "OUT_OF_MEMORY"), Map.entry(3, "NOT_INITIALIZED"), Map.entry(100, "NO_DEVICE"),
            Map.entry(101, "INVALID_DEVICE"), Map.entry(200, "INVALID_IMAGE"), Map.entry(201, "INVALID_CONTEXT"),
            Map.entry(209, "NO_BINARY_FOR_GPU"), Map.entry(218, "INVALID_PTX"), Map.entry(400, "INVALID_HANDLE"),
            Map.entry(500, "NOT_FOUND"), Map.entry(700, "ILLEGAL_ADDRESS"),
            Map.entry(701, "LAUNCH_OUT_OF_RESOURCES"), Map.entry(719, "LAUNCH_FAILED"));

    private final Dialect.Variant variant;
    private final String library;
    private final MethodHandle loadData, getFunction, unload, launch;
    private final String unavailable;

    private ModuleSymbols(Dialect.Variant variant, String library, MethodHandle[] h, String unavailable) {
        this.variant = variant;
        this.library = library;
        this.loadData = h[0];
        this.getFunction = h[1];
        this.unload = h[2];
        this.launch = h[3];
        this.unavailable = unavailable;
    }

    /**
     * Binds what exists; never throws for a missing symbol (the result then says which are missing).
     *
     * @param lookup  the driver library's lookup, or the runtime's when the variant has no driver library
     * @param library its file name, for messages
     */
    static ModuleSymbols bind(Dialect.Variant variant, SymbolLookup lookup, String library) {
        SymbolBinder b = new SymbolBinder(lookup, library);
        String[] names = {"cuModuleLoadData", "cuModuleGetFunction", "cuModuleUnload", "cuLaunchKernel"};
        FunctionDescriptor[] fds = {
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                FunctionDescriptor.of(JAVA_INT, ADDRESS),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_INT, ADDRESS, ADDRESS, ADDRESS)};
        MethodHandle[] h = new MethodHandle[4];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            String sym = variant.names().symbol(names[i]);
            Optional<MethodHandle> m = b.optional(sym, fds[i]);
            if (m.isPresent()) h[i] = m.get();
            else missing.add(sym);
        }
        String why = missing.isEmpty() ? null : library + " lacks the module API " + missing
                + ", so device kernels cannot be loaded";
        return new ModuleSymbols(variant, library, h, why);
    }

    /** {@code null} when bound, else why not. */
    String unavailableReason() { return unavailable; }

    String library() { return library; }

    /** The vendor spelling of a canonical module-API name. */
    String name(String cudaName) { return variant.names().symbol(cudaName); }

    /** The exception for a failed module call (these return driver-API codes, which the runtime cannot name). */
    VendorException failure(String backend, String cudaName, int rc) {
        String n = RESULT_NAMES.get(rc);
        return new VendorException(backend, name(cudaName), rc, n == null ? "" : n);
    }

    int loadData(MemorySegment module, MemorySegment image) {
        try { return (int) loadData.invokeExact(module, image); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int getFunction(MemorySegment function, MemorySegment module, MemorySegment name) {
        try { return (int) getFunction.invokeExact(function, module, name); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int unload(MemorySegment module) {
        try { return (int) unload.invokeExact(module); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int launch(MemorySegment f, int gx, int gy, int gz, int bx, int by, int bz, int shared, MemorySegment stream,
               MemorySegment params) {
        try {
            return (int) launch.invokeExact(f, gx, gy, gz, bx, by, bz, shared, stream, params, MemorySegment.NULL);
        } catch (Throwable t) { throw Native.rethrow(t); }
    }
}
