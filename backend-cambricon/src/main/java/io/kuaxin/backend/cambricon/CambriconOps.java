package io.kuaxin.backend.cambricon;

import io.kuaxin.DType;
import io.kuaxin.op.Op;
import io.kuaxin.spi.KernelCall;

import java.util.List;
import java.util.Set;

/**
 * Which ops run on Cambricon, and the dispatch to CNNL. {@link #unsupportedReason} lists what CNNL (as bound)
 * cannot do, including the limits that depend on attributes: a CAST to u8, bool or f64 and a matmul with a
 * non-f32/f16/bf16 output dtype. {@link #execute} still refuses those defensively, before enqueuing anything.
 */
final class CambriconOps {
    private CambriconOps() {}

    /**
     * Why casts are refused: {@code cnnlCastDataType_t} is not numbered 0..15 as the header subset guessed; public
     * copies show {@code CNNL_CAST_HALF_TO_FLOAT_INF = 129} (V: DeepLink DIOPI's camb cast table) and
     * {@code CNNL_CAST_FLOAT_TO_HALF_IEEE754 = 219}, and the other numbers are unknown, so any cast Kuaxin passed
     * could select a different conversion.
     */
    static final String CAST_VALUES_UNKNOWN = "cnnlCastDataType is refused until its cnnlCastDataType_t numbers are"
            + " known: the enumeration is not dense 0..15 (public copies show CNNL_CAST_HALF_TO_FLOAT_INF = 129,"
            + " CNNL_CAST_FLOAT_TO_HALF_IEEE754 = 219)";

    /** Dtypes cnnlCastDataType reaches, directly or through f32 (once its numbers are known). */
    static final Set<DType> CASTABLE = Set.of(DType.F32, DType.F16, DType.BF16, DType.I32, DType.I8, DType.I64);

    static boolean isDeviceFloat(DType t) { return t == DType.F32 || t == DType.F16 || t == DType.BF16; }

    /** As {@link #unsupportedReason(Op, List)}, plus the limits that depend on the op's attributes. */
    static String unsupportedReason(Op op, io.kuaxin.op.OpAttributes attrs, List<DType> d) {
        String r = unsupportedReason(op, d);
        if (r != null) return r;
        if (attrs instanceof io.kuaxin.op.MatmulAttrs m && m.outDtype() != null && !isDeviceFloat(m.outDtype())) {
            return "CNNL matmul writes f32, f16 or bf16, not " + m.outDtype().label();
        }
        if (attrs instanceof io.kuaxin.op.MatmulAttrs m && CnnlMatmul.needsCast(m)) {
            return "a matmul with alpha, c, bias or an epilogue into " + m.outDtype().label() + " runs in f32 and"
                    + " ends with a cast: " + CAST_VALUES_UNKNOWN;
        }
        return null;
    }

    static String unsupportedReason(Op op, List<DType> d) {
        return switch (op) {
            case MATMUL -> {
                if (d.size() < 2 || d.get(0) != d.get(1)) yield "CNNL matmul needs a and b of one dtype";
                if (d.get(0) == DType.I8) yield "int8 matmul (quantised CNNL matmul) is not bound on Cambricon";
                if (!isDeviceFloat(d.get(0))) yield "CNNL matmul takes f32, f16 or bf16, not " + d.get(0).label();
                yield allDeviceFloat(d.subList(2, d.size()), "c and bias");
            }
            case ATTENTION -> {
                if (d.size() < 3) yield "attention needs q, k and v";
                DType t = d.get(0);
                if (t != DType.F16 && t != DType.BF16) yield "cnnlFlashAttentionForward takes f16 or bf16, not " + t.label();
                if (d.get(1) != t || d.get(2) != t) yield "q, k and v must share a dtype";
                if (d.size() > 3 && d.get(3).isFloatingPoint()) {
                    yield "cnnlFlashAttentionForward has no additive mask (mask modes NONE and CAUSAL only)";
                }
                yield d.size() > 3 && d.get(3) != DType.I32 ? "kvLengths must be i32" : null;
            }
            case SOFTMAX, RMS_NORM -> allDeviceFloat(d, op.label());
            case LAYER_NORM -> {
                String r = allDeviceFloat(d, op.label());
                if (r == null && d.size() == 3 && d.get(1) != d.get(2)) {
                    r = "cnnlLayerNormForward takes gamma and beta through one descriptor: give them one dtype";
                }
                yield r;
            }
            case ADD, SUB, MUL -> d.size() == 2 && isDeviceFloat(d.get(0)) && d.get(0) == d.get(1) ? null
                    : "cnnlOpTensor is bound for two inputs of one dtype among f32, f16, bf16";
            case DIV -> "cnnlOpTensor has add, sub and mul only; cnnlDiv is not bound";
            case SILU, RELU, GELU_ERF -> allDeviceFloat(d, op.label());
            case GELU_TANH -> "cnnlActivationForward's GELU is the erf form; the tanh approximation is not bound";
            case EXP -> "cnnlExp is not bound";
            case CAST -> CAST_VALUES_UNKNOWN;
            case COPY -> d.size() == 1 ? null : "needs one input";
            default -> op.label() + " has no CNNL binding in Kuaxin yet";
        };
    }

    private static String allDeviceFloat(List<DType> d, String what) {
        for (DType t : d) if (!isDeviceFloat(t)) return what + " on Cambricon takes f32, f16 or bf16, not " + t.label();
        return null;
    }

    static String execute(CambriconStream q, KernelCall call) {
        return switch (call.op()) {
            case MATMUL -> CnnlMatmul.execute(q, call);
            case ATTENTION -> CnnlAttention.execute(q, call);
            case SOFTMAX, LAYER_NORM, RMS_NORM -> CnnlNorms.execute(q, call);
            case ADD, SUB, MUL, SILU, RELU, GELU_ERF, CAST, COPY -> CnnlElementwise.execute(q, call);
            default -> throw new IllegalStateException("no CNNL kernel for " + call.op()); // front door checked
        };
    }
}
