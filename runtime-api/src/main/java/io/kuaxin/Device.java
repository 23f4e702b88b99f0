package io.kuaxin;

import io.kuaxin.internal.dispatch.Placement;
import io.kuaxin.internal.memory.CachingAllocator;
import io.kuaxin.internal.memory.HostPool;
import io.kuaxin.internal.memory.Storage;
import io.kuaxin.op.Op;
import io.kuaxin.spi.DeviceBackend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * One device of one backend, e.g. {@code ascend:0} or {@code cpu:0}: its memory (through the shared caching
 * allocator), its streams, and the tensors on it.
 *
 * <p>Owned by the {@link Kuaxin} runtime that opened it, which closes it. Thread-safe.
 */
public final class Device {
    private final Kuaxin runtime;
    final DeviceBackend spi;
    private final DeviceInfo info;
    final CachingAllocator allocator;
    final HostPool hostPool;
    private final Stream defaultStream;
    /** This device as placement sees it. */
    final Placement.Candidate<Device> candidate;
    private final List<Stream> streams = new ArrayList<>();
    /** Events not yet closed by their owners: their native handles are released when the device closes. */
    private final Set<Event> events = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile boolean closed;

    Device(Kuaxin runtime, DeviceBackend spi) {
        this.runtime = runtime;
        this.spi = spi;
        this.info = spi.info();
        this.allocator = new CachingAllocator(info.id(), spi);
        this.hostPool = new HostPool(spi);
        this.defaultStream = new Stream(this, spi.defaultStream(), true);
        this.candidate = new Placement.Candidate<>(this, info.id(), spi);
    }

    /** The last provenance per op kind: kernels name themselves with constants, so it is usually reused. */
    private final Provenance[] lastProvenance = new Provenance[io.kuaxin.op.Op.values().length];

    Provenance provenance(io.kuaxin.op.Op op, String kernel, boolean fallback) {
        Provenance p = lastProvenance[op.ordinal()];
        if (p == null || !p.kernel().equals(kernel) || p.fallback() != fallback) {
            p = new Provenance(op.label(), id(), kernel, fallback);
            lastProvenance[op.ordinal()] = p;
        }
        return p;
    }

    /** The device spec, e.g. {@code mlu:1}. */
    public String id() { return info.id(); }

    public DeviceInfo info() { return info; }

    public Kuaxin runtime() { return runtime; }

    /** Free device memory as the vendor reports it, or -1 if unknown. */
    public long freeMemory() {
        checkOpen();
        return spi.freeMemory();
    }

    /**
     * Current telemetry from the vendor's management interface (utilisation, power, temperature), by name with
     * units; empty if the backend has none.
     */
    public java.util.Map<String, String> telemetry() {
        checkOpen();
        return spi.telemetry();
    }

    /** A snapshot of the caching allocator's counters. */
    public MemoryStats memoryStats() { return allocator.stats(); }

    /** Returns cached, unused device blocks to the device and drops cached host staging buffers. */
    public void emptyCache() {
        checkOpen();
        allocator.emptyCache();
        hostPool.emptyCache();
    }

    /** Resets {@link MemoryStats#peakAllocatedBytes()} to the current allocation. */
    public void resetPeak() { allocator.resetPeak(); }

    /** The stream used when none is named. Owned by the device. */
    public Stream defaultStream() {
        checkOpen();
        return defaultStream;
    }

    /** A new stream, owned by the caller. */
    public Stream newStream() {
        checkOpen();
        Stream s = new Stream(this, spi.createStream(), false);
        synchronized (streams) {
            streams.add(s);
        }
        return s;
    }

    void forget(Stream s) {
        synchronized (streams) {
            streams.remove(s);
        }
    }

    Event track(Event e) {
        synchronized (events) {
            events.add(e);
        }
        return e;
    }

    void forget(Event e) {
        synchronized (events) {
            events.remove(e);
        }
    }

    /** Blocks until all work on all streams of this device has completed. */
    public void synchronize() {
        checkOpen();
        defaultStream.synchronize();
        List<Stream> copy;
        synchronized (streams) {
            copy = new ArrayList<>(streams);
        }
        for (Stream s : copy) s.synchronize();
    }

    /**
     * Host memory for asynchronous copies with this device ({@link Stream#copyToHost(Tensor, HostBuffer)},
     * {@link Stream#copyFromHost(HostBuffer, Tensor)}), page-locked where the backend supports it. The caller
     * closes it.
     */
    public HostBuffer allocateHostBuffer(long bytes) {
        checkOpen();
        if (bytes <= 0) throw new InvalidArgumentException("host buffer size must be > 0, was " + bytes);
        return new HostBuffer(this, hostPool.take(bytes));
    }

    /** A scope whose tensors are freed when it closes. */
    public Scope scope() {
        checkOpen();
        return new Scope(this);
    }

    /**
     * Whether ops of kind {@code op} with these input dtypes run on this device (and are not sent to a fallback).
     */
    public boolean supportsOp(Op op, DType... inputDtypes) {
        return unsupportedReason(op, io.kuaxin.op.OpAttributes.NONE, inputDtypes) == null;
    }

    /**
     * Whether ops of kind {@code op} with these attributes (e.g. a matmul's epilogue or output dtype) and input
     * dtypes run on this device: exactly what the front door decides before running one.
     */
    public boolean supportsOp(Op op, io.kuaxin.op.OpAttributes attributes, DType... inputDtypes) {
        return unsupportedReason(op, attributes, inputDtypes) == null;
    }

    /** Why {@code op} in its plain form (no attributes beyond the defaults) does not run here, or {@code null}. */
    public String unsupportedReason(Op op, DType... inputDtypes) {
        return unsupportedReason(op, io.kuaxin.op.OpAttributes.NONE, inputDtypes);
    }

    /**
     * Why {@code op} with these attributes (e.g. a matmul's epilogue or output dtype) does not run here, or
     * {@code null} if it does: exactly what the front door asks before running it.
     */
    public String unsupportedReason(Op op, io.kuaxin.op.OpAttributes attributes, DType... inputDtypes) {
        return spi.unsupportedReason(op, attributes, List.of(inputDtypes));
    }

    // ---------------------------------------------------------------- tensors owned by the caller

    /** An uninitialised tensor; the caller closes it. */
    public Tensor empty(DType dtype, Shape shape) { return allocate(dtype, shape, null, null); }

    /** A zero-filled tensor; the caller closes it. */
    public Tensor zeros(DType dtype, Shape shape) { return zeros(dtype, shape, null); }

    /** An f32 tensor holding a copy of {@code data}; the caller closes it. */
    public Tensor copyOf(float[] data, Shape shape) { return copyOf(data, DType.F32, shape, null); }

    /** A tensor of {@code dtype} holding {@code data} converted; the caller closes it. */
    public Tensor copyOf(float[] data, DType dtype, Shape shape) { return copyOf(data, dtype, shape, null); }

    /** A tensor holding a copy of the row-major elements in {@code data}; the caller closes it. */
    public Tensor copyOf(MemorySegment data, DType dtype, Shape shape) { return copyOf(data, dtype, shape, null); }

    /**
     * A tensor over memory Kuaxin did not allocate (an Arrow buffer, a DLPack producer's tensor, a C library's
     * array), without a copy.
     *
     * <p>Ownership: the memory stays its owner's; Kuaxin never frees it. When the returned tensor and every view of
     * it are closed and no enqueued work uses it any more, {@code release} runs exactly once, on the thread that
     * dropped the last reference (possibly a stream's completion path; an exception it throws is logged), so the
     * owner can free or unpin the memory. The owner keeps the memory valid until then. If this method throws,
     * {@code release} is not run and the memory stays the caller's. The caching allocator never sees the memory, so
     * {@link #memoryStats()} does not count it.
     *
     * <p>Memory kinds: on a host-accessible device ({@link DeviceInfo#hostAccessible()}) {@code memory} is host
     * memory. On any other device it must be device memory of this device, passed as a segment whose address is the
     * device address and whose size is the bytes that may be reached; Kuaxin cannot check that (callers such as the
     * DLPack importer check the producer's device type and ordinal first) and never dereferences it on the host.
     *
     * <p>Thread-safety: may be called from any thread; the tensor follows {@link Tensor}'s rules.
     *
     * @param memory  the bytes the tensor may reach; a native segment
     * @param dtype   element type; the device must support it
     * @param shape   extents
     * @param strides element strides, one per dimension, each {@code >= 0}
     * @param offset  offset of element 0 from the start of {@code memory}, in elements, {@code >= 0}
     * @param release run once when the memory is no longer used; may do nothing, never null
     * @return a tensor owned by the caller
     * @throws InvalidArgumentException if {@code memory} is a heap segment or not aligned to the dtype's size, the
     *                                  strides have the wrong length or a negative value, the offset is negative, or
     *                                  an element lies outside {@code memory}
     * @throws UnsupportedOpException   if the device has no tensors of {@code dtype}
     * @throws ClosedResourceException  if the device is closed
     */
    public Tensor wrap(MemorySegment memory, DType dtype, Shape shape, long[] strides, long offset,
                       Runnable release) {
        checkOpen();
        java.util.Objects.requireNonNull(release, "release (pass () -> {} if the owner needs no call)");
        if (!memory.isNative()) {
            throw new InvalidArgumentException("wrap needs native memory; a heap segment can move (use copyOf)");
        }
        if (!info.dtypes().contains(dtype)) {
            throw new UnsupportedOpException("wrap", List.of(dtype), id(), "the device has no " + dtype.label()
                    + " tensors");
        }
        if (memory.address() % dtype.byteSize() != 0) {
            throw new InvalidArgumentException("wrap: address 0x" + Long.toHexString(memory.address())
                    + " is not aligned to " + dtype.byteSize() + " bytes for " + dtype.label());
        }
        if (strides.length != shape.rank()) {
            throw new InvalidArgumentException("wrap: " + strides.length + " strides for rank " + shape.rank());
        }
        if (offset < 0) throw new InvalidArgumentException("wrap: negative element offset " + offset);
        long last = offset; // highest element index reached
        for (int i = 0; i < strides.length; i++) {
            if (strides[i] < 0) {
                throw new InvalidArgumentException("wrap: negative stride " + strides[i] + " in dimension " + i
                        + " (make the producer's view contiguous first)");
            }
        }
        if (shape.numel() > 0) {
            for (int i = 0; i < strides.length; i++) {
                last = Math.addExact(last, Math.multiplyExact(shape.dim(i) - 1, strides[i]));
            }
        }
        long reach = Math.multiplyExact(last + 1, (long) dtype.byteSize());
        if (shape.numel() > 0 && reach > memory.byteSize()) {
            throw new InvalidArgumentException("wrap: " + dtype.label() + shape + " with strides "
                    + java.util.Arrays.toString(strides) + " and offset " + offset + " reaches byte " + reach
                    + " but the memory has " + memory.byteSize());
        }
        Storage s = new Storage(memory.address(), memory.byteSize(), release);
        return new Tensor(this, s, dtype, shape, strides.clone(), offset, null,
                new Provenance("wrap", id(), "foreign memory", false));
    }

    // ---------------------------------------------------------------- shared with Scope and Ops

    Tensor allocate(DType dtype, Shape shape, Scope owner, Provenance provenance) {
        checkOpen();
        if (!info.dtypes().contains(dtype)) {
            throw new UnsupportedOpException("allocate", List.of(dtype), id(), "the device has no " + dtype.label()
                    + " tensors");
        }
        long bytes = shape.numel() * dtype.byteSize(); // Shape guarantees no overflow
        Storage s = allocator.allocate(bytes);
        return new Tensor(this, s, dtype, shape, shape.contiguousStrides(), 0, owner, provenance);
    }

    Tensor zeros(DType dtype, Shape shape, Scope owner) {
        Tensor t = allocate(dtype, shape, owner, new Provenance("zeros", id(), "fill", false));
        if (t.byteSize() > 0) defaultStream.fill(t, (byte) 0);
        return t;
    }

    Tensor copyOf(float[] data, DType dtype, Shape shape, Scope owner) {
        checkLength(data.length, shape);
        if (!dtype.isFloatingPoint()) {
            throw new InvalidArgumentException("copyOf(float[]) makes floating-point tensors; " + dtype.label()
                    + " was asked for (use the int[]/long[] or MemorySegment overloads)");
        }
        return upload(dtype, shape, owner, seg -> {
            if (dtype == DType.F32) {
                MemorySegment.copy(data, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, data.length);
            } else {
                for (int i = 0; i < data.length; i++) dtype.setFromDouble(seg, i, data[i]);
            }
        });
    }

    Tensor copyOf(int[] data, Shape shape, Scope owner) {
        checkLength(data.length, shape);
        return upload(DType.I32, shape, owner,
                seg -> MemorySegment.copy(data, 0, seg, ValueLayout.JAVA_INT_UNALIGNED, 0, data.length));
    }

    Tensor copyOf(long[] data, Shape shape, Scope owner) {
        checkLength(data.length, shape);
        return upload(DType.I64, shape, owner,
                seg -> MemorySegment.copy(data, 0, seg, ValueLayout.JAVA_LONG_UNALIGNED, 0, data.length));
    }

    Tensor copyOf(MemorySegment data, DType dtype, Shape shape, Scope owner) {
        long bytes = shape.numel() * dtype.byteSize();
        if (data.byteSize() != bytes) {
            throw new InvalidArgumentException("segment has " + data.byteSize() + " bytes but " + dtype.label()
                    + shape + " needs " + bytes);
        }
        return upload(dtype, shape, owner, seg -> seg.copyFrom(data));
    }

    /** Fills a staging buffer on this thread, then enqueues its copy to a new tensor on the default stream. */
    private Tensor upload(DType dtype, Shape shape, Scope owner, java.util.function.Consumer<MemorySegment> fill) {
        Tensor t = allocate(dtype, shape, owner, new Provenance("copy", id(), "host->" + id(), false));
        if (t.byteSize() == 0) return t;
        try {
            HostPool.Lease staging = hostPool.take(t.byteSize());
            try {
                fill.accept(staging.segment);
            } catch (RuntimeException e) {
                staging.release();
                throw e;
            }
            defaultStream.upload(staging, t);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private static void checkLength(int length, Shape shape) {
        if (length != shape.numel()) {
            throw new InvalidArgumentException("array has " + length + " elements but shape " + shape + " needs "
                    + shape.numel());
        }
    }

    void checkOpen() {
        if (closed) throw new ClosedResourceException("device " + id() + " is closed (its Kuaxin runtime was closed)");
    }

    /**
     * Closes the events and streams left open, frees the cache and the device. Returns bytes still held by unclosed
     * tensors.
     */
    long close() {
        if (closed) return 0;
        long leaked;
        try {
            synchronize();
        } finally {
            List<Event> openEvents;
            synchronized (events) {
                openEvents = new ArrayList<>(events);
                events.clear();
            }
            for (Event e : openEvents) e.closeInternal(); // before the streams they were recorded on
            List<Stream> copy;
            synchronized (streams) {
                copy = new ArrayList<>(streams);
                streams.clear();
            }
            for (Stream s : copy) {
                try {
                    s.closeInternal();
                } catch (ClosedResourceException ignored) {
                    // closed concurrently by its owner
                }
            }
            defaultStream.closeInternal();
            leaked = allocator.close();
            hostPool.close();
            closed = true;
            spi.close();
        }
        return leaked;
    }

    @Override
    public String toString() {
        return id() + " (" + info.vendor() + " " + info.name() + (info.emulated() ? ", emulated" : "") + ")";
    }

}
