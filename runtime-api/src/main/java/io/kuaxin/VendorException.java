package io.kuaxin;

/**
 * A vendor library returned an error status. Carries the backend, the native call, the vendor's numeric code
 * and the vendor's own message string (e.g. from {@code cudaGetErrorString} or {@code aclGetRecentErrMsg}).
 */
public final class VendorException extends KuaxinException {
    private final String backend;
    private final String call;
    private final long code;
    private final String vendorMessage;

    public VendorException(String backend, String call, long code, String vendorMessage) {
        super(backend + ": " + call + " failed with code " + code
                + (vendorMessage == null || vendorMessage.isEmpty() ? "" : " (" + vendorMessage + ")"));
        this.backend = backend;
        this.call = call;
        this.code = code;
        this.vendorMessage = vendorMessage;
    }

    public String backend() { return backend; }

    /** The native function that failed, e.g. {@code cublasGemmEx}. */
    public String call() { return call; }

    /** The vendor's status code. */
    public long code() { return code; }

    /** The vendor's message for the code, or an empty string if it has none. */
    public String vendorMessage() { return vendorMessage == null ? "" : vendorMessage; }
}
