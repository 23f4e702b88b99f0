package io.kuaxin.kernels.cpu.ops;

import io.kuaxin.DType;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Typed, strided row loads and stores for the CPU op kernels. The dtype switch is hoisted out of each row loop;
 * loads widen exactly, stores round as a cast does ({@link DType#setFromDouble}).
 */
public final class Access {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    /**
     * Every address, for kernels that index memory by absolute element index ({@link #index}) instead of a segment
     * built per operand per op. Accesses through it are checked only against the address space, not against the
     * tensor: a kernel uses it only where each index it forms is provably inside the elements the front door
     * validated (a dense operand read over exactly its {@code numel} elements).
     */
    public static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private Access() {}

    /**
     * The index in {@link #ALL}, in elements of {@code t}'s dtype, of {@code t}'s element 0; -1 where its address is
     * not a multiple of the element size (then use {@link TensorRef#segment}).
     */
    public static long index(TensorRef t) {
        int es = t.dtype().byteSize();
        long a = t.address();
        return a % es == 0 ? a / es : -1;
    }

    /** {@code buf[p] = x[base + p·stride]} for p in [0, n), widened to double. */
    public static void load(MemorySegment s, DType t, long base, long stride, int n, double[] buf) {
        switch (t) {
            case F32 -> { for (int p = 0; p < n; p++) buf[p] = s.getAtIndex(F32, base + p * stride); }
            case F64 -> { for (int p = 0; p < n; p++) buf[p] = s.getAtIndex(F64, base + p * stride); }
            case F16 -> { for (int p = 0; p < n; p++) buf[p] = Float.float16ToFloat(s.getAtIndex(I16, base + p * stride)); }
            case BF16 -> { for (int p = 0; p < n; p++) buf[p] = DType.bf16ToFloat(s.getAtIndex(I16, base + p * stride)); }
            case I8 -> { for (int p = 0; p < n; p++) buf[p] = s.get(ValueLayout.JAVA_BYTE, base + p * stride); }
            case U8 -> { for (int p = 0; p < n; p++) buf[p] = s.get(ValueLayout.JAVA_BYTE, base + p * stride) & 0xff; }
            case I32 -> { for (int p = 0; p < n; p++) buf[p] = s.getAtIndex(I32, base + p * stride); }
            case I64 -> { for (int p = 0; p < n; p++) buf[p] = s.getAtIndex(I64, base + p * stride); }
            case BOOL -> { for (int p = 0; p < n; p++) buf[p] = s.get(ValueLayout.JAVA_BYTE, base + p * stride) != 0 ? 1 : 0; }
        }
    }

    /** Integer load (exact for i64): {@code buf[p] = x[base + p·stride]}; floats truncate toward zero. */
    public static void loadLong(MemorySegment s, DType t, long base, long stride, int n, long[] buf) {
        switch (t) {
            case I8 -> { for (int p = 0; p < n; p++) buf[p] = s.get(ValueLayout.JAVA_BYTE, base + p * stride); }
            case U8 -> { for (int p = 0; p < n; p++) buf[p] = s.get(ValueLayout.JAVA_BYTE, base + p * stride) & 0xff; }
            case I32 -> { for (int p = 0; p < n; p++) buf[p] = s.getAtIndex(I32, base + p * stride); }
            case I64 -> { for (int p = 0; p < n; p++) buf[p] = s.getAtIndex(I64, base + p * stride); }
            case BOOL -> { for (int p = 0; p < n; p++) buf[p] = s.get(ValueLayout.JAVA_BYTE, base + p * stride) != 0 ? 1 : 0; }
            default -> {
                double[] d = new double[n];
                load(s, t, base, stride, n, d);
                for (int p = 0; p < n; p++) buf[p] = (long) d[p];
            }
        }
    }

    /** {@code y[base + p·stride] = round(buf[p])}, rounding as a cast does. */
    public static void store(MemorySegment s, DType t, long base, long stride, int n, double[] buf) {
        switch (t) {
            case F32 -> { for (int p = 0; p < n; p++) s.setAtIndex(F32, base + p * stride, (float) buf[p]); }
            case F64 -> { for (int p = 0; p < n; p++) s.setAtIndex(F64, base + p * stride, buf[p]); }
            case F16 -> { for (int p = 0; p < n; p++) s.setAtIndex(I16, base + p * stride, Float.floatToFloat16((float) buf[p])); }
            case BF16 -> { for (int p = 0; p < n; p++) s.setAtIndex(I16, base + p * stride, DType.floatToBf16((float) buf[p])); }
            default -> { for (int p = 0; p < n; p++) t.setFromDouble(s, base + p * stride, buf[p]); }
        }
    }

    /** Integer store that wraps around (two's complement), as integer arithmetic does. */
    public static void storeWrapping(MemorySegment s, DType t, long base, long stride, int n, long[] buf) {
        switch (t) {
            case I8, U8 -> { for (int p = 0; p < n; p++) s.set(ValueLayout.JAVA_BYTE, base + p * stride, (byte) buf[p]); }
            case I32 -> { for (int p = 0; p < n; p++) s.setAtIndex(I32, base + p * stride, (int) buf[p]); }
            case I64 -> { for (int p = 0; p < n; p++) s.setAtIndex(I64, base + p * stride, buf[p]); }
            case BOOL -> { for (int p = 0; p < n; p++) s.set(ValueLayout.JAVA_BYTE, base + p * stride, (byte) (buf[p] != 0 ? 1 : 0)); }
            default -> {
                double[] d = new double[n];
                for (int p = 0; p < n; p++) d[p] = buf[p];
                store(s, t, base, stride, n, d);
            }
        }
    }

    /** Integer store that saturates, as a cast to an integer type does. */
    public static void storeSaturating(MemorySegment s, DType t, long base, long stride, int n, long[] buf) {
        long lo = switch (t) { case I8 -> -128; case U8 -> 0; case I32 -> Integer.MIN_VALUE; default -> Long.MIN_VALUE; };
        long hi = switch (t) { case I8 -> 127; case U8 -> 255; case I32 -> Integer.MAX_VALUE; default -> Long.MAX_VALUE; };
        if (t == DType.BOOL || t == DType.I64) {
            storeWrapping(s, t, base, stride, n, buf);
            return;
        }
        long[] c = new long[n];
        for (int p = 0; p < n; p++) c[p] = Math.max(lo, Math.min(hi, buf[p]));
        storeWrapping(s, t, base, stride, n, c);
    }
}
