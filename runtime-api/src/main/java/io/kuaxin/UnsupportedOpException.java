package io.kuaxin;

import java.util.List;

/** A device cannot run an op for the given dtypes, and the fallback policy did not allow running it elsewhere. */
public final class UnsupportedOpException extends KuaxinException {
    private final String op;
    private final List<DType> dtypes;
    private final String device;

    public UnsupportedOpException(String op, List<DType> dtypes, String device, String reason) {
        super(op + " " + dtypes.stream().map(DType::label).toList() + " is not supported on " + device
                + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")")
                + ". Run it on another device, or allow fallback with FallbackPolicy.WARN or ALLOW.");
        this.op = op;
        this.dtypes = List.copyOf(dtypes);
        this.device = device;
    }

    public String op() { return op; }

    public List<DType> dtypes() { return dtypes; }

    public String device() { return device; }
}
