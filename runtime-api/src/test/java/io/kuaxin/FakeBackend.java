package io.kuaxin;

import io.kuaxin.op.Op;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A backend for testing the runtime's own logic (discovery, selection, allocator): device memory is a byte counter
 * with opaque addresses, streams complete everything at once. It runs no ops.
 */
class FakeBackend implements BackendProvider {
    final String name;
    final int score;
    final int devices;
    final String variable;
    final Supplier<Availability> probe;
    long capacity = 1 << 20;
    int opened;

    FakeBackend(String name, int score, int devices, String variable) {
        this(name, score, devices, variable, null);
    }

    FakeBackend(String name, int score, int devices, String variable, Supplier<Availability> probe) {
        this.name = name;
        this.score = score;
        this.devices = devices;
        this.variable = variable;
        this.probe = probe;
    }

    @Override
    public String name() { return name; }

    @Override
    public List<String> aliases() { return List.of(name + "-alias"); }

    @Override
    public String vendor() { return "test"; }

    @Override
    public String visibleDevicesVariable() { return variable; }

    @Override
    public Availability probe() {
        return probe != null ? probe.get() : Availability.available(score, devices, "fake", List.of());
    }

    @Override
    public DeviceBackend open(int ordinal) {
        opened++;
        return new Dev(ordinal);
    }

    final class Dev implements DeviceBackend {
        final int ordinal;
        long used;
        long next = 0x1000;
        final Stream stream = new Stream();

        Dev(int ordinal) { this.ordinal = ordinal; }

        @Override
        public DeviceInfo info() {
            return new DeviceInfo(name, ordinal, Integer.toString(ordinal), "test", "fake", capacity,
                    EnumSet.allOf(DType.class), false, false, Map.of());
        }

        @Override
        public long freeMemory() { return capacity - used; }

        @Override
        public synchronized long allocate(long bytes) {
            if (used + bytes > capacity) {
                throw new DeviceOutOfMemoryException(name + ":" + ordinal, bytes, capacity - used, 0, "fake");
            }
            used += bytes;
            long a = next;
            next += bytes;
            sizes.put(a, bytes);
            return a;
        }

        final Map<Long, Long> sizes = new java.util.HashMap<>();

        @Override
        public synchronized void free(long address) {
            Long b = sizes.remove(address);
            if (b == null) throw new AssertionError("double or unknown free " + address);
            used -= b;
        }

        @Override
        public MemorySegment allocateHost(long bytes, Arena arena) { return arena.allocate(bytes); }

        @Override
        public StreamBackend defaultStream() { return stream; }

        @Override
        public StreamBackend createStream() { return new Stream(); }

        @Override
        public String unsupportedReason(Op op, io.kuaxin.op.OpAttributes attrs, List<DType> dtypes) {
            return "fake backend runs no ops";
        }

        @Override
        public void synchronize() {}

        @Override
        public void close() {}
    }

    static final class Stream implements StreamBackend {
        @Override
        public void copyHostToDevice(MemorySegment src, long dst, long bytes) {}

        @Override
        public void copyDeviceToHost(long src, MemorySegment dst, long bytes) {}

        @Override
        public void copyDeviceToDevice(long src, long dst, long bytes) {}

        @Override
        public void fill(long dst, long bytes, byte value) {}

        @Override
        public String execute(KernelCall call) { throw new AssertionError("front door let an op through"); }

        @Override
        public EventBackend recordEvent() {
            return new EventBackend() {
                @Override
                public boolean isComplete() { return true; }

                @Override
                public void synchronize() {}

                @Override
                public float elapsedMillis(EventBackend start) { return 0; }

                @Override
                public void close() {}
            };
        }

        @Override
        public void waitEvent(EventBackend event) {}

        @Override
        public void synchronize() {}

        @Override
        public void close() {}
    }
}
