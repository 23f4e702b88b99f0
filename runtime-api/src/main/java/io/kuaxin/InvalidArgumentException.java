package io.kuaxin;

/** A call was given a bad argument: wrong shape, dtype, device, range, or a malformed spec or variable. */
public final class InvalidArgumentException extends KuaxinException {
    public InvalidArgumentException(String message) { super(message); }
}
