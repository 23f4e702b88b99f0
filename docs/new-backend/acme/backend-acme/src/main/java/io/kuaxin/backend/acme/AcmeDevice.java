package io.kuaxin.backend.acme;

import io.kuaxin.DType;
import io.kuaxin.DeviceInfo;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.StreamBackend;
import io.kuaxin.spi.ffm.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/** One Acme device; owns its default stream. Thread-safe: each entry point makes the device current. */
final class AcmeDevice implements DeviceBackend {
    final AcmeSymbols s;
    final int ordinal;
    private final DeviceInfo info;
    private final AcmeStream defaultStream;

    AcmeDevice(AcmeSymbols s, int ordinal, String physicalId) {
        this.s = s;
        this.ordinal = ordinal;
        this.info = new DeviceInfo(AcmeSymbols.BACKEND, ordinal, physicalId, "Acme", "Acme device", memInfo()[1],
                EnumSet.allOf(DType.class), false, s.emulated, Map.of()); // memory holds any dtype
        this.defaultStream = new AcmeStream(this);
    }

    void bind() { s.bind(ordinal); }

    /** {free, total} bytes. */
    private long[] memInfo() {
        bind();
        return Native.outLongs(2, out -> (int) s.acmeMemGetInfo.invokeExact(out, out.asSlice(8)),
                s.errors.checking("acmeMemGetInfo"));
    }

    @Override public DeviceInfo info() { return info; }
    @Override public long freeMemory() { return Native.orElse(() -> memInfo()[0], -1); }
    @Override public StreamBackend defaultStream() { return defaultStream; }
    @Override public StreamBackend createStream() { return new AcmeStream(this); }
    @Override public void synchronize() { defaultStream.synchronize(); }
    @Override public void close() { defaultStream.close(); }

    @Override
    public String unsupportedReason(Op op, OpAttributes attrs, List<DType> dtypes) {
        return op == Op.COPY ? null : "no Acme op is bound yet"; // copies need only acmeMemcpyAsync
    }

    @Override
    public long allocate(long bytes) {
        bind();
        return Native.outAddress(p -> (int) s.acmeMalloc.invokeExact(p, bytes),
                rc -> s.errors.checkAlloc(rc, "acmeMalloc", info.id(), bytes, this::freeMemory));
    }

    @Override
    public void free(long address) {
        bind();
        Native.call(() -> (int) s.acmeFree.invokeExact(Native.ptr(address)), s.errors.checking("acmeFree"));
    }

    /** Pageable host memory: a pinned allocator (Native.hostBlock) is the next step. */
    @Override public MemorySegment allocateHost(long bytes, Arena arena) { return arena.allocate(bytes, 64); }
}
