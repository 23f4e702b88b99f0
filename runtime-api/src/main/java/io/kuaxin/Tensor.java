package io.kuaxin;

import io.kuaxin.internal.memory.Storage;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.op.TensorType;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * An n-dimensional array on one {@link Device}: a dtype, a shape, element strides and an offset into a
 * reference-counted block of device memory. Views ({@link #reshape}, {@link #permute}, {@link #transpose},
 * {@link #slice}, {@link #expand}) share the block without copying.
 *
 * <p>Ownership: a tensor is open until {@link #close()}. Tensors created through a {@link Scope}, and tensors
 * derived from them (views, op outputs), belong to that scope and are closed with it; others belong to the caller.
 * The memory goes back to the device's caching allocator when the last open view is closed and the work using it
 * has completed. Any use after close throws {@link ClosedResourceException}; so does closing twice.
 *
 * <p>Thread-safety: reading metadata is safe from any thread; closing concurrently with use is not.
 */
public final class Tensor implements AutoCloseable {
    private final Device device;
    final Storage storage;
    private final DType dtype;
    private final Shape shape;
    private final long[] strides;
    private final long offset;
    private volatile Scope owner;
    private volatile Provenance provenance;
    private volatile boolean closed;

    Tensor(Device device, Storage storage, DType dtype, Shape shape, long[] strides, long offset, Scope owner,
           Provenance provenance) {
        this.device = device;
        this.storage = storage;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.owner = owner;
        this.provenance = provenance;
        if (owner != null) owner.adopt(this);
    }

    public Device device() { return device; }

    public DType dtype() { return dtype; }

    public Shape shape() { return shape; }

    public int rank() { return shape.rank(); }

    public long numel() { return shape.numel(); }

    /** Bytes the elements occupy when dense: {@code numel() * dtype().byteSize()}. */
    public long byteSize() { return shape.numel() * dtype.byteSize(); }

    /** Element strides (a copy); 0 for broadcast dimensions. */
    public long[] strides() { return strides.clone(); }

    /** Element stride of dimension {@code i}, without copying the array; front doors only. */
    long stride(int i) { return strides[i]; }

    /** Offset of element 0 from the start of the storage, in elements. */
    public long offset() { return offset; }

    /** Which device and kernel produced the data (for op outputs), or how it got there. */
    public Provenance provenance() { return provenance; }

    void provenance(Provenance p) { this.provenance = p; }

    Scope owner() { return owner; }

    void disown() { this.owner = null; }

    public boolean isClosed() { return closed; }

    /**
     * Whether this tensor's memory was handed to {@link Ops#prepack} (it or a view sharing its memory): ops and
     * host copies then refuse to write it.
     */
    public boolean isReadOnly() { return storage.readOnly; }

    /** Whether elements are dense in row-major order (views may still be; broadcast views never are). */
    public boolean isContiguous() {
        if (numel() == 0) return true; // no elements: any strides describe the same (empty) layout
        long expected = 1;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            long d = shape.dim(i);
            if (d != 1 && strides[i] != expected) return false;
            expected *= d;
        }
        return true;
    }

    long address() { return storage.address + offset * dtype.byteSize(); }

    /** The kernel-side description; front doors only. */
    TensorRef ref() {
        checkOpen();
        TensorRef r = ref; // everything it holds is final here, so one built once serves every op
        if (r == null) ref = r = new TensorRef(address(), dtype, shape.dims(), strides); // arrays shared: read-only
        return r;
    }

    /** Built on first use; a racing second build is an equal record, so no lock. */
    private TensorRef ref;

    /** Dtype and shape as the op specs read them; built once, so an op on this tensor allocates none. */
    TensorType type() {
        TensorType t = type; // immutable record of final fields: a racing second build is equal
        if (t == null) type = t = new TensorType(dtype, shape);
        return t;
    }

    private TensorType type;

    // ---------------------------------------------------------------- views

    /**
     * A view with another shape and the same elements in row-major order; one extent may be -1 (inferred). Works
     * without a copy whenever the strides allow it (always for contiguous tensors, and e.g. for a column slice
     * reshaped within its rows), as PyTorch's {@code view} does.
     *
     * @throws InvalidArgumentException if the element counts differ, or the layout cannot be viewed in that shape
     *                                  (then call {@link #contiguous()} first)
     */
    public Tensor reshape(long... newDims) {
        checkOpen();
        long[] dims = newDims.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (infer >= 0) throw new InvalidArgumentException("reshape: only one extent may be -1");
                infer = i;
            } else {
                if (dims[i] < 0) throw new InvalidArgumentException("reshape: negative extent " + dims[i]);
                known = Math.multiplyExact(known, dims[i]);
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel() % known != 0) {
                throw new InvalidArgumentException("reshape: cannot infer -1 for " + numel() + " elements from "
                        + Arrays.toString(newDims));
            }
            dims[infer] = numel() / known;
        }
        Shape s = Shape.of(dims);
        if (s.numel() != numel()) {
            throw new InvalidArgumentException("reshape: " + shape + " has " + numel() + " elements, " + s + " has "
                    + s.numel());
        }
        long[] st = viewStrides(shape.toArray(), strides, dims);
        if (st == null) {
            throw new InvalidArgumentException("reshape of the view " + shape + " with strides "
                    + Arrays.toString(strides) + " to " + s + " would need a copy; call contiguous() first");
        }
        return view(s, st, offset);
    }

    /**
     * Strides that show the elements of (oldShape, oldStrides) in row-major order as newShape, or null if no
     * strides can: runs of dimensions that are contiguous with each other may be split and merged freely.
     */
    static long[] viewStrides(long[] oldShape, long[] oldStrides, long[] newShape) {
        long[] ns = new long[newShape.length];
        long numel = 1;
        for (long d : oldShape) numel *= d;
        if (numel == 0 || oldShape.length == 0) return Shape.of(newShape).contiguousStrides();
        int viewD = newShape.length - 1;
        long base = oldStrides[oldShape.length - 1], tensorNumel = 1, viewNumel = 1;
        for (int td = oldShape.length - 1; td >= 0; td--) {
            tensorNumel *= oldShape[td];
            boolean chunkEnds = td == 0 || (oldShape[td - 1] != 1 && oldStrides[td - 1] != tensorNumel * base);
            if (!chunkEnds) continue;
            while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                ns[viewD] = viewNumel * base;
                viewNumel *= newShape[viewD];
                viewD--;
            }
            if (viewNumel != tensorNumel) return null;
            if (td > 0) {
                base = oldStrides[td - 1];
                tensorNumel = 1;
                viewNumel = 1;
            }
        }
        return viewD == -1 ? ns : null;
    }

    /** A view with dimensions reordered: dimension {@code i} of the result is {@code order[i]} of this. */
    public Tensor permute(int... order) {
        checkOpen();
        if (order.length != rank()) {
            throw new InvalidArgumentException("permute: " + order.length + " axes given for rank " + rank());
        }
        long[] dims = new long[rank()];
        long[] st = new long[rank()];
        boolean[] seen = new boolean[rank()];
        for (int i = 0; i < order.length; i++) {
            int a = shape.axis(order[i]);
            if (seen[a]) throw new InvalidArgumentException("permute: axis " + order[i] + " repeated in "
                    + Arrays.toString(order));
            seen[a] = true;
            dims[i] = shape.dim(a);
            st[i] = strides[a];
        }
        return view(Shape.of(dims), st, offset);
    }

    /** A view with dimensions {@code a} and {@code b} swapped. */
    public Tensor transpose(int a, int b) {
        int[] order = new int[rank()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        int x = shape.axis(a), y = shape.axis(b);
        order[x] = y;
        order[y] = x;
        return permute(order);
    }

    /**
     * A view of indices {@code [start, end)} along {@code axis}.
     *
     * @throws InvalidArgumentException unless {@code 0 <= start <= end <= dim(axis)}
     */
    public Tensor slice(int axis, long start, long end) {
        checkOpen();
        int a = shape.axis(axis);
        long d = shape.dim(a);
        if (start < 0 || end < start || end > d) {
            throw new InvalidArgumentException("slice [" + start + ", " + end + ") is out of range for axis " + axis
                    + " of extent " + d);
        }
        long[] dims = shape.toArray();
        dims[a] = end - start;
        return view(Shape.of(dims), strides.clone(), offset + start * strides[a]);
    }

    /**
     * A broadcast view: extents of 1 may grow (stride 0) and new leading dimensions may be added.
     *
     * @throws InvalidArgumentException if an extent other than 1 would change
     */
    public Tensor expand(long... newDims) {
        checkOpen();
        if (newDims.length < rank()) {
            throw new InvalidArgumentException("expand: target rank " + newDims.length + " < rank " + rank());
        }
        Shape target = Shape.of(newDims);
        long[] st = new long[newDims.length];
        int lead = newDims.length - rank();
        for (int i = 0; i < newDims.length; i++) {
            if (i < lead) {
                st[i] = 0;
                continue;
            }
            long d = shape.dim(i - lead);
            if (d == newDims[i]) {
                st[i] = strides[i - lead];
            } else if (d == 1) {
                st[i] = 0;
            } else {
                throw new InvalidArgumentException("expand: cannot expand " + shape + " to " + target
                        + " (dimension " + i + " is " + d + ", not 1)");
            }
        }
        return view(target, st, offset);
    }

    /**
     * A new tensor with the same elements laid out densely in row-major order. If this view is already contiguous
     * the result shares its memory; otherwise the elements are copied on the device's default stream.
     */
    public Tensor contiguous() {
        checkOpen();
        if (isContiguous()) return view(shape, shape.contiguousStrides(), offset);
        return FrontDoor.call(null, null, Op.COPY, OpAttributes.NONE, this, null);
    }

    /** A tensor over {@code storage} from its start, contiguous; the caller closes it. */
    static Tensor over(Device device, Storage storage, DType dtype, Shape shape) {
        storage.retain();
        return new Tensor(device, storage, dtype, shape, shape.contiguousStrides(), 0, null, null);
    }

    /** This view's dtype, shape, strides and offset over {@code base}'s memory (laid out as this one's). */
    Tensor viewOver(Tensor base) {
        base.storage.retain();
        return new Tensor(base.device, base.storage, dtype, shape, strides.clone(), offset, null, base.provenance);
    }

    private Tensor view(Shape s, long[] st, long off) {
        storage.retain();
        return new Tensor(device, storage, dtype, s, st, off, owner, provenance);
    }

    /**
     * Another view of the same elements that belongs to the caller, never to a scope: closing this tensor, or the
     * scope that owns it, leaves the new view and its memory valid. Exporters (Arrow, DLPack, the Arrow C Data
     * Interface) hold one for as long as a consumer may read the memory, and close it when the consumer is done.
     *
     * @return a tensor owned by the caller
     * @throws ClosedResourceException if this tensor is closed
     */
    public Tensor share() {
        checkOpen();
        storage.retain();
        return new Tensor(device, storage, dtype, shape, strides.clone(), offset, null, provenance);
    }

    /**
     * The host memory of this view, from element 0 to the last element its strides reach (element {@code i} of the
     * view is at {@code sum(index[d] * strides()[d]) * dtype().byteSize()}), for hand-off without a copy. Waits for
     * enqueued work that writes this memory first.
     *
     * <p>Lifetime: the segment is not tied to an arena. It stays valid while this tensor or another view of its
     * memory (see {@link #share()}) is open or used by enqueued work; reading it after that reads freed memory.
     *
     * @throws UnsupportedOpException  if the device's memory is not host memory ({@link DeviceInfo#hostAccessible()});
     *                                 copy with {@link #copyTo(MemorySegment)} instead
     * @throws ClosedResourceException if this tensor is closed
     */
    public MemorySegment hostSegment() {
        checkOpen();
        if (!device.info().hostAccessible()) {
            throw new UnsupportedOpException("hostSegment", java.util.List.of(dtype), device.id(),
                    "device memory is not host memory; copy it with copyTo(MemorySegment) or to(cpu)");
        }
        awaitWrites();
        return MemorySegment.ofAddress(address()).reinterpret(spanBytes());
    }

    /**
     * The address of element 0: a host address on a host-accessible device, a device address otherwise (never to be
     * dereferenced on the host). For protocols that pass device pointers, such as DLPack. Waits for enqueued work that
     * writes this memory first; the address is valid as long as {@link #hostSegment()}'s segment would be.
     *
     * @throws ClosedResourceException if this tensor is closed
     */
    public long dataAddress() {
        checkOpen();
        awaitWrites();
        return numel() == 0 ? 0 : address();
    }

    /** Bytes from element 0 to the end of the last element the strides reach; 0 for empty views. */
    private long spanBytes() {
        if (numel() == 0) return 0;
        long last = 0;
        for (int i = 0; i < strides.length; i++) last += (shape.dim(i) - 1) * strides[i];
        return (last + 1) * dtype.byteSize();
    }

    private void awaitWrites() {
        device.defaultStream().bringHome(storage);
        Storage.Writer w = storage.lastWriter;
        if (w != null) w.awaitWork(); // a closed stream waited for its work before it closed
    }

    // ---------------------------------------------------------------- host access

    /** Copies the elements to a new {@code float[]} (converted from the dtype), waiting for pending work. */
    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(numel())];
        withHostCopy(seg -> {
            for (int i = 0; i < out.length; i++) out[i] = (float) dtype.getAsDouble(seg, i);
        });
        return out;
    }

    /** Copies the elements to a new {@code double[]}, waiting for pending work. */
    public double[] toDoubleArray() {
        double[] out = new double[Math.toIntExact(numel())];
        withHostCopy(seg -> {
            for (int i = 0; i < out.length; i++) out[i] = dtype.getAsDouble(seg, i);
        });
        return out;
    }

    /** Copies the elements of an integer tensor to a new {@code long[]}, waiting for pending work. */
    public long[] toLongArray() {
        long[] out = new long[Math.toIntExact(numel())];
        withHostCopy(seg -> {
            for (int i = 0; i < out.length; i++) {
                out[i] = dtype == DType.I64 ? seg.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i)
                        : (long) dtype.getAsDouble(seg, i);
            }
        });
        return out;
    }

    /** Copies the raw elements, row-major, into {@code dst} (exactly {@link #byteSize()} bytes), waiting. */
    public void copyTo(MemorySegment dst) {
        if (dst.byteSize() != byteSize()) {
            throw new InvalidArgumentException("host segment has " + dst.byteSize() + " bytes but " + this + " has "
                    + byteSize());
        }
        withHostCopy(dst::copyFrom);
    }

    /**
     * Copies this tensor to {@code target} (any device, any backend) and returns the copy, owned like an op output
     * (by this tensor's scope, if any).
     */
    public Tensor to(Device target) {
        checkOpen();
        Tensor src = isContiguous() ? this : contiguous();
        try {
            Tensor dst = target.allocate(dtype, shape, owner, new Provenance("copy", target.id(),
                    "copy " + device.id() + "->" + target.id(), false));
            try {
                target.defaultStream().copy(src, dst);
            } catch (RuntimeException e) {
                dst.close();
                throw e;
            }
            return dst;
        } finally {
            if (src != this) src.close();
        }
    }

    private void withHostCopy(java.util.function.Consumer<MemorySegment> reader) {
        checkOpen();
        if (numel() == 0) {
            reader.accept(MemorySegment.NULL);
            return;
        }
        Tensor src = isContiguous() ? this : contiguous();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(src.byteSize(), 8);
            device.defaultStream().copyToHost(src, host);
            reader.accept(host);
        } finally {
            if (src != this) src.close();
        }
    }

    void checkOpen() {
        if (closed) throw new ClosedResourceException("tensor " + describe() + " is closed");
        device.checkOpen();
    }

    /**
     * Releases this view's reference to the memory.
     *
     * @throws ClosedResourceException if already closed
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) throw new ClosedResourceException("tensor " + describe() + " was already closed");
            closed = true;
        }
        if (owner != null) owner.forget(this);
        storage.release();
    }

    /** Closes unless already closed; for scopes. */
    void closeQuietly() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        storage.release();
    }

    private String describe() {
        return dtype.label() + " " + shape + " on " + device.id();
    }

    /** E.g. {@code Tensor[bf16 [4, 512] ascend:0 matmul@ascend:0 aclnnMatmul]}; never reads device memory. */
    @Override
    public String toString() {
        return "Tensor[" + describe() + (isContiguous() ? "" : " strided " + Arrays.toString(strides))
                + (closed ? " closed" : "") + (provenance == null ? "" : " " + provenance) + "]";
    }
}
