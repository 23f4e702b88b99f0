package io.kuaxin.arrow;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.kuaxin.arrow.CDataLayout.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@link ArrowCData#importTensor}: reads a producer's structs, moves its array, wraps or copies its buffer. */
final class CDataImport {
    /** Calls a C function pointer {@code void (*)(struct ArrowArray*)}. */
    private static final MethodHandle CALL_RELEASE = Linker.nativeLinker().downcallHandle(FunctionDescriptor.ofVoid(ADDRESS));

    private CDataImport() {}

    static Tensor importTensor(MemorySegment array, MemorySegment schema, Device device) {
        if (array.address() == 0 || schema.address() == 0) {
            throw new InvalidArgumentException("importTensor: the ArrowArray or ArrowSchema pointer is NULL");
        }
        MemorySegment a = array.reinterpret(ARRAY.byteSize());
        MemorySegment s = schema.reinterpret(SCHEMA.byteSize());
        if (a.get(ADDRESS, A_RELEASE).address() == 0) {
            throw new InvalidArgumentException("importTensor: the ArrowArray was already released (or moved)");
        }
        List<Long> dims = new ArrayList<>();
        long rows = a.get(JAVA_LONG, A_LENGTH);
        long start = a.get(JAVA_LONG, A_OFFSET);
        dims.add(rows);
        checkNoNulls(a, 0);
        MemorySegment na = a, ns = s;
        String format = string(ns.get(ADDRESS, S_FORMAT));
        while (format.startsWith("+w:")) {
            long n = Long.parseLong(format.substring(3));
            if (ns.get(JAVA_LONG, S_N_CHILDREN) != 1 || na.get(JAVA_LONG, A_N_CHILDREN) != 1) {
                throw new InvalidArgumentException("importTensor: a fixed-size list needs exactly one child");
            }
            long parentEnd = (start + rows) * n;
            ns = ns.get(ADDRESS, S_CHILDREN).reinterpret(8).get(ADDRESS, 0).reinterpret(SCHEMA.byteSize());
            na = na.get(ADDRESS, A_CHILDREN).reinterpret(8).get(ADDRESS, 0).reinterpret(ARRAY.byteSize());
            long childOffset = na.get(JAVA_LONG, A_OFFSET);
            if (childOffset + na.get(JAVA_LONG, A_LENGTH) < parentEnd) {
                throw new InvalidArgumentException("importTensor: child array has " + na.get(JAVA_LONG, A_LENGTH)
                        + " values from offset " + childOffset + " but the lists need " + parentEnd);
            }
            checkNoNulls(na, dims.size());
            dims.add(n);
            rows *= n;
            start = start * n + childOffset;
            format = string(ns.get(ADDRESS, S_FORMAT));
        }
        DType dtype = dtype(format, ns.get(ADDRESS, S_METADATA), device);
        if (na.get(JAVA_LONG, A_N_BUFFERS) != 2) {
            throw new InvalidArgumentException("importTensor: a primitive array has 2 buffers, this one "
                    + na.get(JAVA_LONG, A_N_BUFFERS));
        }
        long data = na.get(ADDRESS, A_BUFFERS).reinterpret(16).getAtIndex(ADDRESS, 1).address();
        Shape shape = Shape.of(dims.stream().mapToLong(Long::longValue).toArray());
        long bytes = rows * dtype.byteSize();
        MemorySegment memory = MemorySegment.ofAddress(data + start * dtype.byteSize()).reinterpret(bytes);
        if (rows > 0 && data == 0) throw new InvalidArgumentException("importTensor: the data buffer is NULL");

        // move the array: Kuaxin owns a copy of the struct, the caller's is marked released
        NativeBlocks moved = new NativeBlocks();
        MemorySegment own = moved.allocate(ARRAY).copyFrom(a);
        Runnable release = () -> {
            try {
                MemorySegment fn = own.get(ADDRESS, A_RELEASE);
                if (fn.address() != 0) CALL_RELEASE.invokeExact(fn, own);
            } catch (Throwable t) {
                throw new IllegalStateException("the producer's ArrowArray release failed", t);
            } finally {
                moved.free();
            }
        };
        Tensor t;
        try {
            t = device.info().hostAccessible()
                    ? device.wrap(memory, dtype, shape, shape.contiguousStrides(), 0, release)
                    : device.copyOf(memory, dtype, shape);
        } catch (RuntimeException e) {
            moved.free();
            throw e;
        }
        a.set(ADDRESS, A_RELEASE, MemorySegment.NULL);
        if (!device.info().hostAccessible()) release.run(); // copyOf has read the host memory
        return t;
    }

    private static void checkNoNulls(MemorySegment a, int level) {
        long nulls = a.get(JAVA_LONG, A_NULL_COUNT);
        if (nulls == 0) return;
        MemorySegment validity = a.get(ADDRESS, A_BUFFERS).reinterpret(8).get(ADDRESS, 0);
        if (validity.address() == 0) return; // no bitmap: every slot is valid whatever null_count says
        if (nulls < 0) { // unknown: count
            long offset = a.get(JAVA_LONG, A_OFFSET), length = a.get(JAVA_LONG, A_LENGTH);
            MemorySegment bits = validity.reinterpret((offset + length + 7) / 8);
            nulls = 0;
            for (long i = offset; i < offset + length; i++) if ((bits.get(JAVA_BYTE, i >>> 3) & (1 << (i & 7))) == 0) nulls++;
            if (nulls == 0) return;
        }
        throw new InvalidArgumentException("importTensor: " + nulls + " nulls at nesting level " + level
                + "; tensors have no nulls (fill them in the producer, or import through Arrow Java and use "
                + "ArrowTensors.validityMask)");
    }

    private static DType dtype(String format, MemorySegment metadata, Device device) {
        String marked = metadata.address() == 0 ? null : metadataValue(metadata, ArrowDTypes.DTYPE_KEY);
        DType t = switch (format) {
            case "f" -> DType.F32;
            case "g" -> DType.F64;
            case "e" -> DType.F16;
            case "c" -> DType.I8;
            case "C" -> "bool".equals(marked) ? DType.BOOL : DType.U8;
            case "S" -> "bf16".equals(marked) ? DType.BF16 : null;
            case "i" -> DType.I32;
            case "l" -> DType.I64;
            default -> null;
        };
        if (t == null) {
            throw new UnsupportedOpException("arrow.importTensor", List.of(), device.id(), "Arrow format '" + format
                    + "' has no Kuaxin dtype; supported: f g e c C i l, S marked kuaxin.dtype=bf16, and +w:n of them");
        }
        return t;
    }

    private static String metadataValue(MemorySegment metadata, String key) {
        MemorySegment m = metadata.reinterpret(Integer.MAX_VALUE);
        int count = m.get(JAVA_INT_UNALIGNED, 0);
        long at = 4;
        for (int i = 0; i < count; i++) {
            int kl = m.get(JAVA_INT_UNALIGNED, at);
            String k = new String(m.asSlice(at + 4, kl).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
            at += 4 + kl;
            int vl = m.get(JAVA_INT_UNALIGNED, at);
            String v = new String(m.asSlice(at + 4, vl).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
            at += 4 + vl;
            if (k.equals(key)) return v;
        }
        return null;
    }

    private static String string(MemorySegment p) {
        if (p.address() == 0) throw new InvalidArgumentException("importTensor: the schema's format is NULL");
        return p.reinterpret(Integer.MAX_VALUE).getString(0);
    }
}
