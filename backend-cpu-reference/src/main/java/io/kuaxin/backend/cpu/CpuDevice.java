package io.kuaxin.backend.cpu;

import io.kuaxin.DType;
import io.kuaxin.DeviceInfo;
import io.kuaxin.DeviceOutOfMemoryException;
import io.kuaxin.op.Op;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.StreamBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** {@code cpu:0}: each allocation is its own shared arena, so freeing is exact and use after free is impossible. */
final class CpuDevice implements DeviceBackend {
    private final DeviceInfo info;
    // malloc/free through FFM: a shared arena per block would cost a thread handshake on every free
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle ALIGNED_ALLOC = LINKER.downcallHandle(
            LINKER.defaultLookup().find("aligned_alloc").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(LINKER.defaultLookup().find("free").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

    private final Map<Long, Long> blocks = new ConcurrentHashMap<>(); // address -> bytes
    private final AtomicLong used = new AtomicLong();
    private final long cap = CpuConfig.memoryCap();
    private final CpuStream defaultStream;

    CpuDevice(int ordinal) {
        this.info = new DeviceInfo("cpu", ordinal, Integer.toString(ordinal), "host",
                System.getProperty("os.arch") + " (" + CpuConfig.threads() + " threads, " + CpuOpTable.implementationName()
                        + ")", cap, EnumSet.allOf(DType.class), true, false,
                Map.of("threads", Integer.toString(CpuConfig.threads()), "kernels", CpuOpTable.implementationName()));
        this.defaultStream = new CpuStream("default");
    }

    @Override
    public DeviceInfo info() { return info; }

    @Override
    public long freeMemory() {
        long free = cap - used.get();
        long phys = CpuConfig.freePhysicalMemory();
        return phys < 0 ? free : Math.min(free, phys);
    }

    @Override
    public long allocate(long bytes) {
        long now = used.addAndGet(bytes);
        if (now > cap) {
            used.addAndGet(-bytes);
            throw new DeviceOutOfMemoryException(info.id(), bytes, cap - used.get(), 0, "kuaxin.cpu.memory cap is "
                    + cap + " bytes");
        }
        MemorySegment seg;
        try {
            seg = (MemorySegment) ALIGNED_ALLOC.invokeExact(64L, (bytes + 63) & ~63L);
        } catch (Throwable e) {
            throw new IllegalStateException("aligned_alloc failed", e);
        }
        if (seg.address() == 0) {
            used.addAndGet(-bytes);
            throw new DeviceOutOfMemoryException(info.id(), bytes, CpuConfig.freePhysicalMemory(), 0,
                    "the operating system refused " + bytes + " bytes");
        }
        blocks.put(seg.address(), bytes);
        return seg.address();
    }

    @Override
    public void free(long address) {
        Long bytes = blocks.remove(address);
        if (bytes == null) throw new IllegalStateException("cpu:0 free of unknown address 0x" + Long.toHexString(address));
        try {
            FREE.invokeExact(MemorySegment.ofAddress(address));
        } catch (Throwable e) {
            throw new IllegalStateException("free failed", e);
        }
        used.addAndGet(-bytes);
    }

    @Override
    public MemorySegment allocateHost(long bytes, Arena arena) {
        return arena.allocate(bytes, 64);
    }

    @Override
    public StreamBackend defaultStream() { return defaultStream; }

    /** Packs fp32/fp16/bf16 weights into the GEMM's panels (see {@link CpuPackedWeights}). */
    @Override
    public io.kuaxin.spi.PackedWeight prepack(io.kuaxin.spi.TensorRef weight) { return CpuPackedWeights.pack(weight); }

    @Override
    public StreamBackend createStream() { return new CpuStream("stream"); }

    @Override
    public String unsupportedReason(Op op, io.kuaxin.op.OpAttributes attributes, List<DType> inputDtypes) {
        return CpuOpTable.unsupportedReason(op, inputDtypes);
    }

    /** The fp32 GEMM mode, whether OpenBLAS loaded, and the verdict for every size {@code auto} has tried. */
    @Override
    public Map<String, String> telemetry() { return GemmSelector.instance().describe(); }

    @Override
    public void synchronize() { defaultStream.synchronize(); }

    @Override
    public void close() {
        defaultStream.close();
    }
}
