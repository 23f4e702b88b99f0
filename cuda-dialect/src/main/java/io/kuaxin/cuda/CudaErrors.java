package io.kuaxin.cuda;

import io.kuaxin.DeviceOutOfMemoryException;
import io.kuaxin.KuaxinException;
import io.kuaxin.VendorException;
import io.kuaxin.spi.ffm.VendorErrors;

import java.lang.foreign.MemorySegment;

/**
 * The one place where a dialect's status codes become Kuaxin exceptions, one kit {@link VendorErrors} for the
 * runtime's codes and one for the BLAS's.
 *
 * <ul>
 *   <li>runtime "memory allocation" ({@code cudaErrorMemoryAllocation}, {@code hipErrorOutOfMemory}, ...) and the
 *       BLAS "alloc failed" status → {@link DeviceOutOfMemoryException} with the request and what the device reports
 *       free;</li>
 *   <li>anything else → {@link VendorException}{@code (backend, symbol, code, vendor message)}, the message coming
 *       from the vendor's own {@code cudaGetErrorString} / {@code hipGetErrorString} / {@code musaGetErrorString} /
 *       {@code supaGetErrorString}, or the BLAS's status string ({@code cublasGetStatusString},
 *       {@code hipblasStatusToString}, {@code mublasStatus_to_string}, {@code sublasGetStatusString}; the dialect's
 *       status-name table where the BLAS has none, e.g. cuBLAS before 11.4).</li>
 * </ul>
 * After a runtime failure the thread's sticky "last error" is cleared ({@code cudaGetLastError}), so it cannot be
 * mistaken for a later failure. Thread-safe.
 */
final class CudaErrors {
    private final String backend;
    private final CudaSymbols sym;
    private final DialectEnums enums;
    private final VendorErrors runtime, blas;

    CudaErrors(String backend, CudaSymbols sym) {
        this.backend = backend;
        this.sym = sym;
        this.enums = sym.variant.enums();
        this.runtime = new VendorErrors(backend, rc -> rc == enums.errMemoryAllocation(), this::runtimeMessage);
        this.blas = new VendorErrors(backend, st -> st == enums.blasAllocFailed(), this::blasMessage);
    }

    /** The runtime's message for {@code code}. */
    String runtimeMessage(int code) {
        MemorySegment s = sym.getErrorString(code);
        return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** The BLAS's message for {@code status}. */
    String blasMessage(int status) {
        if (sym.hasBlasStatusString()) {
            MemorySegment s = sym.blasStatusString(status);
            if (!s.equals(MemorySegment.NULL)) return s.reinterpret(Long.MAX_VALUE).getString(0);
        }
        return enums.blasStatusName(status);
    }

    /**
     * Throws if the runtime call failed.
     *
     * @param rc      the status returned by the call
     * @param cudaName the canonical name of the call (reported with the dialect's spelling)
     * @param device  the device the call was for, or {@code null}
     * @throws DeviceOutOfMemoryException for the runtime's out-of-memory status
     * @throws VendorException            for any other non-zero status
     */
    void check(int rc, String cudaName, CudaDevice device) {
        if (rc != 0) throw runtimeFailure(rc, cudaName, device, 0);
    }

    /** The exception for a failed runtime call that asked for {@code requested} bytes (0 if not an allocation). */
    KuaxinException runtimeFailure(int rc, String cudaName, CudaDevice device, long requested) {
        sym.getLastError(); // clear the sticky last error; the status we got is the one we report
        return runtime.error(rc, sym.name(cudaName), deviceId(device), requested, () -> freeBytes(device));
    }

    /**
     * Throws if the BLAS call failed.
     *
     * @throws DeviceOutOfMemoryException for the BLAS's "alloc failed"
     * @throws VendorException            for any other non-zero status
     */
    void checkBlas(int st, String cudaName, CudaDevice device) {
        if (st == 0) return;
        throw blas.error(st, displayName(sym.name(cudaName), cudaName), deviceId(device), 0, () -> freeBytes(device));
    }

    /** A C++-mangled symbol is reported with its readable name first, e.g. {@code mublasGemmEx [_Z12mublas...]}. */
    private String displayName(String symbol, String cudaName) {
        if (!symbol.startsWith("_Z")) return symbol;
        String plain = sym.variant.names().blasPrefix() + cudaName.substring("cublas".length());
        return plain + " [" + symbol + "]";
    }

    private String deviceId(CudaDevice device) { return device == null ? backend : device.info().id(); }

    private static long freeBytes(CudaDevice device) { return device == null ? -1 : device.freeMemoryQuietly(); }
}
