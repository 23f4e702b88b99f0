package io.kuaxin.backend.cambricon;

import io.kuaxin.DType;
import io.kuaxin.spi.TensorRef;
import io.kuaxin.spi.ffm.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * CNNL tensor and op descriptors of one op call (or one cached matmul plan), plus the host memory for their
 * arguments; {@link #close()} destroys them, newest first. CNNL descriptors hold shapes, never addresses, so a plan
 * may keep them across calls. Not thread-safe.
 */
final class CnnlDescs implements AutoCloseable {
    static final int CNNL_LAYOUT_ARRAY = 4;
    private final CambriconSymbols s;
    final Arena arena = Arena.ofConfined();
    private record Owned(MemorySegment handle, java.lang.invoke.MethodHandle destroy) {}
    private final List<Owned> owned = new ArrayList<>();

    CnnlDescs(CambriconSymbols s) { this.s = s; }

    CambriconSymbols s() { return s; }

    static int cnnlDataType(DType t) {
        return switch (t) {
            case F16 -> 1;
            case F32 -> 2;
            case I8 -> 3;
            case I32 -> 6;
            case U8 -> 7;
            case BOOL -> 8;
            case I64 -> 9;
            case F64 -> 14;
            case BF16 -> 17;
        };
    }

    MemorySegment tensor(TensorRef t) { return tensor(t.dtype(), t.shape(), t.strides()); }

    /** An ARRAY-layout descriptor with element strides (cnnlSetTensorDescriptorEx_v2). */
    MemorySegment tensor(DType dtype, long[] shape, long[] strides) {
        MemorySegment d = create(s.cnnlCreateTensorDescriptor, s.cnnlDestroyTensorDescriptor,
                "cnnlCreateTensorDescriptor");
        // a rank-0 tensor is described as [1]
        long[] sh = shape.length == 0 ? new long[] {1} : shape, st = shape.length == 0 ? new long[] {1} : strides;
        int rc = Native.status(() -> (int) s.cnnlSetTensorDescriptorEx_v2.invokeExact(d, CNNL_LAYOUT_ARRAY,
                cnnlDataType(dtype), sh.length, longs(sh), longs(st)));
        s.errors.checkCnnl(rc, "cnnlSetTensorDescriptorEx_v2");
        return d;
    }

    /** Creates a descriptor with {@code create(&d)}, destroyed at close with {@code destroy(d)}. */
    MemorySegment create(java.lang.invoke.MethodHandle create, java.lang.invoke.MethodHandle destroy, String call) {
        MemorySegment p = arena.allocate(ADDRESS);
        int rc = Native.status(() -> (int) create.invokeExact(p));
        s.errors.checkCnnl(rc, call);
        MemorySegment d = p.get(ADDRESS, 0);
        owned.add(new Owned(d, destroy));
        return d;
    }

    MemorySegment floats(float v) {
        MemorySegment m = arena.allocate(JAVA_FLOAT);
        m.set(JAVA_FLOAT, 0, v);
        return m;
    }

    MemorySegment longs(long... v) {
        MemorySegment m = arena.allocate(JAVA_LONG, Math.max(1, v.length));
        for (int i = 0; i < v.length; i++) m.setAtIndex(JAVA_LONG, i, v[i]);
        return m;
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                int ignored = (int) owned.get(i).destroy().invokeExact(owned.get(i).handle());
            } catch (RuntimeException ignored) {
                // would only leak a host-side descriptor
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
        }
        owned.clear();
        arena.close();
    }
}
