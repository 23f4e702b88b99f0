package io.kuaxin.spi;

import io.kuaxin.DType;
import io.kuaxin.DeviceInfo;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One device of a backend. The runtime wraps it with validation, the shared caching allocator and in-flight
 * tracking; implementations only execute and never re-validate arguments.
 *
 * <p>Thread-safety: {@link #allocate}, {@link #free}, {@link #freeMemory} and {@link #createStream} may be called
 * from any thread and must be thread-safe.
 */
public interface DeviceBackend extends AutoCloseable {
    /** Static facts about the device. */
    DeviceInfo info();

    /** Free device memory in bytes as the vendor reports it, or -1 if unknown. */
    long freeMemory();

    /**
     * Allocates raw device memory. The caching allocator above rounds sizes and retries after releasing its cache.
     *
     * @param bytes > 0
     * @return a device address, at least 64-byte aligned; opaque to the host unless {@link DeviceInfo#hostAccessible()}
     * @throws io.kuaxin.DeviceOutOfMemoryException if the device has no room
     * @throws io.kuaxin.VendorException            for any other vendor failure
     */
    long allocate(long bytes);

    /** Frees memory from {@link #allocate}; the runtime guarantees no work in flight uses it. */
    void free(long address);

    /**
     * Allocates host memory for staging copies, page-locked where the vendor supports it, freed when
     * {@code arena} closes.
     */
    MemorySegment allocateHost(long bytes, Arena arena);

    /** The stream that work goes to when the caller names none. Owned by the device. */
    StreamBackend defaultStream();

    /** A new stream; the runtime closes it. */
    StreamBackend createStream();

    /**
     * Whether {@link StreamBackend#execute} can run {@code op} with these attributes (a matmul's epilogue or output
     * dtype can decide whether a vendor library runs it) and input dtypes. The runtime remembers a {@code null}
     * (accepted) answer per device and op; an accepted op may later be refused only by {@link StreamBackend#execute}
     * throwing {@link io.kuaxin.UnsupportedOpException}, which makes the runtime ask again on the next call.
     * {@link io.kuaxin.Device#supportsOp} answers through this method, so it must agree exactly with
     * {@link StreamBackend#execute}.
     *
     * @param attributes  the op's attribute record, e.g. {@link io.kuaxin.op.MatmulAttrs}, or
     *                    {@link OpAttributes#NONE} when only the dtypes are known (answer for the op's plain form:
     *                    a matmul without alpha, c, bias or epilogue, into the input dtype)
     * @param inputDtypes in the op's input order, optional inputs included
     * @return {@code null} if supported, else the reason it is not
     */
    String unsupportedReason(Op op, OpAttributes attributes, List<DType> inputDtypes);

    /**
     * Packs a weight that will be the right-hand operand ({@code b}) of many matmuls into this backend's preferred
     * layout, once. The runtime calls it from {@code Ops.prepack} after all writes to the weight completed and marks
     * the weight read-only; it keeps the returned form with the weight's memory and closes it before freeing that
     * memory. The weight's own memory stays as it was, so every op can still read it; a matmul that finds the packed
     * form for its {@code b} (same address, shape and strides) may use it instead of packing {@code b} again.
     *
     * <p>By default nothing is packed.
     *
     * @param weight a 2-D weight on this device, validated by the front door
     * @return the packed form, or {@code null} when this backend does not pack this weight
     */
    default PackedWeight prepack(TensorRef weight) { return null; }

    /**
     * Current readings of the vendor's management interface, e.g. {@code utilization.cube=42 %} or
     * {@code power=215 W}; empty when the backend has none or its optional library is absent (never an error).
     */
    default java.util.Map<String, String> telemetry() { return java.util.Map.of(); }

    /** Waits for all streams of the device. */
    void synchronize();

    /** Releases the device; the runtime has already closed its streams and freed its memory. */
    @Override
    void close();
}
