package io.kuaxin.backend.cambricon;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ConformanceSuite;

/**
 * The conformance suite on {@code mlu:0} (the emulator in the build; a real MLU when Neuware is installed). Each
 * unsupported declaration mirrors a line of {@link CambriconOps#unsupportedReason}: casts, and matmul chains into a
 * half-precision output (which end in a cast), are refused until cnnlCastDataType_t's numbers are known.
 */
class CambriconConformanceTest extends ConformanceSuite {
    private static final String[] FLOAT_OPS = {"matmul", "softmax", "layer_norm", "rms_norm", "relu", "silu",
            "gelu_erf"};

    @Override
    protected BackendTestConfig config() {
        BackendTestConfig c = BackendTestConfig.forDevice("mlu:0");
        for (String op : FLOAT_OPS) c = c.unsupported(op + "/f64/*", "CNNL as bound computes in f32, f16 and bf16");
        for (String op : new String[] {"add", "sub", "mul"}) {
            for (String p : new String[] {"/f64*", "/i*", "/u8*", "/bool*", "/f16+bf16*", "/f32+bf16*"}) {
                c = c.unsupported(op + p, "cnnlOpTensor is bound for two inputs of one dtype among f32, f16, bf16");
            }
        }
        c = c.unsupported("div/*", "cnnlOpTensor has add, sub and mul; cnnlDiv is not bound")
                .unsupported("exp/*", "cnnlExp is not bound")
                .unsupported("gelu_tanh/*", "CNNL's GELU activation is the erf form")
                .unsupported("matmul/i8/*", "int8 matmul is not bound")
                .unsupported("attention/f32/*", "cnnlFlashAttentionForward takes f16/bf16 only")
                .unsupported("attention/*mask*", "cnnlFlashAttentionForward has mask modes NONE and CAUSAL only");
        String cast = "cnnlCastDataType_t's numbers are unknown (not dense 0..15)";
        c = c.unsupported("cast/*", cast);
        for (String t : new String[] {"f16", "bf16"}) { // chains into a half output end with a cast
            for (String p : new String[] {"bias-*", "alpha-beta-c*", "c-broadcast-row", "accumulate-in-place",
                    "random-*-bias-*"}) {
                c = c.unsupported("matmul/" + t + "/" + p, cast);
            }
        }
        String none = "no CNNL binding yet";
        for (String p : new String[] {"rope/bf16/*", "rope/f*", "sum/*", "argmax/*", "max/b*", "max/f*", "max/i32/*",
                "max/i64/*", "max/i8/*", "max/u8/*", "mean/bf16/*", "mean/f*", "embedding/b*", "embedding/f*",
                "embedding/i32/*", "embedding/i64/*", "embedding/i8/*", "embedding/u8/*"}) {
            c = c.unsupported(p, none);
        }
        return c;
    }
}
