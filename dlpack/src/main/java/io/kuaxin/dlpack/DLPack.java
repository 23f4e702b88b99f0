package io.kuaxin.dlpack;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Ops;
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
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Kuaxin tensors to and from DLPack 1.x {@code DLManagedTensorVersioned}, the struct PyTorch, JAX, CuPy, NumPy and
 * DJL exchange, without copying the elements.
 *
 * <h2>Export</h2>
 * {@link #export(Tensor, boolean)} returns a newly allocated {@code DLManagedTensorVersioned} that describes the
 * tensor's own memory: data pointer, {@link DLDeviceType device type} and ordinal, dtype, shape, element strides and
 * flags. The struct holds a {@linkplain Tensor#share() shared view}, so the caller may close the tensor (or its
 * scope) at once; the memory lives until the consumer calls the struct's {@code deleter}, which must happen exactly
 * once (DLPack's contract). The deleter may be called from any thread, including one the JVM did not start.
 *
 * <h2>Import</h2>
 * {@link #fromDLPack(MemorySegment, Device)} takes ownership of a producer's struct and returns a tensor over the
 * producer's memory. The producer's deleter is called exactly once, when that tensor and every view of it are closed
 * and no enqueued work uses them (or at once, where the import had to copy). If the import throws, nothing was taken:
 * the struct is still the caller's to delete, as with a producer whose major version Kuaxin does not read (the one
 * exception: a failed copy of a read-only tensor, after which the deleter has already run).
 *
 * <table class="striped">
 * <caption>What an import does</caption>
 * <tr><th>producer's memory</th><th>target device</th><th>result</th></tr>
 * <tr><td>host-readable ({@code kDLCPU}, {@code kDLCUDAHost}, {@code kDLROCMHost}, {@code kDLCUDAManaged})</td>
 *     <td>host-accessible (CPU)</td><td>a view, no copy</td></tr>
 * <tr><td>host-readable, contiguous</td><td>an accelerator</td><td>one copy to device memory</td></tr>
 * <tr><td>the device's own type and ordinal (e.g. {@code kDLCUDA} 0 for {@code cuda:0})</td><td>that device</td>
 *     <td>a view, no copy</td></tr>
 * <tr><td>{@code DLPACK_FLAG_BITMASK_READ_ONLY} set</td><td>any</td><td>one copy (Kuaxin tensors are writable)</td></tr>
 * <tr><td>another device</td><td>any</td><td>{@link InvalidArgumentException}</td></tr>
 * </table>
 *
 * <p>Streams: DLPack's C structs carry no stream. Export waits for enqueued writes of the tensor first; an imported
 * producer must have finished writing before the call (Python's {@code __dlpack__(stream=...)} arranges that).
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class DLPack {
    private static final Logger LOG = LoggerFactory.getLogger(DLPack.class);
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC = LINKER.downcallHandle(
            LINKER.defaultLookup().find("malloc").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
    /** Calls a C function pointer {@code void (*)(DLManagedTensorVersioned*)}. */
    private static final MethodHandle CALL_DELETER = LINKER.downcallHandle(FunctionDescriptor.ofVoid(ADDRESS));
    /** The views held by live exports, by struct address. */
    private static final ConcurrentHashMap<Long, Tensor> EXPORTS = new ConcurrentHashMap<>();
    /** One upcall stub serves every export: the struct's address says which. */
    private static final MemorySegment DELETER;

    static {
        try {
            MethodHandle h = MethodHandles.lookup().findStatic(DLPack.class, "deleter",
                    MethodType.methodType(void.class, MemorySegment.class));
            DELETER = LINKER.upcallStub(h, FunctionDescriptor.ofVoid(ADDRESS), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private DLPack() {}

    /** Bytes of a {@code DLManagedTensorVersioned} (80 on LP64). */
    public static long structSize() { return DLLayout.MANAGED.byteSize(); }

    /** Exports that were created and whose deleter has not run yet. */
    public static int liveExports() { return EXPORTS.size(); }

    /**
     * Describes {@code tensor}'s memory as a new {@code DLManagedTensorVersioned} (version 1.1), without a copy.
     *
     * @param tensor   any open tensor, on any device; strided views keep their strides
     * @param readOnly sets {@code DLPACK_FLAG_BITMASK_READ_ONLY}: the consumer promises not to write
     * @return the struct, {@link #structSize()} bytes of native memory; owned by whoever calls its deleter, which
     *         frees it and releases the tensor's memory. Not tied to an arena.
     * @throws io.kuaxin.ClosedResourceException if the tensor is closed
     */
    public static MemorySegment export(Tensor tensor, boolean readOnly) {
        Tensor view = tensor.share();
        try {
            int ndim = view.rank();
            long size = DLLayout.MANAGED.byteSize() + 16L * ndim;
            MemorySegment m = ((MemorySegment) MALLOC.invokeExact(size)).reinterpret(size);
            if (m.equals(MemorySegment.NULL)) throw new OutOfMemoryError("malloc(" + size + ") for a DLPack struct");
            m.fill((byte) 0);
            MemorySegment shape = m.asSlice(DLLayout.MANAGED.byteSize(), 8L * ndim);
            MemorySegment strides = m.asSlice(DLLayout.MANAGED.byteSize() + 8L * ndim, 8L * ndim);
            long[] st = view.strides();
            for (int i = 0; i < ndim; i++) {
                shape.setAtIndex(JAVA_LONG, i, view.shape().dim(i));
                strides.setAtIndex(JAVA_LONG, i, st[i]);
            }
            DLDeviceType type = DLDeviceType.of(view.device().info());
            DLLayout.MAJOR.set(m, DLLayout.MAJOR_VERSION);
            DLLayout.MINOR.set(m, DLLayout.MINOR_VERSION);
            DLLayout.MANAGER_CTX.set(m, MemorySegment.NULL);
            DLLayout.DELETER.set(m, DELETER);
            DLLayout.FLAGS.set(m, readOnly ? DLLayout.FLAG_READ_ONLY : 0L);
            DLLayout.DATA.set(m, MemorySegment.ofAddress(view.dataAddress()));
            DLLayout.DEVICE_TYPE.set(m, type.code());
            DLLayout.DEVICE_ID.set(m, DLDeviceType.deviceId(view.device().info()));
            DLLayout.NDIM.set(m, ndim);
            DLDataTypes.write(m, view.dtype());
            DLLayout.SHAPE.set(m, ndim == 0 ? MemorySegment.NULL : shape);
            DLLayout.STRIDES.set(m, ndim == 0 ? MemorySegment.NULL : strides);
            DLLayout.BYTE_OFFSET.set(m, 0L);
            EXPORTS.put(m.address(), view);
            return m;
        } catch (Throwable e) {
            view.close();
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof Error err) throw err;
            throw new IllegalStateException(e);
        }
    }

    /** The deleter every export carries; never throws (an exception here would cross into C). */
    private static void deleter(MemorySegment self) {
        try {
            Tensor view = EXPORTS.remove(self.address());
            if (view == null) {
                LOG.error("DLPack deleter called for 0x{}, which is no live Kuaxin export (called twice?)",
                        Long.toHexString(self.address()));
                return;
            }
            FREE.invokeExact(self);
            view.close();
        } catch (Throwable e) {
            LOG.error("DLPack deleter failed for 0x{}", Long.toHexString(self.address()), e);
        }
    }

    /**
     * Takes a producer's {@code DLManagedTensorVersioned} and returns a tensor on {@code device} (see the table above).
     *
     * @param managed the struct's address (a zero-length segment is fine)
     * @param device  where the tensor should live
     * @return a tensor owned by the caller; closing its last view calls the producer's deleter
     * @throws InvalidArgumentException if {@code managed} is NULL, its major version is not 1, its memory is on
     *                                  another device, it has a negative extent or stride, vector lanes, or its
     *                                  elements are not aligned
     * @throws UnsupportedOpException   if its dtype has no Kuaxin equivalent (e.g. complex, fp8) or the device lacks it
     * @throws io.kuaxin.ClosedResourceException if the device is closed
     */
    public static Tensor fromDLPack(MemorySegment managed, Device device) {
        if (managed == null || managed.address() == 0) {
            throw new InvalidArgumentException("fromDLPack: the DLManagedTensorVersioned pointer is NULL");
        }
        MemorySegment m = managed.reinterpret(DLLayout.MANAGED.byteSize());
        int major = (int) DLLayout.MAJOR.get(m);
        if (major != DLLayout.MAJOR_VERSION) {
            // DLPack: with another major version only the deleter may be touched.
            throw new InvalidArgumentException("fromDLPack: DLPack major version " + major + "; Kuaxin reads "
                    + DLLayout.MAJOR_VERSION + ".x (the struct is still yours: call its deleter)");
        }
        int typeCode = (int) DLLayout.DEVICE_TYPE.get(m);
        int deviceId = (int) DLLayout.DEVICE_ID.get(m);
        DLDeviceType type = DLDeviceType.of(typeCode);
        boolean hostTarget = device.info().hostAccessible();
        boolean hostSource = type != null && type.hostReadable();
        if (type == null || (!hostSource && (hostTarget || type != DLDeviceType.of(device.info())
                || deviceId != device.info().ordinal()))) {
            throw new InvalidArgumentException("fromDLPack: the tensor's memory is on " + describe(typeCode, deviceId)
                    + " but the target is " + device.id() + " (" + describe(DLDeviceType.of(device.info()).code(),
                    DLDeviceType.deviceId(device.info())) + "); import it onto its own device, or have the producer"
                    + " copy it to the CPU first");
        }
        DType dtype = DLDataTypes.read(m, device);
        int ndim = (int) DLLayout.NDIM.get(m);
        if (ndim < 0 || ndim > 64) throw new InvalidArgumentException("fromDLPack: ndim " + ndim + " is out of range");
        long[] dims = new long[ndim];
        long[] strides;
        MemorySegment shapePtr = ((MemorySegment) DLLayout.SHAPE.get(m)).reinterpret(8L * ndim);
        MemorySegment stridePtr = (MemorySegment) DLLayout.STRIDES.get(m);
        if (ndim > 0 && shapePtr.address() == 0) throw new InvalidArgumentException("fromDLPack: shape is NULL");
        for (int i = 0; i < ndim; i++) {
            dims[i] = shapePtr.getAtIndex(JAVA_LONG, i);
            if (dims[i] < 0) {
                throw new InvalidArgumentException("fromDLPack: negative extent " + dims[i] + " in shape "
                        + Arrays.toString(Arrays.copyOf(dims, i + 1)));
            }
        }
        Shape shape = Shape.of(dims);
        if (stridePtr.address() == 0) {
            strides = shape.contiguousStrides(); // DLPack before 1.1 allowed NULL for compact row-major
        } else {
            MemorySegment sp = stridePtr.reinterpret(8L * ndim);
            strides = new long[ndim];
            for (int i = 0; i < ndim; i++) strides[i] = sp.getAtIndex(JAVA_LONG, i);
        }
        long flags = (long) DLLayout.FLAGS.get(m);
        long data = ((MemorySegment) DLLayout.DATA.get(m)).address();
        long byteOffset = (long) DLLayout.BYTE_OFFSET.get(m);
        if (byteOffset < 0) throw new InvalidArgumentException("fromDLPack: byte_offset above 2^63");
        long reach = reachBytes(dims, strides, dtype);
        MemorySegment memory = MemorySegment.ofAddress(data + byteOffset).reinterpret(reach);
        if (shape.numel() > 0 && data == 0) throw new InvalidArgumentException("fromDLPack: data is NULL");
        MemorySegment deleter = (MemorySegment) DLLayout.DELETER.get(m);
        Runnable release = () -> callDeleter(deleter, m);

        if (hostSource && !hostTarget) {
            if (!isContiguous(dims, strides)) {
                throw new InvalidArgumentException("fromDLPack: a strided host tensor " + shape + " strides "
                        + Arrays.toString(strides) + " cannot be copied to " + device.id()
                        + " in one piece; make it contiguous in the producer first");
            }
            Tensor copy = device.copyOf(memory, dtype, shape);
            copy.device().defaultStream().synchronize(); // the host memory must not go before the copy has read it
            release.run();
            return copy;
        }
        Tensor view = device.wrap(memory, dtype, shape, strides, 0, release);
        if ((flags & DLLayout.FLAG_READ_ONLY) == 0) return view;
        try (view) {
            return Ops.copy(view); // the stream keeps the view's memory until the copy has read it
        }
    }

    private static void callDeleter(MemorySegment deleter, MemorySegment self) {
        if (deleter.address() == 0) return; // DLPack allows a NULL deleter
        try {
            CALL_DELETER.invokeExact(deleter, self);
        } catch (Throwable e) {
            throw new IllegalStateException("DLPack deleter failed", e);
        }
    }

    private static long reachBytes(long[] dims, long[] strides, DType dtype) {
        long last = 0;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0) return 0;
            if (strides[i] < 0) {
                throw new InvalidArgumentException("fromDLPack: negative stride " + strides[i] + " in "
                        + Arrays.toString(strides) + "; Kuaxin views have strides >= 0 (copy in the producer)");
            }
            last = Math.addExact(last, Math.multiplyExact(dims[i] - 1, strides[i]));
        }
        return Math.multiplyExact(last + 1, (long) dtype.byteSize());
    }

    private static boolean isContiguous(long[] dims, long[] strides) {
        long expected = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            if (dims[i] != 1 && strides[i] != expected) return false;
            expected *= dims[i];
        }
        return true;
    }

    private static String describe(int typeCode, int id) {
        DLDeviceType t = DLDeviceType.of(typeCode);
        return (t == null ? "unknown device type " + typeCode : t.name()) + ":" + id;
    }
}
