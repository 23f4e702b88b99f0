package io.kuaxin.models.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Protocol-buffers wire-format cursor over one message's bytes in a {@link MemorySegment}.
 *
 * <p>Only what ONNX needs: varint, 64-bit, length-delimited and 32-bit wire types (groups are rejected).
 * Length-delimited fields come back as slices of the same segment, so a 90 MB model is never copied here.
 * Offsets in errors are absolute (relative to the outermost segment), so they point into the file.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int SGROUP = 3;
    static final int EGROUP = 4;
    static final int I32 = 5;

    // Payloads are at arbitrary byte offsets, so every multi-byte read must be unaligned.
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;
    private final long base;      // absolute offset of data[0] in the outermost input
    private final String message; // e.g. "ModelProto.graph"
    private long pos;
    private int fieldNumber;
    private int wireType;
    private long tagOffset;

    ProtoReader(MemorySegment data, long base, String message) {
        this.data = data;
        this.base = base;
        this.message = message;
    }

    /** Advances to the next field; returns false at the end of the message. */
    boolean next() {
        if (pos >= data.byteSize()) {
            return false;
        }
        tagOffset = pos;
        long tag = readVarintRaw("tag");
        fieldNumber = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (fieldNumber <= 0 || (tag >>> 3) > 0x1FFF_FFFFL) {
            throw error("tag", tagOffset, "invalid field number " + (tag >>> 3));
        }
        if (wireType == SGROUP || wireType == EGROUP || wireType > I32) {
            throw error("#" + fieldNumber, tagOffset, "unsupported wire type " + wireType);
        }
        return true;
    }

    int field() {
        return fieldNumber;
    }

    int wireType() {
        return wireType;
    }

    String message() {
        return message;
    }

    long absolutePosition() {
        return base + pos;
    }

    long varint(String name) {
        expect(name, VARINT);
        return readVarintRaw(name);
    }

    int int32(String name) {
        long v = varint(name);
        // int32 negatives are sign-extended to 10-byte varints; anything else outside int range is malformed.
        if (v != (int) v) {
            throw error(name, tagOffset, "value " + v + " does not fit int32");
        }
        return (int) v;
    }

    float fixedFloat(String name) {
        expect(name, I32);
        return Float.intBitsToFloat(fixed32Raw(name));
    }

    double fixedDouble(String name) {
        expect(name, I64);
        return Double.longBitsToDouble(fixed64Raw(name));
    }

    /** The payload of a length-delimited field as a zero-copy slice. */
    MemorySegment bytes(String name) {
        expect(name, LEN);
        long start = pos;
        long len = readVarintRaw(name);
        if (len < 0 || len > data.byteSize() - pos) {
            throw error(name, start, "length " + len + " runs past the end of " + message
                    + " (" + (data.byteSize() - pos) + " bytes left)");
        }
        MemorySegment slice = data.asSlice(pos, len);
        pos += len;
        return slice;
    }

    String string(String name) {
        MemorySegment s = bytes(name);
        byte[] b = s.toArray(ValueLayout.JAVA_BYTE);
        return new String(b, StandardCharsets.UTF_8);
    }

    ProtoReader message(String name) {
        MemorySegment s = bytes(name);
        return new ProtoReader(s, base + pos - s.byteSize(), message + "." + name);
    }

    /** Reads a repeated int64/int32 field element, accepting both packed and unpacked encodings. */
    void int64s(String name, LongList out) {
        if (wireType == LEN) {
            ProtoReader packed = message(name);
            while (packed.pos < packed.data.byteSize()) {
                out.add(packed.readVarintRaw(name));
            }
        } else {
            out.add(varint(name));
        }
    }

    /** Reads a repeated float field element, accepting both packed and unpacked encodings. */
    void floats(String name, FloatList out) {
        if (wireType == LEN) {
            ProtoReader packed = message(name);
            long n = packed.data.byteSize();
            if (n % 4 != 0) {
                throw error(name, packed.base, "packed float length " + n + " is not a multiple of 4");
            }
            for (long i = 0; i < n; i += 4) {
                out.add(Float.intBitsToFloat(packed.data.get(I32_LE, i)));
            }
        } else {
            out.add(fixedFloat(name));
        }
    }

    /** Reads a repeated double field element, accepting both packed and unpacked encodings. */
    void doubles(String name, DoubleList out) {
        if (wireType == LEN) {
            ProtoReader packed = message(name);
            long n = packed.data.byteSize();
            if (n % 8 != 0) {
                throw error(name, packed.base, "packed double length " + n + " is not a multiple of 8");
            }
            for (long i = 0; i < n; i += 8) {
                out.add(Double.longBitsToDouble(packed.data.get(I64_LE, i)));
            }
        } else {
            out.add(fixedDouble(name));
        }
    }

    /** Skips the current field's value (unknown fields are legal in protobuf). */
    void skip() {
        switch (wireType) {
            case VARINT -> readVarintRaw("#" + fieldNumber);
            case I64 -> advance("#" + fieldNumber, 8);
            case I32 -> advance("#" + fieldNumber, 4);
            case LEN -> bytes("#" + fieldNumber);
            default -> throw error("#" + fieldNumber, tagOffset, "unsupported wire type " + wireType);
        }
    }

    OnnxFormatException error(String name, long relOffset, String problem) {
        return new OnnxFormatException(message + "." + name, base + relOffset, problem);
    }

    private void expect(String name, int wt) {
        if (wireType != wt) {
            throw error(name, tagOffset, "wire type " + wireType + " where " + wt + " was expected");
        }
    }

    private long readVarintRaw(String name) {
        long start = pos;
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= data.byteSize()) {
                throw error(name, start, "truncated varint");
            }
            byte b = data.get(ValueLayout.JAVA_BYTE, pos++);
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                // The 10th byte may only carry the top bit of a 64-bit value.
                if (shift == 63 && (b & 0x7F) > 1) {
                    throw error(name, start, "varint overflows 64 bits");
                }
                return result;
            }
        }
        throw error(name, start, "varint longer than 10 bytes");
    }

    private int fixed32Raw(String name) {
        long at = advance(name, 4);
        return data.get(I32_LE, at);
    }

    private long fixed64Raw(String name) {
        long at = advance(name, 8);
        return data.get(I64_LE, at);
    }

    private long advance(String name, long n) {
        if (data.byteSize() - pos < n) {
            throw error(name, pos, "truncated " + n + "-byte value");
        }
        long at = pos;
        pos += n;
        return at;
    }

    /** Minimal growable primitive lists (avoid boxing millions of values). */
    static final class LongList {
        long[] a = new long[8];
        int n;

        void add(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    static final class FloatList {
        float[] a = new float[8];
        int n;

        void add(float v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    static final class DoubleList {
        double[] a = new double[8];
        int n;

        void add(double v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        double[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
