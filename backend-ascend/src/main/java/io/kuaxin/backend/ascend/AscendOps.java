package io.kuaxin.backend.ascend;

import io.kuaxin.DType;
import io.kuaxin.op.Op;
import io.kuaxin.spi.KernelCall;

import java.util.List;

/**
 * Which ops run on Ascend, and the dispatch to their aclnn implementations. {@link #unsupportedReason} and
 * {@link #execute} agree by construction: execute handles exactly the ops and dtypes this reports as supported,
 * for every attribute combination the op records allow.
 *
 * <ul>
 *   <li>Compute dtypes are f32, f16 and bf16: the AI Core has no fp64 path and Kuaxin binds no AICPU fallbacks.</li>
 *   <li>Attention runs fp16/bf16 only (PromptFlashAttention/IncreFlashAttention take no fp32), without an additive
 *       mask (the vendor mask is boolean, 1 = masked, which cannot express arbitrary additive scores).</li>
 *   <li>Integer matmul (aclnnQuantMatmul) and integer element-wise arithmetic (Kuaxin defines wrap-around and
 *       x/0 = 0, which aclnn does not promise) are not bound.</li>
 * </ul>
 */
final class AscendOps {
    private AscendOps() {}

    static boolean isDeviceFloat(DType t) { return t == DType.F32 || t == DType.F16 || t == DType.BF16; }

    /** Null if {@code op} runs here for these input dtypes, else why not. */
    static String unsupportedReason(Op op, List<DType> d) {
        return switch (op) {
            case MATMUL -> {
                if (d.size() < 2 || d.get(0) != d.get(1)) yield "aclnnMatmul needs a and b of one dtype";
                if (d.get(0) == DType.I8) yield "int8 matmul (aclnnQuantMatmul) is not bound on Ascend";
                if (!isDeviceFloat(d.get(0))) yield "aclnnMatmul takes f32, f16 or bf16, not " + d.get(0).label();
                yield allDeviceFloat(d.subList(2, d.size()), "c and bias");
            }
            case ATTENTION -> {
                if (d.size() < 3) yield "attention needs q, k and v";
                DType t = d.get(0);
                if (t != DType.F16 && t != DType.BF16) {
                    yield "PromptFlashAttention/IncreFlashAttention take f16 or bf16, not " + t.label();
                }
                if (d.get(1) != t || d.get(2) != t) yield "q, k and v must share a dtype";
                if (d.size() > 3 && d.get(3).isFloatingPoint()) {
                    yield "an additive attention mask has no exact aclnn form (its masks are boolean); use causal"
                            + " or kvLengths, or run it elsewhere";
                }
                yield d.size() > 3 && d.get(3) != DType.I32 ? "kvLengths must be i32" : null;
            }
            case SOFTMAX, LAYER_NORM, RMS_NORM -> allDeviceFloat(d, op.label());
            case ADD, SUB, MUL, DIV -> {
                if (d.size() != 2) yield "needs two inputs";
                yield isDeviceFloat(d.get(0)) && isDeviceFloat(d.get(1)) ? null
                        : "aclnn element-wise arithmetic is bound for f32, f16 and bf16 inputs only (Kuaxin's integer"
                        + " wrap-around and x/0 = 0 are not what aclnn promises)";
            }
            case SILU, GELU_TANH, GELU_ERF, RELU, EXP -> allDeviceFloat(d, op.label());
            case CAST, COPY -> d.size() == 1 ? null : "needs one input";
            default -> op.label() + " has no aclnn binding in Kuaxin yet";
        };
    }

    private static String allDeviceFloat(List<DType> d, String what) {
        for (DType t : d) {
            if (!isDeviceFloat(t)) return what + " on Ascend takes f32, f16 or bf16, not " + t.label();
        }
        return null;
    }

    /** Enqueues {@code call} on {@code st}; returns the aclnn op(s) used, for provenance. */
    static String execute(AscendStream st, KernelCall call) {
        return switch (call.op()) {
            case MATMUL -> AscendMatmul.execute(st, call);
            case ATTENTION -> AscendAttention.execute(st, call);
            case SOFTMAX, LAYER_NORM, RMS_NORM -> AscendNorms.execute(st, call);
            case ADD, SUB, MUL, DIV, SILU, GELU_TANH, GELU_ERF, RELU, EXP, CAST, COPY ->
                    AscendElementwise.execute(st, call);
            default -> throw new IllegalStateException("no aclnn kernel for " + call.op()); // front door checked
        };
    }
}
