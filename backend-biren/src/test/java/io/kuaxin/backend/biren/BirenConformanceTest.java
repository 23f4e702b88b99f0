package io.kuaxin.backend.biren;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ConformanceSuite;
import io.kuaxin.cuda.tck.CudaUnsupported;

/** The conformance suite on the emulated {@code biren:0}; the cases the CUDA-dialect binding refuses are declared. */
class BirenConformanceTest extends ConformanceSuite {
    @Override
    protected BackendTestConfig config() {
        return CudaUnsupported.declare(BackendTestConfig.forDevice("biren:0"));
    }
}
