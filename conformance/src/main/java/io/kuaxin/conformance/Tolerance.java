package io.kuaxin.conformance;

import io.kuaxin.DType;
import io.kuaxin.op.Op;

/**
 * How close a backend's result must be to the fp64 oracle's: a documented error bound per op, in ulps of each
 * element (as the OpenCL and Vulkan conformance suites give one per math function), plus an absolute term only
 * where the math needs one. An element passes when
 * <pre>  |x − y| ≤ ulp_out(y)  +  (ulps + κ·cond) · ulp_c(y)  +  abs · errScale · rms(y)</pre>
 * <ul>
 * <li>{@code y} is the oracle's value already rounded to the output dtype, {@code ulp_out(y)} the output dtype's
 *     spacing at y (so two correct roundings may land on neighbours; subnormal spacing near 0);</li>
 * <li>{@code ulp_c(y)} the spacing of the compute precision at y: fp32 for f32/f16/bf16 inputs (the precision
 *     every vendor documents for them), fp64 for f64;</li>
 * <li>{@code ulps} the op's own error in compute-precision ulps, and {@code κ} the element's condition number
 *     {@code |x·f'(x)/f(x)|} (how much rounding the argument once moves the result): evaluating gelu's
 *     {@code erfc(|x|/√2)} at a rounded argument costs about {@code x²} ulps in its tail, and no implementation in
 *     that precision does better; for softmax it is {@code |x − max| + n/2} (the exponent's argument and an n-long
 *     sum);</li>
 * <li>{@code abs · errScale · rms(y)} only for reductions whose error is absolute by nature (matmul, attention,
 *     norms, rope, sum, mean): {@code errScale} is √K for a K-long dot product.</li>
 * </ul>
 * Exact ops (casts, copies, gathers, max/argmax, integer arithmetic) match bit for bit; NaN matches NaN and an
 * infinity only the same infinity, everywhere.
 *
 * <table>
 * <caption>error bounds</caption>
 * <tr><th>op</th><th>ulps (compute precision)</th><th>κ weight</th><th>abs (f32/f16/bf16; f64)</th></tr>
 * <tr><td>add, sub, mul, div</td><td>0 (correctly rounded)</td><td>0</td><td>—</td></tr>
 * <tr><td>relu</td><td>0</td><td>0</td><td>—</td></tr>
 * <tr><td>exp, silu, gelu_tanh, gelu_erf</td><td>4</td><td>2</td><td>—</td></tr>
 * <tr><td>softmax</td><td>4</td><td>2</td><td>—</td></tr>
 * <tr><td>matmul</td><td>1</td><td>0</td><td>2e-6 × √K; 1e-13 × √K (int8: exact)</td></tr>
 * <tr><td>attention</td><td>1</td><td>0</td><td>f32 1e-5, f16 5e-4, bf16 4e-3</td></tr>
 * <tr><td>layer_norm, rms_norm, sum, mean</td><td>1</td><td>0</td><td>1e-6 × √n; 1e-13 × √n (integers exact)</td></tr>
 * <tr><td>rope</td><td>1</td><td>0</td><td>1e-6; 1e-13</td></tr>
 * <tr><td>max, argmax, cast, copy, embedding</td><td colspan="3">exact</td></tr>
 * </table>
 *
 * @param ulps  the op's error in compute-precision ulps of each element
 * @param cond  weight of the element's condition number κ
 * @param abs   the absolute term, relative to the output's RMS and the case's errScale (0 for most ops)
 * @param exact bit-exact comparison
 */
public record Tolerance(double ulps, double cond, double abs, boolean exact) {
    public static final Tolerance EXACT = new Tolerance(0, 0, 0, true);

    /** The tolerance of {@code op} computing on {@code in} and producing {@code out}. */
    public static Tolerance of(Op op, DType in, DType out) {
        boolean f64 = in == DType.F64;
        boolean intOut = !out.isFloatingPoint();
        return switch (op) {
            case CAST, COPY, EMBEDDING, MAX, ARGMAX -> EXACT;
            case MATMUL -> in == DType.I8 ? EXACT : new Tolerance(1, 0, f64 ? 1e-13 : 2e-6, false);
            case ATTENTION -> new Tolerance(1, 0, switch (in) {
                case F16 -> 5e-4;
                case BF16 -> 4e-3;
                default -> 1e-5;
            }, false);
            case ADD, SUB, MUL, DIV -> intOut ? EXACT : new Tolerance(0, 0, 0, false);
            case RELU -> new Tolerance(0, 0, 0, false);
            case SILU, GELU_TANH, GELU_ERF, EXP, SOFTMAX -> new Tolerance(4, 2, 0, false);
            case SUM, MEAN -> intOut ? EXACT : new Tolerance(1, 0, f64 ? 1e-13 : 1e-6, false);
            default -> new Tolerance(1, 0, f64 ? 1e-13 : 1e-6, false);
        };
    }

    /** Whether the bound uses per-element condition numbers ({@link Conditioning}). */
    boolean usesCondition() { return cond > 0; }

    /** The precision an op computes in for inputs of {@code in}: fp64 for f64, fp32 otherwise. */
    static DType computeDtype(DType in) { return in == DType.F64 ? DType.F64 : DType.F32; }

    /** The spacing of {@code t}'s values at {@code y} (its smallest subnormal near 0); 0 for integer types. */
    static double spacing(DType t, double y) {
        double a = Math.abs(y);
        int e = a == 0 ? Integer.MIN_VALUE : Math.getExponent(a);
        return switch (t) {
            case F64 -> Math.ulp(a);
            case F32 -> Math.scalb(1.0, Math.max(e, -126) - 23);
            case F16 -> Math.scalb(1.0, Math.max(e, -14) - 10);
            case BF16 -> Math.scalb(1.0, Math.max(e, -126) - 7);
            default -> 0;
        };
    }

    @Override
    public String toString() {
        return exact ? "exact" : "1 ulp + " + ulps + " ulps" + (cond > 0 ? " + " + cond + "κ" : "")
                + (abs > 0 ? " + " + abs + "·errScale·rms" : "");
    }
}
