package io.kuaxin.backend.ascend;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ConformanceSuite;

/**
 * The conformance suite on {@code ascend:0} (the emulator in the build; a real NPU when CANN is installed). Each
 * declaration mirrors a line of {@link AscendOps#unsupportedReason}.
 */
class AscendConformanceTest extends ConformanceSuite {
    private static final String[] BINARY = {"add", "sub", "mul", "div"};
    private static final String[] FLOAT_OPS = {"matmul", "softmax", "layer_norm", "rms_norm", "exp", "relu", "silu",
            "gelu_erf", "gelu_tanh"};

    @Override
    protected BackendTestConfig config() {
        BackendTestConfig c = BackendTestConfig.forDevice("ascend:0");
        String fp64 = "the AI Core has no fp64 path and Kuaxin binds no AICPU kernels";
        for (String op : FLOAT_OPS) c = c.unsupported(op + "/f64/*", fp64);
        for (String op : BINARY) {
            c = c.unsupported(op + "/f64*", fp64)
                    .unsupported(op + "/i*", "integer arithmetic: Kuaxin's wrap-around and x/0 = 0 are not aclnn's")
                    .unsupported(op + "/u8*", "integer arithmetic: Kuaxin's wrap-around and x/0 = 0 are not aclnn's")
                    .unsupported(op + "/bool*", "bool operands are integers here: see integer arithmetic");
        }
        c = c.unsupported("matmul/i8/*", "int8 matmul (aclnnQuantMatmul) is not bound")
                .unsupported("attention/f32/*", "PromptFlashAttention/IncreFlashAttention take f16/bf16 only")
                .unsupported("attention/*mask*", "aclnn attention masks are boolean; an additive mask has no exact form");
        String none = "no aclnn binding yet";
        for (String p : new String[] {"rope/bf16/*", "rope/f*", "sum/*", "argmax/*", "max/b*", "max/f*", "max/i32/*",
                "max/i64/*", "max/i8/*", "max/u8/*", "mean/bf16/*", "mean/f*", "embedding/b*", "embedding/f*",
                "embedding/i32/*", "embedding/i64/*", "embedding/i8/*", "embedding/u8/*"}) {
            c = c.unsupported(p, none);
        }
        return c;
    }
}
