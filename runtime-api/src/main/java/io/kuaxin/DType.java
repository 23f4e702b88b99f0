package io.kuaxin;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Element types of a {@link Tensor}.
 *
 * <p>Conversions to and from {@code float} round to nearest, ties to even, as IEEE 754 and the vendors' cast
 * kernels do: {@link #F16} through {@link Float#floatToFloat16}, {@link #BF16} by rounding the upper 16 bits of the
 * fp32 pattern (NaN stays NaN, overflow goes to infinity).
 */
public enum DType {
    F32(4, true), F16(2, true), BF16(2, true), F64(8, true),
    I8(1, false), U8(1, false), I32(4, false), I64(8, false), BOOL(1, false);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int byteSize() { return byteSize; }

    /** Whether this is a floating-point type. */
    public boolean isFloatingPoint() { return floating; }

    /** Lower-case name as used in device specs, reports and provenance, e.g. {@code bf16}. */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** Parses a label such as {@code f32}, {@code bf16}, {@code fp16} or {@code float32}. */
    public static DType parse(String s) {
        String k = s.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (k) {
            case "f32", "fp32", "float", "float32" -> F32;
            case "f16", "fp16", "half", "float16" -> F16;
            case "bf16", "bfloat16" -> BF16;
            case "f64", "fp64", "double", "float64" -> F64;
            case "i8", "int8" -> I8;
            case "u8", "uint8" -> U8;
            case "i32", "int32", "int" -> I32;
            case "i64", "int64", "long" -> I64;
            case "bool", "boolean" -> BOOL;
            default -> throw new InvalidArgumentException("unknown dtype '" + s
                    + "'; expected one of f32, f16, bf16, f64, i8, u8, i32, i64, bool");
        };
    }

    /** Rounds {@code f} to bfloat16 (nearest, ties to even) and returns its bit pattern. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40); // quiet NaN, keep sign and payload top bits
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** Widens a bfloat16 bit pattern to float (exact). */
    public static float bf16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    /** Reads element {@code index} of a dense segment of this type as a double (exact for all types but I64 > 2^53). */
    public double getAsDouble(MemorySegment seg, long index) {
        return switch (this) {
            case F32 -> seg.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, index);
            case F16 -> Float.float16ToFloat(seg.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, index));
            case BF16 -> bf16ToFloat(seg.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, index));
            case F64 -> seg.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, index);
            case I8 -> seg.get(ValueLayout.JAVA_BYTE, index);
            case U8 -> seg.get(ValueLayout.JAVA_BYTE, index) & 0xff;
            case I32 -> seg.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, index);
            case I64 -> seg.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, index);
            case BOOL -> seg.get(ValueLayout.JAVA_BYTE, index) != 0 ? 1 : 0;
        };
    }

    /**
     * Writes {@code v} as element {@code index}, converting like a cast kernel: floats round to nearest even,
     * integers truncate toward zero and saturate (NaN becomes 0), bool is {@code v != 0}.
     */
    public void setFromDouble(MemorySegment seg, long index, double v) {
        switch (this) {
            case F32 -> seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, index, (float) v);
            case F16 -> seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, index, Float.floatToFloat16((float) v));
            case BF16 -> seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, index, floatToBf16((float) v));
            case F64 -> seg.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, index, v);
            case I8 -> seg.set(ValueLayout.JAVA_BYTE, index, (byte) saturate(v, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case U8 -> seg.set(ValueLayout.JAVA_BYTE, index, (byte) saturate(v, 0, 255));
            case I32 -> seg.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, index,
                    (int) saturate(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case I64 -> seg.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, index, (long) v);
            case BOOL -> seg.set(ValueLayout.JAVA_BYTE, index, (byte) (v != 0 ? 1 : 0));
        }
    }

    private static long saturate(double v, long lo, long hi) {
        if (Double.isNaN(v)) return 0;
        return Math.max(lo, Math.min(hi, (long) v));
    }
}
