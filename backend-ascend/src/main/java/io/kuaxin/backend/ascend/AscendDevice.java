package io.kuaxin.backend.ascend;

import io.kuaxin.DType;
import io.kuaxin.DeviceInfo;
import io.kuaxin.op.Op;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.StreamBackend;
import io.kuaxin.spi.ffm.DeviceConstants;
import io.kuaxin.spi.ffm.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;


/**
 * One Ascend NPU ({@code ascend:N}). Owns its default stream and its constant pool; the runtime owns every other
 * stream and all tensor memory.
 *
 * <p>Memory comes from {@code aclrtMalloc} with {@code ACL_MEM_MALLOC_HUGE_FIRST}: huge pages cut TLB misses for
 * the large, long-lived blocks the caching allocator above keeps, and unlike {@code HUGE_ONLY} it falls back to
 * normal pages instead of failing when huge pages run out. Host staging memory is pinned ({@code aclrtMallocHost}).
 *
 * <p>Thread-safe: every entry point first binds the device to the calling thread ({@code aclrtSetDevice}, once per
 * thread).
 */
final class AscendDevice implements DeviceBackend {
    static final int ACL_MEM_MALLOC_HUGE_FIRST = 0;
    static final int ACL_HBM_MEM = 1;

    final AscendSymbols s;
    final AclContext ctx;
    final int ordinal;
    private final DeviceInfo info;
    final DeviceConstants constants;
    /** aclrtGetSocName's answer, e.g. {@code Ascend910B1}: some aclnn arguments depend on it. */
    private final String soc;
    final AscendTelemetry telemetry;
    private final AscendDcmi dcmi;
    private final AscendStream defaultStream;
    private volatile boolean closed;

    /**
     * Opens the device: aclInit (reference counted), aclrtSetDevice, SoC name, memory size, default stream.
     *
     * @throws io.kuaxin.VendorException if a vendor call fails
     */
    AscendDevice(AscendSymbols s, int ordinal, String physicalId, AscendDcmi dcmi) {
        this.s = s;
        this.dcmi = dcmi;
        this.ctx = s.context;
        this.ordinal = ordinal;
        ctx.acquire();
        try {
            bind();
            String soc;
            try {
                soc = Native.string((MemorySegment) s.aclrtGetSocName.invokeExact());
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
            long[] mem = memInfo();
            this.info = new DeviceInfo(AscendSymbols.BACKEND, ordinal, physicalId, "Huawei",
                    soc.isEmpty() ? "Ascend NPU" : soc, mem[1], EnumSet.allOf(DType.class), false, s.emulated,
                    Map.of("soc", soc, "library", String.valueOf(s.runtimeLibrary),
                            "mallocPolicy", "ACL_MEM_MALLOC_HUGE_FIRST", "cubeMathType",
                            Integer.toString(AscendMatmul.cubeMathType(soc))));
            this.soc = soc;
            this.constants = new DeviceConstants(this, this::upload);
            this.telemetry = new AscendTelemetry(this);
            this.defaultStream = new AscendStream(this);
        } catch (RuntimeException e) {
            ctx.release();
            throw e;
        }
    }

    /** Makes this device current on the calling thread. */
    void bind() { ctx.bind(ordinal); }

    AscendErrors errors() { return ctx.errors; }

    @Override
    public DeviceInfo info() { return info; }

    /** The SoC name ({@code aclrtGetSocName}), possibly empty. */
    String soc() { return soc; }

    /** {free, total} HBM bytes of this device. */
    private long[] memInfo() {
        bind();
        return Native.outLongs(2, out -> (int) s.aclrtGetMemInfo.invokeExact(ACL_HBM_MEM, out, out.asSlice(8)),
                errors().checking("aclrtGetMemInfo"));
    }

    @Override
    public long freeMemory() {
        return Native.orElse(() -> memInfo()[0], -1);
    }

    @Override
    public long allocate(long bytes) {
        bind();
        return Native.outAddress(p -> (int) s.aclrtMalloc.invokeExact(p, bytes, ACL_MEM_MALLOC_HUGE_FIRST),
                rc -> errors().checkAlloc(rc, "aclrtMalloc", info.id(), bytes, this::freeMemory));
    }

    @Override
    public void free(long address) {
        bind();
        Native.call(() -> (int) s.aclrtFree.invokeExact(Native.ptr(address)), errors().checking("aclrtFree"));
    }

    /** Pinned host memory from aclrtMallocHost, released by aclrtFreeHost when {@code arena} closes. */
    @Override
    public MemorySegment allocateHost(long bytes, Arena arena) {
        bind();
        long address = Native.outAddress(p -> (int) s.aclrtMallocHost.invokeExact(p, bytes),
                rc -> errors().checkAlloc(rc, "aclrtMallocHost", "host (pinned, for " + info.id() + ")", bytes,
                        () -> -1));
        return Native.hostBlock(address, bytes, arena, h -> {
            int ignored = (int) s.aclrtFreeHost.invokeExact(Native.ptr(h));
        });
    }

    /** A synchronous host-to-device copy ({@code aclrtMemcpy}), for the constant pool. */
    private void upload(long dst, MemorySegment host, long bytes) {
        bind();
        int rc = Native.status(() -> (int) s.aclrtMemcpy.invokeExact(Native.ptr(dst), bytes, host, bytes,
                AscendStream.ACL_MEMCPY_HOST_TO_DEVICE));
        errors().check(rc, "aclrtMemcpy");
    }

    @Override
    public StreamBackend defaultStream() { return defaultStream; }

    @Override
    public StreamBackend createStream() { return new AscendStream(this); }

    @Override
    public String unsupportedReason(Op op, io.kuaxin.op.OpAttributes attributes, List<DType> inputDtypes) {
        return AscendOps.unsupportedReason(op, inputDtypes);
    }

    @Override
    public void synchronize() {
        bind();
        Native.call(() -> (int) s.aclrtSynchronizeDevice.invokeExact(), errors().checking("aclrtSynchronizeDevice"));
    }

    /** Utilisation from AscendCL merged with DCMI's {@code power} and {@code temperature}; each part optional. */
    @Override
    public java.util.Map<String, String> telemetry() {
        java.util.Map<String, String> t = new java.util.LinkedHashMap<>();
        telemetry.utilization().ifPresent(u -> {
            t.put("utilization.cube", u.cube() + " %");
            t.put("utilization.vector", u.vector() + " %");
            t.put("utilization.aicpu", u.aicpu() + " %");
            t.put("utilization.memory", u.memory() + " %");
        });
        t.putAll(dcmi.readings(info.physicalId()));
        return java.util.Collections.unmodifiableMap(t);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            defaultStream.close();
            constants.close();
        } finally {
            ctx.release();
        }
    }
}
