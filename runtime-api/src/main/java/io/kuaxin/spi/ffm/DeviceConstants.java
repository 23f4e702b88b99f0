package io.kuaxin.spi.ffm;

import io.kuaxin.DType;
import io.kuaxin.spi.DeviceBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Small immutable device tensors ops need as operands (a scalar to scale by, a vector of ones, a fixed mask). Each
 * is written once, with the vendor's synchronous host-to-device copy, into its own allocation and never changes, so
 * any stream may read it at any time. Owned by its device, which closes it; thread-safe.
 */
public final class DeviceConstants implements AutoCloseable {
    /** The vendor's synchronous host-to-device copy, with the device made current. */
    @FunctionalInterface
    public interface Upload {
        /**
         * Copies {@code bytes} from {@code host} to device address {@code dst}, returning when done.
         *
         * @throws RuntimeException mapped by the backend's errors when the copy fails
         */
        void copy(long dst, MemorySegment host, long bytes);
    }

    private final DeviceBackend device;
    private final Upload upload;
    private final Map<String, Long> pool = new LinkedHashMap<>();

    public DeviceConstants(DeviceBackend device, Upload upload) {
        this.device = device;
        this.upload = upload;
    }

    /** The address of {@code n} elements of {@code dtype}, each {@code value}. */
    public long filled(DType dtype, long n, double value) {
        return get(dtype + ":" + n + ":" + Double.doubleToLongBits(value), Math.max(1, n) * dtype.byteSize(),
                host -> {
                    for (long i = 0; i < n; i++) dtype.setFromDouble(host, i, value);
                });
    }

    /** The address of {@code values} stored as {@code dtype}. */
    public long of(DType dtype, double... values) {
        StringBuilder key = new StringBuilder(dtype.name());
        for (double v : values) key.append(':').append(v);
        return get(key.toString(), Math.max(1, values.length) * (long) dtype.byteSize(), host -> {
            for (int i = 0; i < values.length; i++) dtype.setFromDouble(host, i, values[i]);
        });
    }

    /**
     * The constant named {@code key}: on first use {@code bytes} are allocated, {@code write} fills a zeroed host
     * buffer of that size, and it is uploaded.
     *
     * @throws io.kuaxin.DeviceOutOfMemoryException if the device has no room
     * @throws RuntimeException                     what the upload threw; nothing is kept
     */
    public synchronized long get(String key, long bytes, Consumer<MemorySegment> write) {
        Long a = pool.get(key);
        if (a != null) return a;
        long address = device.allocate(bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(bytes, 8);
            write.accept(host);
            upload.copy(address, host, bytes);
        } catch (RuntimeException | Error e) {
            device.free(address);
            throw e;
        }
        pool.put(key, address);
        return address;
    }

    /** How many constants are held, for tests. */
    public synchronized int size() { return pool.size(); }

    /** Frees every constant. Idempotent. */
    @Override
    public synchronized void close() {
        List<Long> all = new ArrayList<>(pool.values());
        pool.clear();
        for (long a : all) {
            try {
                device.free(a);
            } catch (RuntimeException ignored) {
                // closing the device
            }
        }
    }
}
