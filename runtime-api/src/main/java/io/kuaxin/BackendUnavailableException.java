package io.kuaxin;

/** A backend or device was asked for but cannot be used here; the message carries the probe's reason. */
public final class BackendUnavailableException extends KuaxinException {
    private final String backend;

    public BackendUnavailableException(String backend, String message) {
        super(message);
        this.backend = backend;
    }

    /** The backend's name, e.g. {@code ascend}. */
    public String backend() { return backend; }
}
