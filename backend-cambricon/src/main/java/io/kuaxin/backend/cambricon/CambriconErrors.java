package io.kuaxin.backend.cambricon;

import io.kuaxin.DeviceOutOfMemoryException;
import io.kuaxin.VendorException;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.VendorErrors;

import java.util.function.LongSupplier;

/**
 * The one place where CNRT and CNNL status codes become Kuaxin exceptions, one kit {@link VendorErrors} per family:
 * {@code cnrtErrorNoMem} (100100) and {@code CNNL_STATUS_ALLOC_FAILED} (2) are out of memory
 * ({@link DeviceOutOfMemoryException}); every other code is a {@link VendorException} carrying the call, the code
 * and {@code cnrtGetErrorStr} / {@code cnnlGetErrorString}. Thread-safe.
 */
final class CambriconErrors {
    static final int CNRT_ERROR_NO_MEM = 100100;      // cnrtErrorNoMem, device memory (V: public cnrt.h)
    static final int CNNL_STATUS_ALLOC_FAILED = 2;    // (U: call sites; number I)
    private final VendorErrors cnrt, cnnl;

    CambriconErrors(CambriconSymbols s) {
        this.cnrt = new VendorErrors(CambriconSymbols.BACKEND, rc -> rc == CNRT_ERROR_NO_MEM, s::cnrtMessage);
        this.cnnl = new VendorErrors(CambriconSymbols.BACKEND, st -> st == CNNL_STATUS_ALLOC_FAILED, s::cnnlMessage);
    }

    /** A CNRT status. @throws VendorException or DeviceOutOfMemoryException unless {@code rc} is cnrtSuccess */
    void check(int rc, String call) { cnrt.check(rc, call); }

    /** A CNRT allocation status, so out of memory carries the request and the free bytes. */
    void checkAlloc(int rc, String call, String device, long bytes, LongSupplier free) {
        cnrt.checkAlloc(rc, call, device, bytes, free);
    }

    /** A CNNL status. */
    void checkCnnl(int st, String call) { cnnl.check(st, call); }

    /** {@link #check} for {@code call}, for the kit's {@code Native.call} and out-calls. */
    Native.StatusCheck checking(String call) { return cnrt.checking(call); }

    /** {@link #checkCnnl} for {@code call}, as {@link #checking}. */
    Native.StatusCheck checkingCnnl(String call) { return cnnl.checking(call); }
}
