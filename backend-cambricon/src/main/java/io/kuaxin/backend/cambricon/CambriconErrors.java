package io.kuaxin.backend.cambricon;

import io.kuaxin.DeviceOutOfMemoryException;
import io.kuaxin.VendorException;

import java.util.function.LongSupplier;

/**
 * The one place where CNRT and CNNL status codes become Kuaxin exceptions: {@code cnrtErrorNoMem} (100100) and
 * {@code CNNL_STATUS_ALLOC_FAILED} (2) are out of memory; every other code is a {@link VendorException} carrying
 * the call, the code and {@code cnrtGetErrorStr} / {@code cnnlGetErrorString}. Thread-safe.
 */
final class CambriconErrors {
    static final int CNRT_ERROR_NO_MEM = 100100;      // cnrtErrorNoMem, device memory (V: public cnrt.h)
    static final int CNNL_STATUS_ALLOC_FAILED = 2;    // (U: call sites; number I)
    private final CambriconSymbols s;

    CambriconErrors(CambriconSymbols s) { this.s = s; }

    /** A CNRT status. @throws VendorException or DeviceOutOfMemoryException unless {@code rc} is cnrtSuccess */
    void check(int rc, String call) {
        if (rc == 0) return;
        String msg = s.cnrtMessage(rc);
        if (rc == CNRT_ERROR_NO_MEM) {
            throw new DeviceOutOfMemoryException(CambriconLibraries.BACKEND, -1, -1, 0, call + ": " + msg);
        }
        throw new VendorException(CambriconLibraries.BACKEND, call, rc, msg);
    }

    /** A CNRT allocation status, so out of memory carries the request and the free bytes. */
    void checkAlloc(int rc, String call, String device, long bytes, LongSupplier free) {
        if (rc == 0) return;
        String msg = s.cnrtMessage(rc);
        if (rc == CNRT_ERROR_NO_MEM) {
            throw new DeviceOutOfMemoryException(device, bytes, free.getAsLong(), 0, call + " returned " + rc
                    + (msg.isEmpty() ? "" : " (" + msg + ")"));
        }
        throw new VendorException(CambriconLibraries.BACKEND, call, rc, msg);
    }

    /** A CNNL status. */
    void checkCnnl(int st, String call) {
        if (st == 0) return;
        String msg = s.cnnlMessage(st);
        if (st == CNNL_STATUS_ALLOC_FAILED) {
            throw new DeviceOutOfMemoryException(CambriconLibraries.BACKEND, -1, -1, 0, call + ": " + msg);
        }
        throw new VendorException(CambriconLibraries.BACKEND, call, st, msg);
    }
}
