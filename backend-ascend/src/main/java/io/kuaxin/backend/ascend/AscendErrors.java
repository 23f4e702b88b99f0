package io.kuaxin.backend.ascend;

import io.kuaxin.DeviceOutOfMemoryException;
import io.kuaxin.VendorException;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.VendorErrors;

import java.util.function.LongSupplier;

/**
 * The one place where AscendCL and aclnn status codes become Kuaxin exceptions, through the kit's
 * {@link VendorErrors}. Codes follow {@code native/include/ascend/acl_base.h} and {@code acl_meta.h}; the vendor
 * text comes from {@code aclGetRecentErrMsg}, read on the failing thread right after the call.
 *
 * <ul>
 *   <li>{@code ACL_ERROR_BAD_ALLOC} (200000) and {@code ACL_ERROR_RT_MEMORY_ALLOCATION} (207001) become
 *       {@link DeviceOutOfMemoryException} (with the request and free bytes where the caller knows them);</li>
 *   <li>everything else becomes {@link VendorException} with the call, the code and the vendor message.</li>
 * </ul>
 * Thread-safe.
 */
final class AscendErrors {
    static final int ACL_SUCCESS = 0;
    static final int ACL_ERROR_INVALID_PARAM = 100000;
    static final int ACL_ERROR_UNINITIALIZE = 100001;
    static final int ACL_ERROR_REPEAT_INITIALIZE = 100002;
    static final int ACL_ERROR_BAD_ALLOC = 200000;
    static final int ACL_ERROR_RT_MEMORY_ALLOCATION = 207001;
    static final int ACLNN_ERR_PARAM_NULLPTR = 161001;
    static final int ACLNN_ERR_PARAM_INVALID = 161002;
    static final int ACLNN_ERR_RUNTIME_ERROR = 361001;

    private final VendorErrors acl;

    AscendErrors(AscendSymbols s) {
        this.acl = new VendorErrors(AscendSymbols.BACKEND, AscendErrors::isOutOfMemory, rc -> s.recentErrorMessage());
    }

    static boolean isOutOfMemory(int rc) {
        return rc == ACL_ERROR_BAD_ALLOC || rc == ACL_ERROR_RT_MEMORY_ALLOCATION;
    }

    /**
     * Returns if {@code rc} is success.
     *
     * @throws DeviceOutOfMemoryException for a memory code (sizes unknown here)
     * @throws VendorException            for any other code
     */
    void check(int rc, String call) { acl.check(rc, call); }

    /**
     * As {@link #check} for an allocation of {@code bytes} on {@code device}, so an out-of-memory error carries the
     * request and what the device reports free.
     */
    void checkAlloc(int rc, String call, String device, long bytes, LongSupplier free) {
        acl.checkAlloc(rc, call, device, bytes, free);
    }

    /** {@link #check} for {@code call}, for the kit's {@code Native.call} and out-calls. */
    Native.StatusCheck checking(String call) { return acl.checking(call); }

    /** The exception for a failed call, without throwing it. */
    RuntimeException error(int rc, String call) { return acl.error(rc, call); }
}
