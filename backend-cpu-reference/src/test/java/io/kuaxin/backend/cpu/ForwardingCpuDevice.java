package io.kuaxin.backend.cpu;

import io.kuaxin.DType;
import io.kuaxin.DeviceInfo;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.StreamBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A test backend that is cpu:0 under another name: every call goes to the CPU device; a test overrides what it
 * changes (which ops it refuses, its streams).
 */
class ForwardingCpuDevice implements DeviceBackend {
    final CpuDevice d;
    private final String name;

    ForwardingCpuDevice(String name, CpuDevice d) {
        this.name = name;
        this.d = d;
    }

    @Override public DeviceInfo info() {
        DeviceInfo i = d.info();
        return new DeviceInfo(name, i.ordinal(), i.physicalId(), i.vendor(), i.name(), i.totalMemory(), i.dtypes(),
                i.hostAccessible(), i.emulated(), i.properties());
    }
    @Override public long freeMemory() { return d.freeMemory(); }
    @Override public long allocate(long bytes) { return d.allocate(bytes); }
    @Override public void free(long address) { d.free(address); }
    @Override public MemorySegment allocateHost(long bytes, Arena arena) { return d.allocateHost(bytes, arena); }
    @Override public StreamBackend defaultStream() { return d.defaultStream(); }
    @Override public StreamBackend createStream() { return d.createStream(); }
    @Override public void synchronize() { d.synchronize(); }
    @Override public void close() { d.close(); }
    @Override public String unsupportedReason(Op op, OpAttributes attrs, List<DType> dtypes) {
        return d.unsupportedReason(op, attrs, dtypes);
    }
}
