package io.kuaxin.benchmarks.dispatch;

import io.kuaxin.DType;
import io.kuaxin.DeviceInfo;
import io.kuaxin.op.Op;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * A backend for measuring dispatch only: every op it runs is one downcall to an emulator's {@code kuaxin_emu_noop}.
 * The front door, placement, output allocation, in-flight tracking and the SPI are the real ones, so
 * (time per op) - (time per raw downcall) is Kuaxin's dispatch overhead. Not registered as a service.
 */
public final class NoopBackend implements BackendProvider {
    private final Arena arena = Arena.ofShared();
    private final MethodHandle noop;

    public NoopBackend(Path emulator) {
        SymbolLookup lib = SymbolLookup.libraryLookup(emulator, arena);
        this.noop = Linker.nativeLinker().downcallHandle(lib.find("kuaxin_emu_noop").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
    }

    /** The raw downcall, for the baseline. */
    public MethodHandle noop() { return noop; }

    @Override
    public String name() { return "noop"; }

    @Override
    public String vendor() { return "benchmark"; }

    @Override
    public Availability probe() { return Availability.available(1, 1, "dispatch benchmark", List.of()); }

    @Override
    public DeviceBackend open(int ordinal) { return new Device(); }

    @Override
    public void close() { arena.close(); }

    private final class Device implements DeviceBackend {
        private final Stream stream = new Stream();

        @Override
        public DeviceInfo info() {
            return new DeviceInfo("noop", 0, "0", "benchmark", "noop", 1L << 30, EnumSet.allOf(DType.class), true,
                    true, Map.of());
        }

        @Override
        public long freeMemory() { return 1L << 30; }

        @Override
        public long allocate(long bytes) { return arena.allocate(bytes, 64).address(); } // freed with the provider

        @Override
        public void free(long address) {}

        @Override
        public MemorySegment allocateHost(long bytes, Arena a) { return a.allocate(bytes, 64); }

        @Override
        public StreamBackend defaultStream() { return stream; }

        @Override
        public StreamBackend createStream() { return new Stream(); }

        @Override
        public String unsupportedReason(Op op, io.kuaxin.op.OpAttributes attributes, List<DType> inputDtypes) {
            return null;
        }

        @Override
        public void synchronize() {}

        @Override
        public void close() {}
    }

    private final class Stream implements StreamBackend {
        @Override
        public void copyHostToDevice(MemorySegment src, long dst, long bytes) {}

        @Override
        public void copyDeviceToHost(long src, MemorySegment dst, long bytes) {}

        @Override
        public void copyDeviceToDevice(long src, long dst, long bytes) {}

        @Override
        public void fill(long dst, long bytes, byte value) {}

        @Override
        public String execute(KernelCall call) {
            try {
                int rc = (int) noop.invokeExact();
                if (rc != 0) throw new IllegalStateException("noop returned " + rc);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            return "kuaxin_emu_noop";
        }

        @Override
        public EventBackend recordEvent() { return DONE; }

        @Override
        public void waitEvent(EventBackend event) {}

        @Override
        public void synchronize() {}

        @Override
        public void close() {}
    }

    private static final EventBackend DONE = new EventBackend() {
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
