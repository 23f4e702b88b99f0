package io.kuaxin.conformance;

import io.kuaxin.DType;
import io.kuaxin.op.Op;

/**
 * How close a backend's result must be to the fp64 oracle's. An element passes when
 * <pre>  |x − y| ≤ ulps · ulp(out) · |y|  +  rel · errScale · rms(y)</pre>
 * where {@code y} is the oracle's value already rounded to the output dtype (so {@code ulps = 1} allows the two
 * roundings to land on neighbours), {@code rel} is the computation error the op may add relative to the output's
 * RMS (fp32 arithmetic: ~1e-6), and {@code errScale} comes from the case ({@code √K} for K-long reductions).
 * Exact ops (casts, copies, gathers, max/argmax, integer arithmetic) must match bit for bit (NaN matches NaN).
 *
 * <table>
 * <caption>tolerances (rel; ulps = 1 unless exact)</caption>
 * <tr><th>op</th><th>f32 / f16 / bf16 compute</th><th>f64</th><th>integers</th></tr>
 * <tr><td>matmul</td><td>2e-6 × √K (fp32 accumulation)</td><td>1e-13 × √K</td><td>exact</td></tr>
 * <tr><td>attention</td><td>f32 1e-5, f16 5e-4, bf16 4e-3</td><td>—</td><td>—</td></tr>
 * <tr><td>softmax, layer_norm, rms_norm</td><td>1e-6 × √n</td><td>1e-13 × √n</td><td>—</td></tr>
 * <tr><td>rope</td><td>1e-6 × max position (fp32 angles)</td><td>1e-13</td><td>—</td></tr>
 * <tr><td>add, sub, mul, div</td><td>1e-7</td><td>1e-15</td><td>exact</td></tr>
 * <tr><td>silu, gelu_tanh, gelu_erf, relu, exp</td><td>2e-6</td><td>1e-13</td><td>—</td></tr>
 * <tr><td>sum, mean</td><td>1e-6 × √n</td><td>1e-13 × √n</td><td>exact</td></tr>
 * <tr><td>max, argmax, cast, copy, embedding</td><td>exact</td><td>exact</td><td>exact</td></tr>
 * </table>
 *
 * @param exact bit-exact comparison
 */
public record Tolerance(double ulps, double rel, boolean exact) {
    public static final Tolerance EXACT = new Tolerance(0, 0, true);

    /** The tolerance of {@code op} computing on {@code in} and producing {@code out}. */
    public static Tolerance of(Op op, DType in, DType out) {
        boolean f64 = in == DType.F64;
        boolean intOut = !out.isFloatingPoint();
        return switch (op) {
            case CAST, COPY, EMBEDDING, MAX, ARGMAX -> EXACT;
            case MATMUL -> in == DType.I8 ? EXACT : new Tolerance(1, f64 ? 1e-13 : 2e-6, false);
            case ATTENTION -> new Tolerance(1, switch (in) {
                case F16 -> 5e-4;
                case BF16 -> 4e-3;
                default -> 1e-5;
            }, false);
            case ADD, SUB, MUL, DIV -> intOut ? EXACT : new Tolerance(1, f64 ? 1e-15 : 1e-7, false);
            case SUM, MEAN -> intOut ? EXACT : new Tolerance(1, f64 ? 1e-13 : 1e-6, false);
            case SILU, GELU_TANH, GELU_ERF, RELU, EXP -> new Tolerance(1, f64 ? 1e-13 : 2e-6, false);
            default -> new Tolerance(1, f64 ? 1e-13 : 1e-6, false);
        };
    }

    /** Relative spacing of a dtype's values (2^-mantissa bits). */
    static double ulp(DType t) {
        return switch (t) {
            case F32 -> 0x1p-23;
            case F16 -> 0x1p-10;
            case BF16 -> 0x1p-7;
            case F64 -> 0x1p-52;
            default -> 0;
        };
    }

    @Override
    public String toString() {
        return exact ? "exact" : "ulps=" + ulps + " rel=" + rel;
    }
}
