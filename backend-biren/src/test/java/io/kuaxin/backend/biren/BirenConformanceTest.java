package io.kuaxin.backend.biren;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ConformanceSuite;
import io.kuaxin.cuda.tck.CudaUnsupported;

/**
 * The conformance suite on the emulated {@code biren:0}; the cases the CUDA-dialect binding refuses are declared, and
 * f64 matmul, which suBLAS has no compute type for.
 */
class BirenConformanceTest extends ConformanceSuite {
    @Override
    protected BackendTestConfig config() {
        return CudaUnsupported.declare(BackendTestConfig.forDevice("biren:0"))
                .unsupported("matmul/f64/*", "suBLAS documents no 64F compute type (only 32F and 32F_FAST_TF32)");
    }
}
