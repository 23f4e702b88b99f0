package io.kuaxin;

import io.kuaxin.op.Op;
import io.kuaxin.spi.DeviceBackend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

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
    private final List<Stream> streams = new ArrayList<>();
    private volatile boolean closed;

    Device(Kuaxin runtime, DeviceBackend spi) {
        this.runtime = runtime;
        this.spi = spi;
        this.info = spi.info();
        this.allocator = new CachingAllocator(info.id(), spi);
        this.hostPool = new HostPool(spi);
        this.defaultStream = new Stream(this, spi.defaultStream(), true);
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
        return spi.unsupportedReason(op, List.of(inputDtypes)) == null;
    }

    /** Why {@code op} does not run here, or {@code null} if it does. */
    public String unsupportedReason(Op op, DType... inputDtypes) {
        return spi.unsupportedReason(op, List.of(inputDtypes));
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

    /** Closes streams, frees the cache and the device. Returns bytes still held by unclosed tensors. */
    long close() {
        if (closed) return 0;
        long leaked;
        try {
            synchronize();
        } finally {
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
