package io.kuaxin.cuda;

import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.SymbolBinder;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Every downcall of one dialect variant, bound once at probe time from its runtime, BLAS and (optional) driver
 * libraries through {@link SymbolBinder}, using the variant's {@link SymbolNames}. The error-string function is
 * bound first. A missing required symbol fails the constructor with every missing name (the backend is then
 * unavailable, naming them); optional ones (device naming, attributes, BLAS status strings) are {@code Optional}.
 *
 * <p>Signatures follow {@code native/include/cuda/*.h}; {@code size_t} is {@code JAVA_LONG} (LP64), enums and
 * {@code int} are {@code JAVA_INT}, {@code long long} strides are {@code JAVA_LONG}, handles and pointers are
 * {@code ADDRESS}. {@link Linker.Option#critical(boolean) critical(false)} is used only for the error-string and
 * last-error functions: they read a table or a thread-local, never block and never call back, which is what a
 * critical downcall requires; everything else may take driver locks or wait.
 *
 * <p>Immutable and thread-safe; the wrappers return the vendor status unchanged ({@link CudaErrors} maps it).
 */
final class CudaSymbols {
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    final Dialect.Variant variant;
    private final Map<String, String> bound = new LinkedHashMap<>();

    private final MethodHandle getErrorString, getLastError;
    private final MethodHandle getDeviceCount, setDevice, deviceSynchronize, memGetInfo;
    private final MethodHandle malloc, free, mallocHost, freeHost, memcpyAsync, memsetAsync;
    private final MethodHandle streamCreateWithFlags, streamDestroy, streamSynchronize, streamWaitEvent;
    private final MethodHandle eventCreateWithFlags, eventRecord, eventQuery, eventSynchronize, eventElapsedTime,
            eventDestroy;
    private final MethodHandle blasCreate, blasDestroy, blasSetStream, gemmEx, gemmStridedBatchedEx;
    private final Optional<MethodHandle> blasStatusString, deviceGetAttribute;
    /** Bound (and required) only where the dialect has an exact-reduction math mode. */
    private final Optional<MethodHandle> blasSetMathMode;
    private final Optional<MethodHandle> driverInit, driverDeviceGet, driverDeviceGetName;

    /**
     * Binds everything.
     *
     * @param runtime the runtime library's lookup and file name
     * @param blas    the BLAS library's lookup and file name (may be the same library)
     * @param driver  the driver library's lookup and file name, or {@code null} if none was found
     * @throws SymbolBinder.MissingSymbolsException naming the library and every missing required symbol
     */
    CudaSymbols(Dialect.Variant variant, SymbolLookup runtime, String runtimeFile, SymbolLookup blas,
                String blasFile, SymbolLookup driver, String driverFile) {
        this.variant = variant;
        SymbolBinder rt = new SymbolBinder(runtime, runtimeFile);
        getErrorString = bind(rt, "cudaGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT), CRITICAL);
        getLastError = bind(rt, "cudaGetLastError", FunctionDescriptor.of(JAVA_INT), CRITICAL);
        getDeviceCount = bind(rt, "cudaGetDeviceCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setDevice = bind(rt, "cudaSetDevice", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        deviceSynchronize = bind(rt, "cudaDeviceSynchronize", FunctionDescriptor.of(JAVA_INT));
        memGetInfo = bind(rt, "cudaMemGetInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        malloc = bind(rt, "cudaMalloc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        free = bind(rt, "cudaFree", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        mallocHost = bind(rt, "cudaMallocHost", variant.hostAlloc() == Dialect.HostAlloc.PTR_SIZE_FLAGS
                ? FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT)
                : FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        freeHost = bind(rt, "cudaFreeHost", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        memcpyAsync = bind(rt, "cudaMemcpyAsync", variant.copyOrder() == Dialect.CopyOrder.STREAM_THEN_KIND
                ? FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT)
                : FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
        memsetAsync = bind(rt, "cudaMemsetAsync", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
        streamCreateWithFlags = bind(rt, "cudaStreamCreateWithFlags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        streamDestroy = bind(rt, "cudaStreamDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        streamSynchronize = bind(rt, "cudaStreamSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        streamWaitEvent = bind(rt, "cudaStreamWaitEvent", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        eventCreateWithFlags = bind(rt, "cudaEventCreateWithFlags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        eventRecord = bind(rt, "cudaEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        eventQuery = bind(rt, "cudaEventQuery", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        eventSynchronize = bind(rt, "cudaEventSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        eventElapsedTime = bind(rt, "cudaEventElapsedTime", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        eventDestroy = bind(rt, "cudaEventDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        deviceGetAttribute = optional(rt, "cudaDeviceGetAttribute",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

        SymbolBinder bl = new SymbolBinder(blas, blasFile);
        blasStatusString = optional(bl, "cublasGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT), CRITICAL);
        blasCreate = bind(bl, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        blasDestroy = bind(bl, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        blasSetStream = bind(bl, "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        blasSetMathMode = variant.enums().hasExactReductionSwitch()
                ? Optional.ofNullable(bind(bl, "cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)))
                : Optional.empty();
        gemmEx = bind(bl, "cublasGemmEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        gemmStridedBatchedEx = bind(bl, "cublasGemmStridedBatchedEx", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT,
                JAVA_INT, JAVA_INT));

        if (driver != null) {
            SymbolBinder dr = new SymbolBinder(driver, driverFile);
            driverInit = optional(dr, "cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            driverDeviceGet = optional(dr, "cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            driverDeviceGetName = optional(dr, "cuDeviceGetName",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        } else {
            driverInit = driverDeviceGet = driverDeviceGetName = Optional.empty();
        }
        List<String> missing = new ArrayList<>(rt.missing());
        if (!missing.isEmpty()) throw new SymbolBinder.MissingSymbolsException(runtimeFile, missing);
        bl.requireAll();
    }

    private MethodHandle bind(SymbolBinder b, String cudaName, FunctionDescriptor fd, Linker.Option... o) {
        List<String> c = variant.names().candidates(cudaName);
        for (String alt : c.subList(0, c.size() - 1)) {
            Optional<MethodHandle> h = b.optional(alt, fd, o);
            if (h.isPresent()) {
                bound.put(cudaName, alt);
                return h.get();
            }
        }
        bound.put(cudaName, c.getLast());
        return b.bind(c.getLast(), fd, o);
    }

    private Optional<MethodHandle> optional(SymbolBinder b, String cudaName, FunctionDescriptor fd,
                                            Linker.Option... o) {
        String sym = variant.names().symbol(cudaName);
        Optional<MethodHandle> h = b.optional(sym, fd, o);
        if (h.isPresent()) bound.put(cudaName, sym);
        return h;
    }

    /** The vendor symbol bound for canonical name {@code cudaName} (e.g. {@code hipHostMalloc}). */
    String name(String cudaName) {
        String s = bound.get(cudaName);
        return s != null ? s : variant.names().symbol(cudaName);
    }

    /** Whether the driver-side device naming functions are bound. */
    boolean canNameDevices() { return driverDeviceGet.isPresent() && driverDeviceGetName.isPresent(); }

    boolean hasAttributes() { return deviceGetAttribute.isPresent(); }

    boolean hasBlasStatusString() { return blasStatusString.isPresent(); }

    // ------------------------------------------------------------------ runtime

    MemorySegment getErrorString(int code) {
        try { return (MemorySegment) getErrorString.invokeExact(code); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int getLastError() {
        try { return (int) getLastError.invokeExact(); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int getDeviceCount(MemorySegment count) {
        try { return (int) getDeviceCount.invokeExact(count); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int setDevice(int device) {
        try { return (int) setDevice.invokeExact(device); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int deviceSynchronize() {
        try { return (int) deviceSynchronize.invokeExact(); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int memGetInfo(MemorySegment free, MemorySegment total) {
        try { return (int) memGetInfo.invokeExact(free, total); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int deviceGetAttribute(MemorySegment value, int attr, int device) {
        try { return (int) deviceGetAttribute.orElseThrow().invokeExact(value, attr, device); }
        catch (Throwable t) { throw Native.rethrow(t); }
    }

    int malloc(MemorySegment ptr, long bytes) {
        try { return (int) malloc.invokeExact(ptr, bytes); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int free(MemorySegment ptr) {
        try { return (int) free.invokeExact(ptr); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    /** Pinned host memory, through the dialect's argument adapter (HIP's flags argument is 0, the default). */
    int mallocHost(MemorySegment ptr, long bytes) {
        try {
            return variant.hostAlloc() == Dialect.HostAlloc.PTR_SIZE_FLAGS
                    ? (int) mallocHost.invokeExact(ptr, bytes, 0)
                    : (int) mallocHost.invokeExact(ptr, bytes);
        } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int freeHost(MemorySegment ptr) {
        try { return (int) freeHost.invokeExact(ptr); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    /** Async copy, through the dialect's argument-order adapter. */
    int memcpyAsync(MemorySegment dst, MemorySegment src, long bytes, int kind, MemorySegment stream) {
        try {
            return variant.copyOrder() == Dialect.CopyOrder.STREAM_THEN_KIND
                    ? (int) memcpyAsync.invokeExact(dst, src, bytes, stream, kind)
                    : (int) memcpyAsync.invokeExact(dst, src, bytes, kind, stream);
        } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int memsetAsync(MemorySegment dst, int value, long bytes, MemorySegment stream) {
        try { return (int) memsetAsync.invokeExact(dst, value, bytes, stream); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int streamCreateWithFlags(MemorySegment stream, int flags) {
        try { return (int) streamCreateWithFlags.invokeExact(stream, flags); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int streamDestroy(MemorySegment stream) {
        try { return (int) streamDestroy.invokeExact(stream); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int streamSynchronize(MemorySegment stream) {
        try { return (int) streamSynchronize.invokeExact(stream); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int streamWaitEvent(MemorySegment stream, MemorySegment event, int flags) {
        try { return (int) streamWaitEvent.invokeExact(stream, event, flags); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int eventCreateWithFlags(MemorySegment event, int flags) {
        try { return (int) eventCreateWithFlags.invokeExact(event, flags); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int eventRecord(MemorySegment event, MemorySegment stream) {
        try { return (int) eventRecord.invokeExact(event, stream); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int eventQuery(MemorySegment event) {
        try { return (int) eventQuery.invokeExact(event); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int eventSynchronize(MemorySegment event) {
        try { return (int) eventSynchronize.invokeExact(event); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int eventElapsedTime(MemorySegment ms, MemorySegment start, MemorySegment end) {
        try { return (int) eventElapsedTime.invokeExact(ms, start, end); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int eventDestroy(MemorySegment event) {
        try { return (int) eventDestroy.invokeExact(event); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    // ------------------------------------------------------------------ driver (device names)

    int driverInit() {
        try { return driverInit.isPresent() ? (int) driverInit.get().invokeExact(0) : 0; }
        catch (Throwable t) { throw Native.rethrow(t); }
    }

    int driverDeviceGet(MemorySegment device, int ordinal) {
        try { return (int) driverDeviceGet.orElseThrow().invokeExact(device, ordinal); }
        catch (Throwable t) { throw Native.rethrow(t); }
    }

    int driverDeviceGetName(MemorySegment name, int len, int device) {
        try { return (int) driverDeviceGetName.orElseThrow().invokeExact(name, len, device); }
        catch (Throwable t) { throw Native.rethrow(t); }
    }

    // ------------------------------------------------------------------ BLAS

    MemorySegment blasStatusString(int status) {
        try { return (MemorySegment) blasStatusString.orElseThrow().invokeExact(status); }
        catch (Throwable t) { throw Native.rethrow(t); }
    }

    int blasCreate(MemorySegment handle) {
        try { return (int) blasCreate.invokeExact(handle); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int blasDestroy(MemorySegment handle) {
        try { return (int) blasDestroy.invokeExact(handle); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int blasSetStream(MemorySegment handle, MemorySegment stream) {
        try { return (int) blasSetStream.invokeExact(handle, stream); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    /** Whether {@link #blasSetMathMode} is bound. */
    boolean hasSetMathMode() { return blasSetMathMode.isPresent(); }

    int blasSetMathMode(MemorySegment handle, int mode) {
        try { return (int) blasSetMathMode.orElseThrow().invokeExact(handle, mode); }
        catch (Throwable t) { throw Native.rethrow(t); }
    }

    int gemmEx(MemorySegment h, int opA, int opB, int m, int n, int k, MemorySegment alpha,
               MemorySegment a, int aType, int lda, MemorySegment b, int bType, int ldb, MemorySegment beta,
               MemorySegment c, int cType, int ldc, int compute, int algo) {
        try {
            return (int) gemmEx.invokeExact(h, opA, opB, m, n, k, alpha, a, aType, lda, b, bType, ldb, beta, c,
                    cType, ldc, compute, algo);
        } catch (Throwable t) { throw Native.rethrow(t); }
    }

    int gemmStridedBatchedEx(MemorySegment h, int opA, int opB, int m, int n, int k, MemorySegment alpha,
                             MemorySegment a, int aType, int lda, long strideA, MemorySegment b, int bType, int ldb,
                             long strideB, MemorySegment beta, MemorySegment c, int cType, int ldc, long strideC,
                             int batch, int compute, int algo) {
        try {
            return (int) gemmStridedBatchedEx.invokeExact(h, opA, opB, m, n, k, alpha, a, aType, lda, strideA, b,
                    bType, ldb, strideB, beta, c, cType, ldc, strideC, batch, compute, algo);
        } catch (Throwable t) { throw Native.rethrow(t); }
    }
}
