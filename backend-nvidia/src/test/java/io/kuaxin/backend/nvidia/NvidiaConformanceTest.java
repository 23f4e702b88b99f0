package io.kuaxin.backend.nvidia;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ConformanceSuite;
import io.kuaxin.cuda.tck.CudaUnsupported;

/** The conformance suite on the emulated {@code cuda:0}; the cases the CUDA-dialect binding refuses are declared. */
class NvidiaConformanceTest extends ConformanceSuite {
    @Override
    protected BackendTestConfig config() {
        return CudaUnsupported.declare(BackendTestConfig.forDevice("cuda:0"));
    }
}
