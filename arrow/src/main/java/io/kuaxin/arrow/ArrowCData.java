package io.kuaxin.arrow;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.kuaxin.arrow.CDataLayout.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Tensors through the Arrow C Data Interface ({@code struct ArrowArray} and {@code struct ArrowSchema}), implemented
 * with the FFM API rather than Arrow Java's JNI-based {@code arrow-c-data}, so a C, C++, Rust or Python consumer
 * (pyarrow's {@code _import_from_c}, nanoarrow, DuckDB) takes a tensor without a copy and without a JNI library.
 *
 * <p>Shapes: a rank-1 tensor is a primitive array; rank {@code k >= 2} is a fixed-size list ({@code +w:n}) nested
 * {@code k - 1} deep, e.g. {@code [rows, 384]} f32 is {@code +w:384} of {@code f}. Formats: {@code f g e c C i l} for
 * f32 f64 f16 i8 u8 i32 i64; bf16 and Kuaxin's byte-per-value bool travel as {@code S} and {@code C} with the field
 * metadata {@code kuaxin.dtype}, as in {@link ArrowTensors}. Arrow's bit-packed {@code b} and other formats are
 * refused with {@link UnsupportedOpException}.
 *
 * <h2>Export</h2>
 * {@link #exportTensor} fills structs the consumer allocated (the interface's convention). The array holds a
 * {@linkplain Tensor#share() shared view}: the caller may close the tensor at once; the memory lives until the array's
 * {@code release} callback has run for the array and for every child the consumer moved out. The schema is
 * independent and has its own {@code release}. Each {@code release} must be called exactly once per struct (the
 * interface's contract), from any thread. A strided tensor is made contiguous first (one copy on its device), and a
 * tensor on a device whose memory the host cannot read is copied to host memory once.
 *
 * <h2>Import</h2>
 * {@link #importTensor} moves the producer's {@code ArrowArray} into Kuaxin (the caller's struct is marked released,
 * as the interface's move semantics say) and returns a tensor over the producer's buffers; the producer's
 * {@code release} runs once, when the tensor and every view of it are closed. The schema is only read: the caller
 * still releases it. If the import throws, nothing was moved.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class ArrowCData {
    private static final Logger LOG = LoggerFactory.getLogger(ArrowCData.class);
    private static final Linker LINKER = Linker.nativeLinker();
    private static final ConcurrentHashMap<Long, Export> EXPORTS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong(1);
    private static final MemorySegment RELEASE_ARRAY = upcall("releaseArray");
    private static final MemorySegment RELEASE_SCHEMA = upcall("releaseSchema");

    private ArrowCData() {}

    /** Bytes of a {@code struct ArrowArray} (80 on LP64). */
    public static long arraySize() { return ARRAY.byteSize(); }

    /** Bytes of a {@code struct ArrowSchema} (72 on LP64). */
    public static long schemaSize() { return SCHEMA.byteSize(); }

    /** Exported arrays and schemas (counting each struct tree once) whose release has not run yet. */
    public static int liveExports() { return EXPORTS.size(); }

    /** Memory owned by one exported struct tree: freed when every node in it was released. */
    private record Export(NativeBlocks blocks, AtomicInteger nodes, Tensor view, Arena hostCopy) {}

    private static MemorySegment upcall(String name) {
        try {
            MethodHandle h = MethodHandles.lookup().findStatic(ArrowCData.class, name,
                    MethodType.methodType(void.class, MemorySegment.class));
            return LINKER.upcallStub(h, FunctionDescriptor.ofVoid(ADDRESS), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---------------------------------------------------------------- export

    /**
     * Describes {@code tensor} in the consumer's {@code array} and {@code schema} structs, without copying the elements
     * (see the class comment for the exceptions).
     *
     * @param name   the field name the schema carries
     * @param array  an {@link #arraySize()}-byte struct the consumer allocated; filled, owned by the consumer
     * @param schema a {@link #schemaSize()}-byte struct the consumer allocated; filled, owned by the consumer
     * @throws InvalidArgumentException if the tensor has rank 0, a zero extent below the first, or the structs are
     *                                  NULL
     */
    public static void exportTensor(Tensor tensor, String name, MemorySegment array, MemorySegment schema) {
        if (tensor.rank() == 0) throw new InvalidArgumentException("a rank-0 tensor is no Arrow array; reshape to [1]");
        for (int d = 1; d < tensor.rank(); d++) {
            if (tensor.shape().dim(d) == 0 || tensor.shape().dim(d) > Integer.MAX_VALUE) {
                throw new InvalidArgumentException("Arrow list size must be 1 .. 2^31 - 1; " + tensor + " has "
                        + tensor.shape().dim(d) + " in dimension " + d);
            }
        }
        if (array.address() == 0 || schema.address() == 0) {
            throw new InvalidArgumentException("exportTensor: the ArrowArray or ArrowSchema pointer is NULL");
        }
        MemorySegment a = array.reinterpret(ARRAY.byteSize());
        MemorySegment s = schema.reinterpret(SCHEMA.byteSize());
        Tensor view = null;
        Arena hostCopy = null;
        long data;
        if (tensor.device().info().hostAccessible()) {
            Tensor dense = tensor.isContiguous() ? tensor : tensor.contiguous();
            try {
                view = dense.share();
            } finally {
                if (dense != tensor) dense.close();
            }
            data = view.numel() == 0 ? 0 : view.hostSegment().address();
        } else { // the host cannot read device memory: one copy, owned by the export
            hostCopy = Arena.ofShared();
            MemorySegment copy = hostCopy.allocate(Math.max(1, tensor.byteSize()), 64);
            try {
                tensor.copyTo(copy.asSlice(0, tensor.byteSize()));
            } catch (RuntimeException e) {
                hostCopy.close();
                throw e;
            }
            data = copy.address();
        }
        long schemaId = IDS.getAndIncrement(), arrayId = IDS.getAndIncrement();
        NativeBlocks schemaBlocks = new NativeBlocks(), arrayBlocks = new NativeBlocks();
        EXPORTS.put(schemaId, new Export(schemaBlocks, new AtomicInteger(tensor.rank()), null, null));
        EXPORTS.put(arrayId, new Export(arrayBlocks, new AtomicInteger(tensor.rank()), view, hostCopy));
        fillSchema(s, name, tensor.dtype(), tensor.shape(), 0, schemaBlocks, schemaId);
        fillArray(a, data, tensor.shape(), 0, arrayBlocks, arrayId);
    }

    private static void fillSchema(MemorySegment s, String name, DType dtype, Shape shape, int dim, NativeBlocks blocks,
                                   long id) {
        boolean leaf = dim == shape.rank() - 1;
        String format = leaf ? format(dtype) : "+w:" + shape.dim(dim + 1);
        s.set(ADDRESS, S_FORMAT, blocks.allocateFrom(format));
        s.set(ADDRESS, S_NAME, blocks.allocateFrom(name));
        s.set(ADDRESS, S_METADATA, leaf && (dtype == DType.BF16 || dtype == DType.BOOL)
                ? metadata(ArrowDTypes.DTYPE_KEY, dtype.label(), blocks) : MemorySegment.NULL);
        s.set(JAVA_LONG, S_FLAGS, 0L); // not nullable: tensors have no nulls
        s.set(ADDRESS, S_DICTIONARY, MemorySegment.NULL);
        s.set(ADDRESS, S_RELEASE, RELEASE_SCHEMA);
        s.set(ADDRESS, S_PRIVATE, MemorySegment.ofAddress(id));
        if (leaf) {
            s.set(JAVA_LONG, S_N_CHILDREN, 0L);
            s.set(ADDRESS, S_CHILDREN, MemorySegment.NULL);
            return;
        }
        MemorySegment child = blocks.allocate(SCHEMA);
        MemorySegment children = blocks.allocate(ADDRESS);
        children.set(ADDRESS, 0, child);
        s.set(JAVA_LONG, S_N_CHILDREN, 1L);
        s.set(ADDRESS, S_CHILDREN, children);
        fillSchema(child, "item", dtype, shape, dim + 1, blocks, id);
    }

    private static void fillArray(MemorySegment a, long data, Shape shape, int dim, NativeBlocks blocks, long id) {
        long length = 1;
        for (int d = 0; d <= dim; d++) length *= shape.dim(d);
        boolean leaf = dim == shape.rank() - 1;
        a.set(JAVA_LONG, A_LENGTH, length);
        a.set(JAVA_LONG, A_NULL_COUNT, 0L);
        a.set(JAVA_LONG, A_OFFSET, 0L);
        MemorySegment buffers = blocks.allocate(ADDRESS, leaf ? 2 : 1);
        buffers.setAtIndex(ADDRESS, 0, MemorySegment.NULL); // no validity bitmap: no nulls
        if (leaf) buffers.setAtIndex(ADDRESS, 1, MemorySegment.ofAddress(data));
        a.set(JAVA_LONG, A_N_BUFFERS, leaf ? 2L : 1L);
        a.set(ADDRESS, A_BUFFERS, buffers);
        a.set(ADDRESS, A_DICTIONARY, MemorySegment.NULL);
        a.set(ADDRESS, A_RELEASE, RELEASE_ARRAY);
        a.set(ADDRESS, A_PRIVATE, MemorySegment.ofAddress(id));
        if (leaf) {
            a.set(JAVA_LONG, A_N_CHILDREN, 0L);
            a.set(ADDRESS, A_CHILDREN, MemorySegment.NULL);
            return;
        }
        MemorySegment child = blocks.allocate(ARRAY);
        MemorySegment children = blocks.allocate(ADDRESS);
        children.set(ADDRESS, 0, child);
        a.set(JAVA_LONG, A_N_CHILDREN, 1L);
        a.set(ADDRESS, A_CHILDREN, children);
        fillArray(child, data, shape, dim + 1, blocks, id);
    }

    private static String format(DType t) {
        return switch (t) {
            case F32 -> "f";
            case F64 -> "g";
            case F16 -> "e";
            case I8 -> "c";
            case U8, BOOL -> "C";
            case BF16 -> "S";
            case I32 -> "i";
            case I64 -> "l";
        };
    }

    /** The interface's metadata encoding: int32 count, then int32-length-prefixed key and value bytes, native order. */
    private static MemorySegment metadata(String key, String value, NativeBlocks blocks) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8), v = value.getBytes(StandardCharsets.UTF_8);
        MemorySegment m = blocks.allocate(12L + k.length + v.length);
        m.set(JAVA_INT_UNALIGNED, 0, 1);
        m.set(JAVA_INT_UNALIGNED, 4, k.length);
        MemorySegment.copy(k, 0, m, JAVA_BYTE, 8, k.length);
        m.set(JAVA_INT_UNALIGNED, 8L + k.length, v.length);
        MemorySegment.copy(v, 0, m, JAVA_BYTE, 12L + k.length, v.length);
        return m;
    }

    private static void releaseArray(MemorySegment a) { release(a, ARRAY.byteSize(), A_N_CHILDREN, A_CHILDREN, A_RELEASE, A_PRIVATE); }

    private static void releaseSchema(MemorySegment s) { release(s, SCHEMA.byteSize(), S_N_CHILDREN, S_CHILDREN, S_RELEASE, S_PRIVATE); }

    /** A release callback: children still in place first, then this node; never throws (it is called from C). */
    private static void release(MemorySegment node, long size, long nChildrenAt, long childrenAt, long releaseAt,
                                long privateAt) {
        try {
            MemorySegment n = node.reinterpret(size);
            long id = n.get(ADDRESS, privateAt).address();
            long count = n.get(JAVA_LONG, nChildrenAt);
            if (count > 0) {
                MemorySegment children = n.get(ADDRESS, childrenAt).reinterpret(8 * count);
                for (int i = 0; i < count; i++) {
                    MemorySegment c = children.getAtIndex(ADDRESS, i).reinterpret(size);
                    if (c.get(ADDRESS, releaseAt).address() != 0) {
                        release(c, size, nChildrenAt, childrenAt, releaseAt, privateAt);
                    }
                }
            }
            n.set(ADDRESS, releaseAt, MemorySegment.NULL); // the interface's mark of a released struct
            Export e = EXPORTS.get(id);
            if (e == null) {
                LOG.error("Arrow C Data release called for a struct of no live Kuaxin export (released twice?)");
                return;
            }
            if (e.nodes().decrementAndGet() == 0) {
                EXPORTS.remove(id);
                if (e.view() != null) e.view().close();
                if (e.hostCopy() != null) e.hostCopy().close();
                e.blocks().free();
            }
        } catch (Throwable t) {
            LOG.error("Arrow C Data release failed", t);
        }
    }

    /**
     * Moves the producer's {@code array} into a tensor on {@code device}, reading its type from {@code schema}: a view
     * on a host-accessible device, one copy otherwise (then the array is released at once).
     *
     * @param array  the producer's {@code struct ArrowArray}; marked released (moved) on success
     * @param schema the producer's {@code struct ArrowSchema}; only read, the caller releases it
     * @return a tensor owned by the caller
     * @throws InvalidArgumentException if a pointer is NULL, the array is already released, has nulls, or its child
     *                                  lengths disagree with the list sizes
     * @throws UnsupportedOpException   if the format has no Kuaxin dtype (e.g. {@code u}, {@code b}, {@code +l})
     */
    public static Tensor importTensor(MemorySegment array, MemorySegment schema, Device device) {
        return CDataImport.importTensor(array, schema, device);
    }
}
