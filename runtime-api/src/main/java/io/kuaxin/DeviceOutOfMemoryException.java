package io.kuaxin;

/**
 * A device allocation failed even after the caching allocator released its cache and retried once.
 * Carries the numbers needed to decide what to do: the request, what the device reported free, and what the
 * cache held before it was released.
 */
public final class DeviceOutOfMemoryException extends KuaxinException {
    private final String device;
    private final long requestedBytes;
    private final long freeBytes;
    private final long cachedBytes;

    public DeviceOutOfMemoryException(String device, long requestedBytes, long freeBytes, long cachedBytes,
                                      String detail) {
        super("out of memory on " + device + ": requested " + requestedBytes + " bytes, device reports "
                + (freeBytes < 0 ? "unknown" : freeBytes + " bytes") + " free, allocator cache held "
                + cachedBytes + " bytes (released and retried once)"
                + (detail == null || detail.isEmpty() ? "" : "; " + detail)
                + ". Close tensors you no longer need, use smaller batches, or pick a device with more memory.");
        this.device = device;
        this.requestedBytes = requestedBytes;
        this.freeBytes = freeBytes;
        this.cachedBytes = cachedBytes;
    }

    public String device() { return device; }

    public long requestedBytes() { return requestedBytes; }

    /** Free bytes the device reported when the allocation failed, or -1 if it could not tell. */
    public long freeBytes() { return freeBytes; }

    /** Bytes the caching allocator held (and released) before the retry. */
    public long cachedBytes() { return cachedBytes; }
}
