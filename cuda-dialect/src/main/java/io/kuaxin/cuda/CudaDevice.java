package io.kuaxin.cuda;

import io.kuaxin.DType;
import io.kuaxin.DeviceInfo;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.VisibleDevices;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.StreamBackend;
import io.kuaxin.spi.ffm.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One device of a CUDA-dialect backend.
 *
 * <p>Ownership: the device owns a shared {@link Arena}; its default stream, its pooled events and its small
 * constant buffers are tied to it and released by {@link #close()}. Device memory from {@link #allocate} belongs to
 * the caller (the runtime's caching allocator), pinned host memory from {@link #allocateHost} to the given arena.
 *
 * <p>Thread-safety: every method may be called from any thread; each makes the device current on the calling
 * thread first ({@link CudaRuntime#use}).
 */
final class CudaDevice implements DeviceBackend {
    private static final Logger LOG = LoggerFactory.getLogger(CudaDevice.class);

    final CudaRuntime rt;
    final int ordinal;
    private final DeviceInfo info;
    private final Arena arena = Arena.ofShared();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ConcurrentLinkedDeque<MemorySegment> freeEvents = new ConcurrentLinkedDeque<>();
    private final Map<DType, MemorySegment> ones = new EnumMap<>(DType.class);
    private final CudaStream defaultStream;
    /** The kernel module, loaded on first use; closed after the default stream. */
    private CudaModule module;
    /** Why this device's kernel image cannot be used although it loaded (a stale parameter layout), or null. */
    private volatile String kernelProblem;

    /**
     * Opens logical device {@code ordinal}.
     *
     * @throws io.kuaxin.VendorException if the runtime cannot make it current or create its default stream
     */
    CudaDevice(CudaRuntime rt, int ordinal) {
        this.rt = rt;
        this.ordinal = ordinal;
        rt.use(ordinal);
        this.info = describe();
        this.defaultStream = new CudaStream(this);
    }

    private DeviceInfo describe() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("variant", rt.variant().id() + " (" + rt.variant().description() + ")");
        props.put("runtimeLibrary", rt.runtimeLibrary.toString());
        if (rt.emulated) props.put("emulator", "libkuaxin-emu-" + rt.variant().emulator() + ".so");
        if (rt.sym.hasAttributes()) {
            attribute(rt.enums.attrWarpSize()).ifPresent(v -> props.put("warpSize", v));
            attribute(rt.enums.attrMultiProcessorCount()).ifPresent(v -> props.put("multiProcessors", v));
        }
        long total = memInfo()[1];
        return new DeviceInfo(rt.backend, ordinal, physicalId(), rt.dialect.vendor(), deviceName(), total,
                EnumSet.allOf(DType.class), false, rt.emulated, props);
    }

    private java.util.Optional<String> attribute(int attr) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            if (rt.sym.deviceGetAttribute(v, attr, ordinal) != 0) {
                rt.sym.getLastError();
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(Integer.toString(v.get(JAVA_INT, 0)));
        }
    }

    /** The driver's name for the device ({@code cuDeviceGetName}, {@code hipDeviceGetName}, ...), else a generic one. */
    private String deviceName() {
        String generic = rt.dialect.vendor() + " " + rt.variant().id() + " device " + ordinal;
        if (!rt.sym.canNameDevices()) return generic;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dev = a.allocate(JAVA_INT);
            MemorySegment name = a.allocate(256);
            if (rt.sym.driverInit() != 0 || rt.sym.driverDeviceGet(dev, ordinal) != 0
                    || rt.sym.driverDeviceGetName(name, 256, dev.get(JAVA_INT, 0)) != 0) {
                return generic;
            }
            String n = name.getString(0).trim();
            return n.isEmpty() ? generic : n;
        }
    }

    /** The physical id behind {@code ordinal}, from the visible-devices variable when it is set and valid. */
    private String physicalId() {
        String var = rt.variant().visibleDevicesVariable();
        try {
            VisibleDevices v = VisibleDevices.parse(var, System.getenv(var));
            return v.isSet() && ordinal < v.physicalIds().size() ? v.physicalId(ordinal) : Integer.toString(ordinal);
        } catch (InvalidArgumentException e) {
            return Integer.toString(ordinal);
        }
    }

    private long[] memInfo() {
        rt.use(ordinal);
        return Native.outLongs(2, out -> rt.sym.memGetInfo(out, out.asSlice(8)),
                rc -> rt.errors.check(rc, "cudaMemGetInfo", null));
    }

    @Override
    public DeviceInfo info() { return info; }

    @Override
    public long freeMemory() {
        checkOpen();
        return memInfo()[0];
    }

    /** Free memory for error messages: -1 instead of an exception. */
    long freeMemoryQuietly() {
        return Native.orElse(() -> memInfo()[0], -1);
    }

    @Override
    public long allocate(long bytes) {
        checkOpen();
        rt.use(ordinal);
        return Native.outAddress(p -> rt.sym.malloc(p, bytes), rc -> {
            if (rc != 0) throw rt.errors.runtimeFailure(rc, "cudaMalloc", this, bytes);
        });
    }

    @Override
    public void free(long address) {
        rt.use(ordinal);
        rt.errors.check(rt.sym.free(MemorySegment.ofAddress(address)), "cudaFree", this);
    }

    /** Pinned host memory, released by {@code cudaFreeHost} (HIP: {@code hipHostFree}) when {@code arena} closes. */
    @Override
    public MemorySegment allocateHost(long bytes, Arena arena) {
        checkOpen();
        rt.use(ordinal);
        long addr = Native.outAddress(p -> rt.sym.mallocHost(p, bytes), rc -> {
            if (rc != 0) throw rt.errors.runtimeFailure(rc, "cudaMallocHost", this, bytes);
        });
        CudaSymbols sym = rt.sym;
        return MemorySegment.ofAddress(addr).reinterpret(bytes, arena, s -> {
            int rc = sym.freeHost(s);
            if (rc != 0) LOG.warn("{}: {} failed with code {}", rt.backend, sym.name("cudaFreeHost"), rc);
        });
    }

    @Override
    public StreamBackend defaultStream() { return defaultStream; }

    @Override
    public StreamBackend createStream() {
        checkOpen();
        return new CudaStream(this);
    }

    @Override
    public String unsupportedReason(Op op, OpAttributes attributes, List<DType> inputDtypes) {
        String p = kernelProblem;
        if (p != null && DeviceKernels.handles(op)) return op.label() + ": " + p;
        return CudaKernels.unsupportedReason(rt, op, attributes, inputDtypes);
    }

    @Override
    public void synchronize() {
        checkOpen();
        rt.use(ordinal);
        rt.errors.check(rt.sym.deviceSynchronize(), "cudaDeviceSynchronize", this);
    }

    /** A timing event handle from the pool; owned by the device arena, returned by {@link #recycle}. */
    MemorySegment takeEvent() {
        MemorySegment e = freeEvents.poll();
        if (e != null) return e;
        rt.use(ordinal);
        CudaSymbols sym = rt.sym;
        MemorySegment created = Native.outPointer(p -> sym.eventCreateWithFlags(p, DialectEnums.EVENT_DEFAULT),
                rc -> rt.errors.check(rc, "cudaEventCreateWithFlags", this));
        return created.reinterpret(arena, s -> sym.eventDestroy(s));
    }

    void recycle(MemorySegment event) {
        if (!closed.get()) freeEvents.push(event);
    }

    /**
     * The address of at least {@code n} ones of dtype {@code t} in device memory (a BLAS operand for broadcasts and
     * strided copies). Grown geometrically; a replaced buffer stays allocated until the device closes, since queued
     * work may still read it.
     */
    synchronized long ones(DType t, long n) {
        MemorySegment cur = ones.get(t);
        if (cur != null && cur.byteSize() >= n * t.byteSize()) return cur.address();
        long count = Math.max(256, Long.highestOneBit(Math.max(1, n - 1)) << 1);
        long bytes = count * t.byteSize();
        long addr = allocate(bytes);
        CudaSymbols sym = rt.sym;
        MemorySegment owned = MemorySegment.ofAddress(addr).reinterpret(bytes, arena, s -> sym.free(s));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(bytes);
            for (long i = 0; i < count; i++) {
                switch (t) {
                    case F32 -> host.setAtIndex(JAVA_INT, i, Float.floatToRawIntBits(1f));
                    case F64 -> host.setAtIndex(JAVA_LONG, i, Double.doubleToRawLongBits(1d));
                    case F16 -> host.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, i, (short) 0x3C00);
                    case BF16 -> host.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, i, (short) 0x3F80);
                    default -> throw new IllegalArgumentException("no ones for " + t);
                }
            }
            defaultStream.copyHostToDevice(host, addr, bytes);
            defaultStream.synchronize(); // other streams read it next; the host buffer dies with this arena
        }
        ones.put(t, owned);
        return addr;
    }

    /**
     * The device's kernel module, loaded on first use.
     *
     * @throws IllegalStateException     if kernels are unavailable (callers check {@link CudaRuntime#kernelsUnavailable})
     * @throws io.kuaxin.VendorException if the vendor refuses the image
     */
    synchronized CudaModule module() {
        checkOpen();
        if (module == null) {
            String why = rt.kernelsUnavailable();
            if (why != null) throw new IllegalStateException(info.id() + ": " + why);
            if (kernelProblem != null) throw new io.kuaxin.UnsupportedOpException("device kernels", List.of(), info.id(), kernelProblem);
            CudaModule m = new CudaModule(this, rt.modules, rt.kernelImage());
            String stale;
            try {
                stale = m.abiMismatch(defaultStream);
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
            if (stale != null) {
                m.close();
                kernelProblem = stale;
                throw new io.kuaxin.UnsupportedOpException("device kernels", List.of(), info.id(), stale);
            }
            module = m;
        }
        return module;
    }

    void checkOpen() {
        if (closed.get()) throw new IllegalStateException(info.id() + " is closed");
    }

    /** Closes the default stream, then destroys pooled events and frees constant buffers (the device arena). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            defaultStream.close();
        } finally {
            synchronized (this) {
                if (module != null) {
                    try {
                        module.close();
                    } catch (RuntimeException e) {
                        LOG.warn("{}: unloading the kernel module failed: {}", info.id(), e.getMessage());
                    }
                }
            }
            freeEvents.clear();
            arena.close();
        }
    }

    /**
     * A call that does nothing on the device: {@code cudaGetLastError} (every dialect exports it; it reads a
     * thread-local status and returns). The dispatch-overhead benchmark times it as the cost of one downcall.
     *
     * @return the runtime's last error, normally 0
     */
    public int noop() { return rt.sym.getLastError(); }
}
