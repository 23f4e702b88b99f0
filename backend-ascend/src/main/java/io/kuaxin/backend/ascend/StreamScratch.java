package io.kuaxin.backend.ascend;

/**
 * Device memory a stream's ops borrow: the aclnn workspace and temporaries of multi-step ops (matmul with
 * {@code c}, RMS-norm statistics, attention lengths). Work on one stream runs in order, so the next op can reuse
 * a slot as soon as it is enqueued after the previous one. A slot grows (doubling, from 64 KiB) by synchronising
 * the stream before freeing the old block, so no queued op still reads it.
 *
 * <p>Owned by its stream; not thread-safe (the stream has one caller at a time).
 */
final class StreamScratch implements AutoCloseable {
    static final int WORKSPACE = 0, TEMP0 = 1, TEMP1 = 2, LENGTHS = 3;
    private static final long MIN = 64 * 1024;
    private final AscendStream stream;
    private final long[] address = new long[4];
    private final long[] size = new long[4];

    StreamScratch(AscendStream stream) { this.stream = stream; }

    /**
     * A block of at least {@code bytes} for {@code slot}, or 0 when {@code bytes} is 0.
     *
     * @throws io.kuaxin.DeviceOutOfMemoryException if the device has no room
     */
    long get(int slot, long bytes) {
        if (bytes <= 0) return 0;
        if (size[slot] >= bytes) return address[slot];
        if (address[slot] != 0) {
            stream.synchronize();
            stream.dev.free(address[slot]);
            address[slot] = 0;
            size[slot] = 0;
        }
        long n = Math.max(MIN, Long.highestOneBit(bytes - 1) << 1);
        address[slot] = stream.dev.allocate(n);
        size[slot] = n;
        return address[slot];
    }

    /** Bytes held, for tests and reports. */
    long bytesHeld() {
        long t = 0;
        for (long s : size) t += s;
        return t;
    }

    /** Frees every slot; the stream has been synchronised. */
    @Override
    public void close() {
        for (int i = 0; i < address.length; i++) {
            if (address[i] != 0) {
                try {
                    stream.dev.free(address[i]);
                } catch (RuntimeException ignored) {
                    // closing: the device frees everything at finalisation anyway
                }
                address[i] = 0;
                size[i] = 0;
            }
        }
    }
}
