package io.kuaxin;

/**
 * Root of every error Kuaxin reports. Each subclass names one kind of failure and carries what a caller needs to
 * react to it; the message says what was wrong and how to fix it.
 *
 * <p>After any of these is thrown the device stays usable: front doors validate before anything reaches a
 * backend, and backends translate vendor status codes without aborting.
 *
 * <p>The hierarchy is closed: the constructors are package-private and every subclass in this package is final,
 * so no other code can add a kind. (It is not declared {@code sealed}: a permits list would make this root name
 * each of its subclasses, tying the bottom of the package's dependency graph back to its leaves.)
 */
public class KuaxinException extends RuntimeException {
    KuaxinException(String message) { super(message); }

    KuaxinException(String message, Throwable cause) { super(message, cause); }
}
