package io.kuaxin.spi.ffm;

import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.StreamBackend;

/**
 * Device memory a stream's ops borrow: vendor-library workspaces and the temporaries of multi-step ops. Work on one
 * stream runs in order, so the next op can reuse a slot as soon as it is enqueued after the previous one; each
 * stream owns its own scratch, so streams never share a block. A slot grows (doubling, from
 * {@code minBytes}) by synchronising the stream before freeing the old block, so no queued op still reads it.
 *
 * <p>Owned by its stream, which closes it after synchronising; not thread-safe (a stream has one caller at a time).
 */
public final class StreamScratch implements AutoCloseable {
    /** Slot conventions: a vendor op's workspace, and temporaries of multi-step ops. */
    public static final int WORKSPACE = 0, TEMP0 = 1, TEMP1 = 2, TEMP2 = 3;
    /** The smallest block a slot holds by default. */
    public static final long DEFAULT_MIN_BYTES = 64 * 1024;

    private final DeviceBackend device;
    private final StreamBackend stream;
    private final long minBytes;
    private final long[] address;
    private final long[] size;

    /** Four slots ({@link #WORKSPACE} to {@link #TEMP2}) from 64 KiB, on {@code stream} of {@code device}. */
    public StreamScratch(DeviceBackend device, StreamBackend stream) {
        this(device, stream, 4, DEFAULT_MIN_BYTES);
    }

    /**
     * @param slots    how many independent blocks the stream's ops use at once
     * @param minBytes the smallest block allocated
     */
    public StreamScratch(DeviceBackend device, StreamBackend stream, int slots, long minBytes) {
        if (slots <= 0 || minBytes <= 0) throw new IllegalArgumentException("slots and minBytes must be positive");
        this.device = device;
        this.stream = stream;
        this.minBytes = minBytes;
        this.address = new long[slots];
        this.size = new long[slots];
    }

    /**
     * A block of at least {@code bytes} for {@code slot}, or 0 when {@code bytes} is 0; valid for work enqueued on
     * this stream until the next call for the same slot that grows it.
     *
     * @throws io.kuaxin.DeviceOutOfMemoryException if the device has no room (the slot is then empty)
     * @throws IndexOutOfBoundsException            for a slot this scratch does not have
     */
    public long get(int slot, long bytes) {
        if (bytes <= 0) return 0;
        if (size[slot] >= bytes) return address[slot];
        if (address[slot] != 0) {
            stream.synchronize();
            device.free(address[slot]);
            address[slot] = 0;
            size[slot] = 0;
        }
        long n = Math.max(minBytes, Long.highestOneBit(bytes - 1) << 1);
        address[slot] = device.allocate(n);
        size[slot] = n;
        return address[slot];
    }

    /** Bytes held over all slots, for tests and reports. */
    public long bytesHeld() {
        long t = 0;
        for (long s : size) t += s;
        return t;
    }

    /** Frees every slot; the stream has been synchronised. Idempotent. */
    @Override
    public void close() {
        for (int i = 0; i < address.length; i++) {
            if (address[i] != 0) {
                try {
                    device.free(address[i]);
                } catch (RuntimeException ignored) {
                    // closing: the device frees everything at finalisation anyway
                }
                address[i] = 0;
                size[i] = 0;
            }
        }
    }
}
