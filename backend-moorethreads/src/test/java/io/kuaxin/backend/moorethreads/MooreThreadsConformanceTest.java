package io.kuaxin.backend.moorethreads;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ConformanceSuite;
import io.kuaxin.cuda.tck.CudaUnsupported;

/** The conformance suite on the emulated {@code musa:0}; the cases the CUDA-dialect binding refuses are declared. */
class MooreThreadsConformanceTest extends ConformanceSuite {
    @Override
    protected BackendTestConfig config() {
        return CudaUnsupported.declare(BackendTestConfig.forDevice("musa:0"));
    }
}
