package io.kuaxin.arrow;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Arrow Java vectors to and from Kuaxin tensors.
 *
 * <table class="striped">
 * <caption>Arrow column and tensor</caption>
 * <tr><th>Arrow</th><th>tensor</th></tr>
 * <tr><td>{@code Float2/4/8Vector}, {@code TinyInt/UInt1/Int/BigIntVector}</td><td>rank 1, f16/f32/f64, i8/u8/i32/i64</td></tr>
 * <tr><td>{@code FixedSizeListVector} of those, nested to any depth</td><td>rank 2 and up, e.g. {@code [rows, 384]}</td></tr>
 * <tr><td>{@code UInt2Vector} / {@code UInt1Vector} with field metadata {@code kuaxin.dtype=bf16 / bool}</td><td>bf16 / bool</td></tr>
 * <tr><td>{@code BitVector} (bit-packed)</td><td>bool, unpacked: one copy</td></tr>
 * <tr><td>anything else (strings, lists, decimals, timestamps, unsigned 16/32/64-bit)</td><td>{@link UnsupportedOpException}</td></tr>
 * </table>
 *
 * <p>Copies: on a device that reads host memory ({@link io.kuaxin.DeviceInfo#hostAccessible()}, the CPU) both
 * directions are views over the same memory: {@link #toTensor} wraps the vector's {@link ArrowBuf}, {@link #toVector}
 * wraps the tensor's memory in an {@code ArrowBuf} through {@link BufferAllocator#wrapForeignAllocation}. On any other
 * device each direction makes one copy (host to device, or device to host). A strided tensor is first made contiguous
 * (one copy on its device).
 *
 * <p>Lifetimes: each side holds a reference to the shared memory, so either may be closed first. A tensor from
 * {@link #toTensor} retains the {@code ArrowBuf} until the tensor and its views are closed; a vector from
 * {@link #toVector} holds a {@linkplain Tensor#share() shared view} until the vector (and every buffer transferred
 * from it) is closed. Arrow's allocator counts the wrapped tensor memory while the vector is open.
 *
 * <p>Validity: Arrow Java vectors always carry a validity bitmap. The ones {@link #toVector} gives are, on Linux,
 * private copy-on-write mappings of one shared all-ones memory file (no per-vector fill), so a {@code setNull} on one
 * vector is seen by that vector only.
 *
 * <p>Nulls: {@link Nulls#REJECT} (the default) refuses a vector with nulls; {@link Nulls#AS_STORED} takes the values
 * as stored and {@link #validityMask} gives the mask.
 *
 * <p>Thread-safety: stateless; a vector must not be written while it is converted.
 */
public final class ArrowTensors {
    private ArrowTensors() {}

    /**
     * A tensor over the vector's values, refusing nulls; see the class table.
     *
     * @throws InvalidArgumentException if the vector has nulls, or a child's length disagrees with its list size
     * @throws UnsupportedOpException   if the Arrow type has no Kuaxin dtype, or the device lacks the dtype
     */
    public static Tensor toTensor(FieldVector vector, Device device) { return toTensor(vector, device, Nulls.REJECT); }

    /**
     * A tensor over the vector's values with the given null policy; see the class table.
     *
     * @return a tensor owned by the caller
     * @throws InvalidArgumentException if {@code nulls} is {@link Nulls#REJECT} and the vector has nulls, or a child's
     *                                  length disagrees with its list size
     * @throws UnsupportedOpException   if the Arrow type has no Kuaxin dtype, or the device lacks the dtype
     */
    public static Tensor toTensor(FieldVector vector, Device device, Nulls nulls) {
        List<Long> dims = new ArrayList<>();
        FieldVector v = vector;
        long rows = vector.getValueCount();
        dims.add(rows);
        while (v instanceof FixedSizeListVector list) {
            checkNulls(list, nulls);
            FieldVector child = list.getDataVector();
            long expected = rows * list.getListSize();
            if (child.getValueCount() != expected) {
                throw new InvalidArgumentException("Arrow column '" + vector.getName() + "': child '" + child.getName()
                        + "' has " + child.getValueCount() + " values but " + rows + " lists of "
                        + list.getListSize() + " need " + expected);
            }
            dims.add((long) list.getListSize());
            rows = expected;
            v = child;
        }
        DType dtype = ArrowDTypes.dtype(v.getField());
        if (dtype == null || !(v instanceof BaseFixedWidthVector || v instanceof BitVector)) {
            throw new UnsupportedOpException("arrow.toTensor", List.of(), device.id(), "Arrow type "
                    + v.getField().getType() + " of column '" + vector.getName() + "' has no Kuaxin dtype; supported: "
                    + "float16/32/64, int8/32/64, uint8, bool and fixed-size lists of them");
        }
        checkNulls(v, nulls);
        Shape shape = Shape.of(dims.stream().mapToLong(Long::longValue).toArray());
        if (v instanceof BitVector bits) return unpackBits(bits, shape, device);
        long bytes = rows * dtype.byteSize();
        ArrowBuf buf = v.getDataBuffer();
        if (buf.capacity() < bytes) {
            throw new InvalidArgumentException("Arrow column '" + vector.getName() + "': data buffer has "
                    + buf.capacity() + " bytes but " + rows + " " + dtype.label() + " values need " + bytes);
        }
        MemorySegment memory = MemorySegment.ofAddress(buf.memoryAddress()).reinterpret(bytes);
        if (!device.info().hostAccessible()) return device.copyOf(memory, dtype, shape); // one copy, then done
        buf.getReferenceManager().retain();
        try {
            return device.wrap(memory, dtype, shape, shape.contiguousStrides(), 0,
                    () -> buf.getReferenceManager().release());
        } catch (RuntimeException e) {
            buf.getReferenceManager().release();
            throw e;
        }
    }

    /**
     * The validity of the vector's top-level slots as a bool tensor {@code [valueCount]} (1 = present, 0 = null): one
     * small copy. For a {@code FixedSizeListVector}, a null list or a null in any of its values marks the slot null.
     *
     * @return a tensor owned by the caller
     */
    public static Tensor validityMask(FieldVector vector, Device device) {
        int n = vector.getValueCount();
        byte[] mask = new byte[n];
        for (int i = 0; i < n; i++) mask[i] = (byte) (vector.isNull(i) ? 0 : 1);
        FieldVector v = vector;
        int per = 1;
        while (v instanceof FixedSizeListVector list) {
            per *= list.getListSize();
            v = list.getDataVector();
            if (v.getNullCount() == 0) continue;
            for (int i = 0; i < v.getValueCount() && i / per < n; i++) if (v.isNull(i)) mask[i / per] = 0;
        }
        return device.copyOf(MemorySegment.ofArray(mask), DType.BOOL, Shape.of(n));
    }

    private static void checkNulls(FieldVector v, Nulls nulls) {
        if (nulls == Nulls.AS_STORED || v.getNullCount() == 0) return;
        int first = 0;
        while (first < v.getValueCount() && !v.isNull(first)) first++;
        throw new InvalidArgumentException("Arrow column '" + v.getName() + "' has " + v.getNullCount()
                + " nulls (the first at index " + first + "); fill them, or pass Nulls.AS_STORED and use validityMask");
    }

    private static Tensor unpackBits(BitVector bits, Shape shape, Device device) {
        byte[] b = new byte[bits.getValueCount()];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (bits.isNull(i) ? 0 : bits.get(i));
        return device.copyOf(MemorySegment.ofArray(b), DType.BOOL, shape);
    }

    /**
     * A vector holding the tensor's elements: rank 1 becomes a primitive vector, rank {@code k >= 2} a
     * {@code FixedSizeListVector} nested {@code k - 1} deep (e.g. {@code [rows, 384]} f32 becomes
     * {@code FixedSizeList<float>[384]}), with no nulls. See the class comment for copies and lifetimes.
     *
     * @param name      the field name
     * @param allocator the allocator the vector and its validity buffers belong to
     * @return a vector owned by the caller
     * @throws InvalidArgumentException if the tensor has rank 0, or more than 2^31 - 1 elements (an Arrow Java limit)
     */
    public static FieldVector toVector(Tensor tensor, String name, BufferAllocator allocator) {
        if (tensor.rank() == 0) {
            throw new InvalidArgumentException("a rank-0 tensor is no column; reshape it to [1] first");
        }
        if (tensor.numel() > Integer.MAX_VALUE) {
            throw new InvalidArgumentException("Arrow Java vectors hold at most 2^31 - 1 values; " + tensor + " has "
                    + tensor.numel() + " (split it into record batches)");
        }
        for (int d = 1; d < tensor.rank(); d++) {
            if (tensor.shape().dim(d) > Integer.MAX_VALUE || tensor.shape().dim(d) == 0) {
                throw new InvalidArgumentException("Arrow list size must be 1 .. 2^31 - 1; " + tensor + " has "
                        + tensor.shape().dim(d) + " in dimension " + d);
            }
        }
        Field field = field(name, tensor.dtype(), tensor.shape(), 0);
        FieldVector vector = field.createVector(allocator);
        try (ArrowBuf data = dataBuffer(tensor, allocator)) {
            FieldVector v = vector;
            long count = tensor.shape().dim(0);
            while (v instanceof FixedSizeListVector list) {
                try (ArrowBuf valid = allValid(count, allocator)) {
                    list.loadFieldBuffers(new ArrowFieldNode(count, 0), List.of(valid)); // retains valid
                }
                count *= list.getListSize();
                v = list.getDataVector();
            }
            try (ArrowBuf valid = allValid(count, allocator)) {
                v.loadFieldBuffers(new ArrowFieldNode(count, 0), List.of(valid, data)); // retains both
            }
            return vector;
        } catch (RuntimeException e) {
            vector.close();
            throw e;
        }
    }

    /** An all-ones validity bitmap for {@code count} values: a copy-on-write mapping, not a fill (see AllValid). */
    private static ArrowBuf allValid(long count, BufferAllocator allocator) {
        return AllValid.buffer(Math.max(8, (count + 7) / 8), allocator);
    }

    private static Field field(String name, DType dtype, Shape shape, int dim) {
        if (dim == shape.rank() - 1) return new Field(name, ArrowDTypes.fieldType(dtype), null);
        Field child = field(dim == shape.rank() - 2 ? "item" : "list", dtype, shape, dim + 1);
        FieldType list = new FieldType(false, new ArrowType.FixedSizeList((int) shape.dim(dim + 1)), null, null);
        return new Field(name, list, List.of(child));
    }

    /** One reference the caller closes: the tensor's memory, or a host copy of it. */
    private static ArrowBuf dataBuffer(Tensor tensor, BufferAllocator allocator) {
        long bytes = tensor.byteSize();
        if (bytes == 0) return allocator.buffer(0);
        if (!tensor.device().info().hostAccessible()) {
            ArrowBuf buf = allocator.buffer(bytes);
            try {
                tensor.copyTo(MemorySegment.ofAddress(buf.memoryAddress()).reinterpret(bytes));
            } catch (RuntimeException e) {
                buf.close();
                throw e;
            }
            return buf;
        }
        Tensor dense = tensor.isContiguous() ? tensor : tensor.contiguous();
        Tensor view;
        try {
            view = dense.share();
        } finally {
            if (dense != tensor) dense.close();
        }
        TensorAllocation allocation;
        try {
            allocation = new TensorAllocation(view, bytes);
        } catch (RuntimeException e) {
            view.close();
            throw e;
        }
        try {
            return allocator.wrapForeignAllocation(allocation);
        } catch (RuntimeException e) {
            allocation.release0(); // a no-op if Arrow released it while failing
            throw e;
        }
    }

    /** The tensor memory an {@code ArrowBuf} wraps; Arrow calls {@link #release0} once, when its last buffer goes. */
    private static final class TensorAllocation extends ForeignAllocation {
        private final Tensor view;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        TensorAllocation(Tensor view, long bytes) {
            super(bytes, view.hostSegment().address());
            this.view = view;
        }

        @Override
        protected void release0() {
            if (released.compareAndSet(false, true)) view.close();
        }
    }
}
