package io.kuaxin.backend.iluvatar;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ConformanceSuite;
import io.kuaxin.cuda.tck.CudaUnsupported;

/** The conformance suite on the emulated {@code iluvatar:0}; the cases the CUDA-dialect binding refuses are declared. */
class IluvatarConformanceTest extends ConformanceSuite {
    @Override
    protected BackendTestConfig config() {
        return CudaUnsupported.declare(BackendTestConfig.forDevice("iluvatar:0"));
    }
}
