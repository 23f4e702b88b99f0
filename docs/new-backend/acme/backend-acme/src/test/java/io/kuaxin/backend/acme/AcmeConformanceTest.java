package io.kuaxin.backend.acme;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ConformanceSuite;

import java.util.List;

/** The conformance suite on acme:0: the emulator in CI, a real device where the SDK is installed. */
class AcmeConformanceTest extends ConformanceSuite {
    @Override
    protected BackendTestConfig config() {
        BackendTestConfig c = BackendTestConfig.forDevice("acme:0");
        for (String op : List.of("add", "argmax", "attention", "cast", "div", "embedding", "exp", "gelu_erf",
                "gelu_tanh", "layer_norm", "matmul", "max", "mean", "mul", "relu", "rms_norm", "rope", "silu",
                "softmax", "sub", "sum")) {
            c = c.unsupported(op + "/*", "no Acme op is bound yet");
        }
        return c;
    }
}
