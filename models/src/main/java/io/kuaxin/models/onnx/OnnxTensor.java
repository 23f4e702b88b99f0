package io.kuaxin.models.onnx;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A {@code TensorProto}: name, dims, element type and its data as little-endian, row-major bytes.
 *
 * <p>For {@code raw_data} the bytes are a zero-copy slice of the model's segment and are usually <em>not</em>
 * aligned to the element size (protobuf packs payloads at arbitrary offsets), so all reads here are unaligned;
 * {@link #toAlignedSegment} makes one aligned copy for consumers that need it. Typed fields
 * ({@code float_data}, {@code int64_data}, …) are converted to the same little-endian byte form.
 */
public final class OnnxTensor {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String name;
    private final long[] dims;
    private final OnnxDataType dataType;
    private final MemorySegment data;
    private final long fileOffset;

    OnnxTensor(String name, long[] dims, OnnxDataType dataType, MemorySegment data, long fileOffset) {
        this.name = name;
        this.dims = dims;
        this.dataType = dataType;
        this.data = data;
        this.fileOffset = fileOffset;
    }

    public String name() {
        return name;
    }

    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int i) {
        return dims[i];
    }

    /** Dims as ints (throws if any exceeds int range). */
    public int[] shape() {
        int[] s = new int[dims.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(dims[i]);
        }
        return s;
    }

    public OnnxDataType dataType() {
        return dataType;
    }

    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Little-endian element bytes; possibly an unaligned slice of the model segment. */
    public MemorySegment data() {
        return data;
    }

    /**
     * Absolute offset of the payload in the model bytes ({@code raw_data}), or -1 when it was converted from a
     * typed field. Useful to see alignment: {@code fileOffset() % 4}.
     */
    public long fileOffset() {
        return fileOffset;
    }

    public boolean hasShape(long... expected) {
        return Arrays.equals(dims, expected);
    }

    /** The FLOAT payload as a new float[] (one unaligned bulk copy). */
    public float[] toFloatArray() {
        requireType(OnnxDataType.FLOAT);
        float[] out = new float[Math.toIntExact(elementCount())];
        MemorySegment.copy(data, F32, 0, out, 0, out.length);
        return out;
    }

    /** FLOAT or DOUBLE payload widened to double[]. */
    public double[] toDoubleArray() {
        int n = Math.toIntExact(elementCount());
        double[] out = new double[n];
        switch (dataType) {
            case FLOAT -> {
                for (int i = 0; i < n; i++) {
                    out[i] = data.getAtIndex(F32, i);
                }
            }
            case DOUBLE -> MemorySegment.copy(data, F64, 0, out, 0, n);
            default -> throw new IllegalStateException("tensor '" + name + "' is " + dataType + ", not FLOAT/DOUBLE");
        }
        return out;
    }

    /** Integer payloads (INT64, INT32, INT16, INT8, UINT8, UINT16, UINT32, BOOL) widened to long[]. */
    public long[] toLongArray() {
        int n = Math.toIntExact(elementCount());
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dataType) {
                case INT64, UINT64 -> data.getAtIndex(I64, i);
                case INT32 -> data.getAtIndex(I32, i);
                case UINT32 -> Integer.toUnsignedLong(data.getAtIndex(I32, i));
                case INT16 -> data.getAtIndex(I16, i);
                case UINT16 -> Short.toUnsignedLong(data.getAtIndex(I16, i));
                case INT8 -> data.get(ValueLayout.JAVA_BYTE, i);
                case UINT8, BOOL -> Byte.toUnsignedLong(data.get(ValueLayout.JAVA_BYTE, i));
                default -> throw new IllegalStateException("tensor '" + name + "' is " + dataType + ", not an integer type");
            };
        }
        return out;
    }

    /** Single-element numeric tensor (any rank with one element) as double. */
    public double scalar() {
        if (elementCount() != 1) {
            throw new IllegalStateException("tensor '" + name + "' has " + elementCount() + " elements, not 1");
        }
        return switch (dataType) {
            case FLOAT, DOUBLE -> toDoubleArray()[0];
            default -> toLongArray()[0];
        };
    }

    /** One 64-byte-aligned copy of the little-endian payload in {@code arena}, for consumers that need alignment. */
    public MemorySegment toAlignedSegment(Arena arena) {
        MemorySegment out = arena.allocate(data.byteSize(), 64);
        MemorySegment.copy(data, 0, out, 0, data.byteSize());
        return out;
    }

    private void requireType(OnnxDataType t) {
        if (dataType != t) {
            throw new IllegalStateException("tensor '" + name + "' is " + dataType + ", not " + t);
        }
    }

    @Override
    public String toString() {
        return "OnnxTensor[" + name + " " + dataType + " " + Arrays.toString(dims) + "]";
    }
}
