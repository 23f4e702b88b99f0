package io.kuaxin.kernels.cpu;

import io.kuaxin.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Strided element loads with conversion to fp32: the one place where fp16/bf16 become fp32. */
final class Elements {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;

    private Elements() {}

    /** bf16 is the upper half of an fp32: widening is exact. */
    static float bf16(short s) { return Float.intBitsToFloat(s << 16); }

    static float load(MemorySegment seg, DType t, long i) {
        return switch (t) {
            case F32 -> seg.getAtIndex(F32, i);
            case F16 -> Float.float16ToFloat(seg.getAtIndex(I16, i));
            case BF16 -> bf16(seg.getAtIndex(I16, i));
            case I8 -> seg.get(ValueLayout.JAVA_BYTE, i);
            case I32 -> seg.getAtIndex(I32, i);
            default -> throw new IllegalArgumentException("the CPU kernels do not read " + t);
        };
    }

    /**
     * {@code dst[dstOff + p·dstStride] = (float) src[idx + p·srcStride]} for p in [0, n). The type switch is hoisted
     * out of the loops; the contiguous fp32 case is a bulk copy.
     */
    static void load(MemorySegment seg, DType t, long idx, long srcStride, int n, float[] dst, int dstOff, int dstStride) {
        if (n <= 0) return;
        if (srcStride == 1 && (t == DType.F32 || t == DType.F16 || t == DType.BF16)) {
            // Contiguous source: one bulk copy (bounds checked once), a conversion loop C2 vectorises, then a scatter.
            if (t == DType.F32 && dstStride == 1) {
                MemorySegment.copy(seg, F32, idx * 4, dst, dstOff, n);
                return;
            }
            Scratch sc = SCRATCH.get();
            if (t == DType.F32) {
                float[] tmp = sc.floats(n);
                MemorySegment.copy(seg, F32, idx * 4, tmp, 0, n);
                for (int p = 0; p < n; p++) dst[dstOff + p * dstStride] = tmp[p];
                return;
            }
            short[] sh = sc.shorts(n);
            MemorySegment.copy(seg, I16, idx * 2, sh, 0, n);
            // convert straight into place (one pass), unit stride kept as its own loop so C2 vectorises it
            if (dstStride == 1) {
                if (t == DType.F16) for (int p = 0; p < n; p++) dst[dstOff + p] = Float.float16ToFloat(sh[p]);
                else for (int p = 0; p < n; p++) dst[dstOff + p] = Float.intBitsToFloat(sh[p] << 16);
            } else {
                if (t == DType.F16) for (int p = 0; p < n; p++) dst[dstOff + p * dstStride] = Float.float16ToFloat(sh[p]);
                else for (int p = 0; p < n; p++) dst[dstOff + p * dstStride] = Float.intBitsToFloat(sh[p] << 16);
            }
            return;
        }
        switch (t) {
            case F32 -> {
                for (int p = 0; p < n; p++) dst[dstOff + p * dstStride] = seg.getAtIndex(F32, idx + p * srcStride);
            }
            case F16 -> {
                for (int p = 0; p < n; p++) dst[dstOff + p * dstStride] = Float.float16ToFloat(seg.getAtIndex(I16, idx + p * srcStride));
            }
            case BF16 -> {
                for (int p = 0; p < n; p++) dst[dstOff + p * dstStride] = bf16(seg.getAtIndex(I16, idx + p * srcStride));
            }
            default -> {
                for (int p = 0; p < n; p++) dst[dstOff + p * dstStride] = load(seg, t, idx + p * srcStride);
            }
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        float[] f = new float[256];
        short[] s = new short[256];

        float[] floats(int n) { return f.length >= n ? f : (f = new float[Math.max(n, f.length * 2)]); }

        short[] shorts(int n) { return s.length >= n ? s : (s = new short[Math.max(n, s.length * 2)]); }
    }

    static void checkFloat(DType t, String what) {
        if (t != DType.F32 && t != DType.F16 && t != DType.BF16)
            throw new IllegalArgumentException(what + " must be F32, F16 or BF16, was " + t);
    }
}
