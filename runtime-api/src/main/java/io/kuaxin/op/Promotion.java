package io.kuaxin.op;

import io.kuaxin.DType;

/**
 * Dtype promotion for binary element-wise ops ({@link Op#ADD}, {@link Op#SUB}, {@link Op#MUL}, {@link Op#DIV}).
 *
 * <ol>
 * <li>Equal dtypes: that dtype.</li>
 * <li>Two floats: the wider one ({@code f64 > f32 > f16, bf16}); {@code f16} with {@code bf16} gives {@code f32}
 *     (neither holds the other).</li>
 * <li>A float with an integer or bool: the float.</li>
 * <li>Two integers: the wider ({@code i64 > i32 > i8, u8}); {@code i8} with {@code u8} gives {@code i32}.</li>
 * <li>An integer with bool: the integer. Bool with bool has no arithmetic: cast first.</li>
 * </ol>
 * Float results are computed in at least fp32 and rounded once; integer results wrap around (two's complement)
 * and integer division truncates toward zero, with {@code x / 0 = 0}.
 */
public final class Promotion {
    private Promotion() {}

    /** The result dtype of {@code a op b}, or {@code null} if there is none (bool with bool). */
    public static DType promote(DType a, DType b) {
        if (a == b) return a == DType.BOOL ? null : a;
        if (a == DType.BOOL) return b;
        if (b == DType.BOOL) return a;
        if (a.isFloatingPoint() && b.isFloatingPoint()) {
            if (a == DType.F64 || b == DType.F64) return DType.F64;
            return DType.F32; // f32 with a half type, or f16 with bf16
        }
        if (a.isFloatingPoint()) return a;
        if (b.isFloatingPoint()) return b;
        if (a == DType.I64 || b == DType.I64) return DType.I64;
        return DType.I32; // i32 with i8/u8, or i8 with u8
    }

    /** Whether {@code t} is one of the float dtypes ops compute on: f32, f16, bf16, f64. */
    public static boolean isFloat(DType t) { return t.isFloatingPoint(); }

    /** Whether {@code t} is f32, f16 or bf16 (the accelerator float types). */
    public static boolean isDeviceFloat(DType t) { return t == DType.F32 || t == DType.F16 || t == DType.BF16; }

    /** Whether {@code t} is an index type (i32 or i64). */
    public static boolean isIndex(DType t) { return t == DType.I32 || t == DType.I64; }
}
