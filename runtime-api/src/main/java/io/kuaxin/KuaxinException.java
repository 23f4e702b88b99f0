package io.kuaxin;

/**
 * Root of every error Kuaxin reports. Each subclass names one kind of failure and carries what a caller needs to
 * react to it; the message says what was wrong and how to fix it.
 *
 * <p>After any of these is thrown the device stays usable: front doors validate before anything reaches a
 * backend, and backends translate vendor status codes without aborting.
 */
public sealed class KuaxinException extends RuntimeException
        permits BackendUnavailableException, DeviceOutOfMemoryException, UnsupportedOpException,
                InvalidArgumentException, VendorException, ClosedResourceException,
                CollectiveException {
    KuaxinException(String message) { super(message); }

    KuaxinException(String message, Throwable cause) { super(message, cause); }
}
