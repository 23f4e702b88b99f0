package io.kuaxin;

/**
 * A collective operation (all-reduce, broadcast, …) or its communicator failed: a peer was lost, ranks disagreed on
 * the call, the configured timeout passed, or the collective library reported an error. After one of these the
 * communicator is aborted and must be closed; the device stays usable.
 */
public final class CollectiveException extends KuaxinException {
    /** What went wrong, for a caller that reacts (retry with a new communicator, shrink the group, give up). */
    public enum Reason {
        /** The configured timeout passed before every rank took part. */
        TIMEOUT,
        /** A peer died or its connection broke. */
        PEER_LOST,
        /** Ranks called different collectives, counts, dtypes or roots. */
        MISMATCH,
        /** The communicator was aborted (by this rank or after an earlier failure). */
        ABORTED,
        /** Exchanging the unique id or joining the group failed. */
        BOOTSTRAP,
        /** The collective library returned another error. */
        LIBRARY
    }

    private final Reason reason;
    private final String library;
    private final String call;
    private final long code;

    /**
     * @param reason  what went wrong
     * @param library the collective library or bootstrap ({@code nccl}, {@code mpi}, …)
     * @param call    the native call, or the collective's name
     * @param code    the library's status code, 0 when there is none
     * @param message what happened and what to do about it
     */
    public CollectiveException(Reason reason, String library, String call, long code, String message) {
        super(library + ": " + call + " failed (" + reason + (code != 0 ? ", code " + code : "") + "): " + message);
        this.reason = reason;
        this.library = library;
        this.call = call;
        this.code = code;
    }

    public Reason reason() { return reason; }

    public String library() { return library; }

    public String call() { return call; }

    public long code() { return code; }
}
