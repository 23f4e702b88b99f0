package io.kuaxin.spi.ffm;

import io.kuaxin.DeviceOutOfMemoryException;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.StreamBackend;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A device whose memory is a table of live blocks with a capacity, and streams that log their synchronisations, so
 * the kit's scratch and constants can be checked against what they allocated, freed and waited for.
 */
final class Fakes {
    final Map<Long, Long> live = new HashMap<>();
    final List<String> log = new ArrayList<>();
    long capacity = 1L << 30;
    private long next = 0x1000;

    final DeviceBackend device = (DeviceBackend) Proxy.newProxyInstance(DeviceBackend.class.getClassLoader(),
            new Class<?>[] {DeviceBackend.class}, (p, m, a) -> switch (m.getName()) {
                case "allocate" -> allocate((long) a[0]);
                case "free" -> {
                    free((long) a[0]);
                    yield null;
                }
                case "toString" -> "fake device";
                default -> throw new UnsupportedOperationException(m.getName());
            });

    StreamBackend stream(String name) {
        return (StreamBackend) Proxy.newProxyInstance(StreamBackend.class.getClassLoader(),
                new Class<?>[] {StreamBackend.class}, (p, m, a) -> switch (m.getName()) {
                    case "synchronize" -> {
                        log.add("sync " + name);
                        yield null;
                    }
                    case "toString" -> name;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private long allocate(long bytes) {
        long used = live.values().stream().mapToLong(Long::longValue).sum();
        if (used + bytes > capacity) throw new DeviceOutOfMemoryException("fake:0", bytes, capacity - used, 0, "full");
        long a = next;
        next += bytes + 0x1000;
        live.put(a, bytes);
        log.add("alloc " + bytes);
        return a;
    }

    private void free(long address) {
        if (live.remove(address) == null) throw new IllegalStateException("double or bad free of " + address);
        log.add("free " + address);
    }

    long liveBytes() { return live.values().stream().mapToLong(Long::longValue).sum(); }
}
