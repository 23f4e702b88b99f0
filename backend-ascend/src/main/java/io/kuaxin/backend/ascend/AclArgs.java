package io.kuaxin.backend.ascend;

import io.kuaxin.DType;
import io.kuaxin.VendorException;
import io.kuaxin.spi.TensorRef;
import io.kuaxin.spi.ffm.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The aclnn argument objects of one op call ({@code aclTensor}, {@code aclScalar}, {@code aclIntArray},
 * {@code aclTensorList}) and the host memory they were built from. {@link #close()} destroys them, newest first.
 * Owned by one op call (or, for a cached executor, by its cache entry); not thread-safe.
 */
final class AclArgs implements AutoCloseable {
    static final int ACL_FORMAT_ND = 2;
    private final AscendSymbols s;
    final Arena arena = Arena.ofConfined();
    /** Tensors in creation order; a cached executor rebinds their addresses by this order. */
    final List<MemorySegment> tensors = new ArrayList<>();
    private record Obj(MemorySegment handle, int kind) {}
    private static final int SCALAR = 0, INT_ARRAY = 1, TENSOR_LIST = 2;
    private final List<Obj> others = new ArrayList<>();

    AclArgs(AscendSymbols s) { this.s = s; }

    static int aclDataType(DType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1;
            case I8 -> 2;
            case I32 -> 3;
            case U8 -> 4;
            case I64 -> 9;
            case F64 -> 11;
            case BOOL -> 12;
            case BF16 -> 27;
        };
    }

    MemorySegment tensor(TensorRef t) { return tensor(t.address(), t.dtype(), t.shape(), t.strides()); }

    /**
     * An ND tensor viewing {@code shape} with element {@code strides}, element 0 at {@code address}. Its storage is
     * described as the 1-D span of elements the view touches, starting at element 0 (view offset 0).
     */
    MemorySegment tensor(long address, DType dtype, long[] shape, long[] strides) {
        long span = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) {
                span = 0;
                break;
            }
            span += (shape[i] - 1) * strides[i];
        }
        MemorySegment dims = longs(shape), st = longs(strides), storage = longs(span);
        MemorySegment h;
        try {
            h = (MemorySegment) s.aclCreateTensor.invokeExact(dims, (long) shape.length, aclDataType(dtype), st, 0L,
                    ACL_FORMAT_ND, storage, 1L, Native.ptr(address));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (h.address() == 0) throw failed("aclCreateTensor");
        tensors.add(h);
        return h;
    }

    /** A contiguous tensor of {@code shape}. */
    MemorySegment dense(long address, DType dtype, long... shape) {
        return tensor(address, dtype, shape, denseStrides(shape));
    }

    static long[] denseStrides(long[] shape) {
        long[] st = new long[shape.length];
        long e = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = e;
            e *= shape[i];
        }
        return st;
    }

    /** An fp32 scalar (copied by aclCreateScalar). */
    MemorySegment scalar(float v) {
        MemorySegment value = arena.allocate(JAVA_FLOAT);
        value.set(JAVA_FLOAT, 0, v);
        MemorySegment h;
        try {
            h = (MemorySegment) s.aclCreateScalar.invokeExact(value, aclDataType(DType.F32));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (h.address() == 0) throw failed("aclCreateScalar");
        others.add(new Obj(h, SCALAR));
        return h;
    }

    MemorySegment intArray(long... values) {
        MemorySegment h;
        try {
            h = (MemorySegment) s.aclCreateIntArray.invokeExact(longs(values), (long) values.length);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (h.address() == 0) throw failed("aclCreateIntArray");
        others.add(new Obj(h, INT_ARRAY));
        return h;
    }

    /** A tensor list; it takes ownership of {@code members} (destroying the list destroys them). */
    MemorySegment tensorList(MemorySegment... members) {
        MemorySegment arr = arena.allocate(JAVA_LONG, members.length);
        for (int i = 0; i < members.length; i++) arr.setAtIndex(JAVA_LONG, i, members[i].address());
        MemorySegment h;
        try {
            h = (MemorySegment) s.aclCreateTensorList.invokeExact(arr, (long) members.length);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (h.address() == 0) throw failed("aclCreateTensorList");
        for (MemorySegment m : members) tensors.remove(m);
        others.add(new Obj(h, TENSOR_LIST));
        return h;
    }

    MemorySegment cString(String v) { return arena.allocateFrom(v); }

    private MemorySegment longs(long... v) {
        MemorySegment m = arena.allocate(JAVA_LONG, Math.max(1, v.length));
        for (int i = 0; i < v.length; i++) m.setAtIndex(JAVA_LONG, i, v[i]);
        return m;
    }

    MemorySegment doubleCell() { return arena.allocate(JAVA_DOUBLE); }

    private VendorException failed(String call) {
        return new VendorException(AscendSymbols.BACKEND, call, -1, s.recentErrorMessage());
    }

    /** Destroys every object, newest first; never throws. */
    @Override
    public void close() {
        try {
            for (int i = others.size() - 1; i >= 0; i--) {
                MemorySegment h = others.get(i).handle();
                int rc = switch (others.get(i).kind()) {
                    case SCALAR -> (int) s.aclDestroyScalar.invokeExact(h);
                    case INT_ARRAY -> (int) s.aclDestroyIntArray.invokeExact(h);
                    default -> (int) s.aclDestroyTensorList.invokeExact(h);
                };
            }
            for (int i = tensors.size() - 1; i >= 0; i--) {
                int rc = (int) s.aclDestroyTensor.invokeExact(tensors.get(i));
            }
        } catch (Throwable ignored) {
            // destruction failures would only leak host descriptors
        } finally {
            others.clear();
            tensors.clear();
            arena.close();
        }
    }
}
