package io.kuaxin.kernels.oracle;

import io.kuaxin.DType;

/**
 * Rounds an exact value to what a tensor of a dtype can hold, exactly as a cast does ({@code DType.setFromDouble}):
 * floats go through fp32 first, then round to nearest even; integers truncate toward zero and saturate (NaN is 0);
 * bool is {@code v != 0}. Written independently of the runtime's conversions so that it checks them.
 */
public final class Rounding {
    private static final double BF16_MAX = 0x1.FEp127;

    private Rounding() {}

    public static double round(DType t, double v) {
        return switch (t) {
            case F64 -> v;
            case F32 -> (float) v;
            case F16 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
            case BF16 -> bf16((float) v);
            case I8 -> saturate(v, -128, 127);
            case U8 -> saturate(v, 0, 255);
            case I32 -> saturate(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case I64 -> Double.isNaN(v) ? 0 : (double) (long) v;
            case BOOL -> v != 0 ? 1 : 0; // NaN != 0 is true
        };
    }

    /** Integer arithmetic results wrap around (two's complement), as the element-wise ops define. */
    public static double wrap(DType t, double v) {
        long x = (long) v;
        return switch (t) {
            case I8 -> (byte) x;
            case U8 -> x & 0xff;
            case I32 -> (int) x;
            case I64 -> x;
            default -> round(t, v);
        };
    }

    private static double saturate(double v, double lo, double hi) {
        if (Double.isNaN(v)) return 0;
        double tr = v < 0 ? Math.ceil(v) : Math.floor(v);
        return Math.max(lo, Math.min(hi, tr));
    }

    /** bfloat16 keeps 8 significant bits: round the fp32 value to a multiple of its bf16 ulp, ties to even. */
    static double bf16(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f) || f == 0) return f;
        int e = Math.max(Math.getExponent(f), Float.MIN_EXPONENT);
        double ulp = Math.scalb(1.0, e - 7);
        double r = Math.rint(f / ulp) * ulp;
        if (Math.abs(r) > BF16_MAX) return r > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        return r;
    }
}
