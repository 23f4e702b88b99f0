package io.kuaxin.backend.cambricon;

import io.kuaxin.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small immutable device tensors ops take as operands: a vector of ones (strided copies as a multiply), attention
 * sequence offsets {@code [0, n]}. Each is written once with a synchronous {@code cnrtMemcpy} into its own
 * allocation and never changes, so any queue may read it at any time. Freed when the device closes. Thread-safe.
 */
final class DeviceConstants implements AutoCloseable {
    private final CambriconDevice dev;
    private final Map<String, Long> pool = new LinkedHashMap<>();

    DeviceConstants(CambriconDevice dev) { this.dev = dev; }

    /** The address of {@code values} stored as {@code dtype}. */
    synchronized long of(DType dtype, double... values) {
        StringBuilder key = new StringBuilder(dtype.name());
        for (double v : values) key.append(':').append(v);
        Long a = pool.get(key.toString());
        if (a != null) return a;
        long bytes = Math.max(1, values.length) * (long) dtype.byteSize();
        long address = dev.allocate(bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(bytes, 8);
            for (int i = 0; i < values.length; i++) dtype.setFromDouble(host, i, values[i]);
            dev.bind();
            dev.errors().check(CambriconSymbols.call(dev.s.cnrtMemcpy, Native.ptr(address), host, bytes,
                    CambriconQueue.HOST_TO_DEV), "cnrtMemcpy");
        } catch (RuntimeException e) {
            dev.free(address);
            throw e;
        }
        pool.put(key.toString(), address);
        return address;
    }

    @Override
    public synchronized void close() {
        List<Long> all = new ArrayList<>(pool.values());
        pool.clear();
        for (long a : all) {
            try {
                dev.free(a);
            } catch (RuntimeException ignored) {
                // closing the device
            }
        }
    }
}
