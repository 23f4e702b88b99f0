package io.kuaxin.backend.cambricon;

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

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One Cambricon MLU ({@code mlu:N}). Owns its default stream and constant pool. Memory from {@code cnrtMalloc},
 * pinned host memory from {@code cnrtHostMalloc}. Thread-safe: each entry point makes the device current on the
 * calling thread first ({@code cnrtSetDevice}, once per thread).
 */
final class CambriconDevice implements DeviceBackend {
    /** {@code cnrtDeviceProp_t} is larger than the name we read and its layout is unverified: oversize it. */
    static final long PROPERTIES_BYTES = 8192;
    /** {@code cnrtAttrClusterCount} 0x205, {@code cnrtAttrMcorePerCluster} 0x206 (V: public cnrt.h, CNRT 6.14). */
    static final int CNRT_ATTR_CLUSTER_COUNT = 0x205, CNRT_ATTR_MCORE_PER_CLUSTER = 0x206;

    final CambriconSymbols s;
    final int ordinal;
    private final DeviceInfo info;
    final DeviceConstants constants;
    private final CambriconStream defaultStream;
    private final CambriconCndev cndev;
    private volatile boolean closed;

    CambriconDevice(CambriconSymbols s, int ordinal, String physicalId, CambriconCndev cndev) {
        this.s = s;
        this.cndev = cndev;
        this.ordinal = ordinal;
        bind();
        String name;
        int clusters, cores;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prop = a.allocate(PROPERTIES_BYTES, 16); // zeroed by the arena
            s.errors.check((int) s.cnrtGetDeviceProperties.invokeExact(prop, ordinal), "cnrtGetDeviceProperties");
            name = prop.getString(0); // name[] at offset 0 (README: only that field is relied on)
            MemorySegment v = a.allocate(JAVA_INT);
            s.errors.check((int) s.cnrtDeviceGetAttribute.invokeExact(v, CNRT_ATTR_CLUSTER_COUNT, ordinal),
                    "cnrtDeviceGetAttribute");
            clusters = v.get(JAVA_INT, 0);
            s.errors.check((int) s.cnrtDeviceGetAttribute.invokeExact(v, CNRT_ATTR_MCORE_PER_CLUSTER, ordinal),
                    "cnrtDeviceGetAttribute");
            cores = v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        long[] mem = memInfo();
        this.info = new DeviceInfo(CambriconSymbols.BACKEND, ordinal, physicalId, "Cambricon",
                name.isEmpty() ? "MLU" : name, mem[1], EnumSet.allOf(DType.class), false, s.emulated,
                Map.of("library", String.valueOf(s.cnrtLibrary), "clusters", Integer.toString(clusters),
                        "coresPerCluster", Integer.toString(cores)));
        this.constants = new DeviceConstants(this, (dst, host, bytes) -> {
            bind();
            int rc = Native.status(() -> (int) s.cnrtMemcpy.invokeExact(Native.ptr(dst), host, bytes,
                    CambriconStream.HOST_TO_DEV));
            errors().check(rc, "cnrtMemcpy");
        });
        this.defaultStream = new CambriconStream(this);
    }

    void bind() { s.bind(ordinal); }

    CambriconErrors errors() { return s.errors; }

    @Override
    public DeviceInfo info() { return info; }

    /** {free, total} for this device (cnrtMemGetInfo reports the current one). */
    private long[] memInfo() {
        bind();
        return Native.outLongs(2, out -> (int) s.cnrtMemGetInfo.invokeExact(out, out.asSlice(8)),
                errors().checking("cnrtMemGetInfo"));
    }

    @Override
    public long freeMemory() {
        return Native.orElse(() -> memInfo()[0], -1);
    }

    @Override
    public long allocate(long bytes) {
        bind();
        return Native.outAddress(p -> (int) s.cnrtMalloc.invokeExact(p, bytes),
                rc -> errors().checkAlloc(rc, "cnrtMalloc", info.id(), bytes, this::freeMemory));
    }

    @Override
    public void free(long address) {
        bind();
        Native.call(() -> (int) s.cnrtFree.invokeExact(Native.ptr(address)), errors().checking("cnrtFree"));
    }

    /** Pinned host memory (cnrtHostMalloc), freed by cnrtFreeHost when {@code arena} closes. */
    @Override
    public MemorySegment allocateHost(long bytes, Arena arena) {
        bind();
        long address = Native.outAddress(p -> (int) s.cnrtHostMalloc.invokeExact(p, bytes),
                rc -> errors().checkAlloc(rc, "cnrtHostMalloc", "host (pinned, for " + info.id() + ")", bytes,
                        () -> -1));
        return Native.hostBlock(address, bytes, arena, h -> {
            int ignored = (int) s.cnrtFreeHost.invokeExact(Native.ptr(h));
        });
    }

    @Override
    public StreamBackend defaultStream() { return defaultStream; }

    @Override
    public StreamBackend createStream() { return new CambriconStream(this); }

    @Override
    public String unsupportedReason(Op op, io.kuaxin.op.OpAttributes attributes, List<DType> inputDtypes) {
        return CambriconOps.unsupportedReason(op, attributes, inputDtypes);
    }

    @Override
    public void synchronize() {
        bind();
        Native.call(() -> (int) s.cnrtSyncDevice.invokeExact(), errors().checking("cnrtSyncDevice"));
    }

    /** CNDev readings (power, temperature, utilisation, memory); empty without {@code libcndev.so}. */
    @Override
    public Map<String, String> telemetry() { return cndev.readings(info.physicalId()); }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        defaultStream.close();
        constants.close();
    }
}
