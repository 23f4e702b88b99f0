package io.kuaxin;

/** A tensor, stream, event, device or runtime was used (or closed) after it was closed. */
public final class ClosedResourceException extends KuaxinException {
    public ClosedResourceException(String message) { super(message); }
}
