package io.kuaxin.backend.cambricon;

/**
 * Device memory a queue's ops borrow: the CNNL workspace and temporaries of multi-step ops (casts through
 * f32). Work on one queue runs in order, so the next op can reuse
 * a slot as soon as it is enqueued after the previous one. A slot grows (doubling, from 64 KiB) by synchronising
 * the queue before freeing the old block, so no queued op still reads it.
 *
 * <p>Owned by its queue; not thread-safe (the queue has one caller at a time).
 */
final class QueueScratch implements AutoCloseable {
    static final int WORKSPACE = 0, TEMP0 = 1, TEMP1 = 2, LENGTHS = 3;
    private static final long MIN = 64 * 1024;
    private final CambriconQueue stream;
    private final long[] address = new long[4];
    private final long[] size = new long[4];

    QueueScratch(CambriconQueue stream) { this.stream = stream; }

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

    /** Frees every slot; the queue has been synchronised. */
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
