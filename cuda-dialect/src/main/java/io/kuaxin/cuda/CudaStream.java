package io.kuaxin.cuda;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;
import io.kuaxin.spi.ffm.StreamScratch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * A non-blocking vendor stream and the BLAS handle bound to it ({@code cublasSetStream}).
 *
 * <p>Ownership: both handles belong to this object's shared arena; {@link #close()} closes it, which destroys the
 * BLAS handle and then the stream (the vendor finishes queued work first). Use after close fails with
 * {@link IllegalStateException} (the handles' arena is closed), never a crash.
 *
 * <p>Thread-safety: one thread at a time, as {@link StreamBackend} says (the front door serialises); the host-side
 * scalar buffer for alpha/beta relies on that.
 */
final class CudaStream implements StreamBackend {
    final CudaDevice device;
    final CudaRuntime rt;
    private final Arena arena = Arena.ofShared();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The stream handle, tied to {@link #arena}. */
    final MemorySegment stream;
    /** The BLAS handle, tied to {@link #arena}. */
    final MemorySegment blas;
    /** Host memory for GEMM alpha/beta: the BLAS reads them at call time (pointer mode host). */
    final MemorySegment scalars;
    /** The BLAS handle's math mode as last set; meaningful only where the dialect has the exact mode. */
    private int mathMode;
    /** Device scratch for multi-step ops (an f32 GEMM result before its epilogue); grown, freed at close. */
    private final StreamScratch scratch;

    /**
     * Creates the stream and its BLAS handle on {@code device}.
     *
     * @throws io.kuaxin.VendorException            if either cannot be created
     * @throws io.kuaxin.DeviceOutOfMemoryException if the vendor runs out of memory creating them
     */
    CudaStream(CudaDevice device) {
        this.device = device;
        this.rt = device.rt;
        CudaSymbols sym = rt.sym;
        rt.use(device.ordinal);
        MemorySegment s, b;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            rt.errors.check(sym.streamCreateWithFlags(p, DialectEnums.STREAM_NON_BLOCKING), "cudaStreamCreateWithFlags",
                    device);
            s = p.get(ADDRESS, 0);
            int st = sym.blasCreate(p);
            if (st == 0) {
                b = p.get(ADDRESS, 0);
                st = sym.blasSetStream(b, s);
                String call = "cublasSetStream_v2";
                // Exact reduction by default: without it cuBLAS may reduce split-K partial sums in bf16/f16.
                if (st == 0 && sym.hasSetMathMode()) {
                    st = sym.blasSetMathMode(b, rt.enums.mathModeExact());
                    call = "cublasSetMathMode";
                }
                if (st != 0) sym.blasDestroy(b);
                if (st != 0) fail(s, st, call);
            } else {
                fail(s, st, "cublasCreate_v2");
                b = null;
            }
        }
        MemorySegment rawStream = s, rawBlas = b;
        // One cleanup, so the order is fixed: the BLAS handle before the stream it uses.
        this.stream = rawStream.reinterpret(arena, x -> {
            sym.blasDestroy(rawBlas);
            sym.streamDestroy(rawStream);
        });
        this.blas = rawBlas.reinterpret(arena, null);
        this.scalars = arena.allocate(32, 16);
        this.mathMode = sym.hasSetMathMode() ? rt.enums.mathModeExact() : 0;
        this.scratch = new StreamScratch(device, this, 1, 1L << 20);
    }

    /**
     * Sets the handle's reduction mode for the next GEMMs (exact unless {@code allowReduced}) and returns the
     * provenance note: which reduction the BLAS was allowed, or that the dialect has no switch.
     *
     * @throws io.kuaxin.VendorException if the BLAS rejects the mode
     */
    String reductionMode(boolean allowReduced) {
        DialectEnums e = rt.enums;
        if (!rt.sym.hasSetMathMode()) return "reduction=vendor-default";
        int want = allowReduced ? e.mathModeDefault() : e.mathModeExact();
        if (want != mathMode) {
            rt.errors.checkBlas(rt.sym.blasSetMathMode(blas, want), rt.sym.name("cublasSetMathMode"), device);
            mathMode = want;
        }
        return allowReduced ? "reduction=reduced-precision-allowed" : "reduction=exact";
    }

    /** The vendor stream, for libraries that enqueue on it (a collective library). */
    @Override
    public long nativeHandle() { return stream.address(); }

    private void fail(MemorySegment s, int st, String call) {
        rt.sym.streamDestroy(s);
        rt.errors.checkBlas(st, call, device);
    }

    private void check(int rc, String call) { rt.errors.check(rc, call, device); }

    private void enter() {
        if (closed.get()) throw new IllegalStateException("stream of " + device.info().id() + " is closed");
        rt.use(device.ordinal);
    }

    @Override
    public void copyHostToDevice(MemorySegment src, long dst, long bytes) {
        enter();
        if (!src.isNative()) { // a heap array: stage it; a pageable source is copied before the call returns
            try (Arena a = Arena.ofConfined()) {
                MemorySegment tmp = a.allocate(bytes);
                tmp.copyFrom(src.asSlice(0, bytes));
                check(rt.sym.memcpyAsync(MemorySegment.ofAddress(dst), tmp, bytes, rt.enums.memcpyH2D(), stream),
                        "cudaMemcpyAsync");
                synchronize();
            }
            return;
        }
        check(rt.sym.memcpyAsync(MemorySegment.ofAddress(dst), src, bytes, rt.enums.memcpyH2D(), stream),
                "cudaMemcpyAsync");
    }

    @Override
    public void copyDeviceToHost(long src, MemorySegment dst, long bytes) {
        enter();
        if (!dst.isNative()) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment tmp = a.allocate(bytes);
                check(rt.sym.memcpyAsync(tmp, MemorySegment.ofAddress(src), bytes, rt.enums.memcpyD2H(), stream),
                        "cudaMemcpyAsync");
                synchronize();
                dst.asSlice(0, bytes).copyFrom(tmp);
            }
            return;
        }
        check(rt.sym.memcpyAsync(dst, MemorySegment.ofAddress(src), bytes, rt.enums.memcpyD2H(), stream),
                "cudaMemcpyAsync");
    }

    @Override
    public void copyDeviceToDevice(long src, long dst, long bytes) {
        enter();
        copyD2D(src, dst, bytes);
    }

    void copyD2D(long src, long dst, long bytes) {
        check(rt.sym.memcpyAsync(MemorySegment.ofAddress(dst), MemorySegment.ofAddress(src), bytes,
                rt.enums.memcpyD2D(), stream), "cudaMemcpyAsync");
    }

    @Override
    public void fill(long dst, long bytes, byte value) {
        enter();
        check(rt.sym.memsetAsync(MemorySegment.ofAddress(dst), value & 0xff, bytes, stream), "cudaMemsetAsync");
    }

    @Override
    public String execute(KernelCall call) {
        enter();
        return CudaKernels.execute(this, call);
    }

    @Override
    public EventBackend recordEvent() {
        enter();
        MemorySegment e = device.takeEvent();
        int rc = rt.sym.eventRecord(e, stream);
        if (rc != 0) {
            device.recycle(e);
            check(rc, "cudaEventRecord");
        }
        return new CudaEvent(device, e);
    }

    @Override
    public void waitEvent(EventBackend event) {
        enter();
        check(rt.sym.streamWaitEvent(stream, ((CudaEvent) event).handle(), 0), "cudaStreamWaitEvent");
    }

    @Override
    public void synchronize() {
        enter();
        check(rt.sym.streamSynchronize(stream), "cudaStreamSynchronize");
    }

    /**
     * At least {@code bytes} of device scratch, valid for work queued on this stream until the next call. Growing
     * synchronises the stream before freeing the old buffer, so queued work that reads it has finished.
     */
    long scratch(long bytes) { return scratch.get(0, bytes); }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        rt.use(device.ordinal);
        arena.close();
        scratch.close();
    }
}
