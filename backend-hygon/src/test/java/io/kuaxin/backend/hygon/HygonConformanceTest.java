package io.kuaxin.backend.hygon;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ConformanceSuite;
import io.kuaxin.cuda.tck.CudaUnsupported;

/**
 * The conformance suite on the emulated {@code hygon:0} through HIP + hipBLAS (pinned with
 * {@code kuaxin.hygon.variant=hip}: the spelling that differs most from CUDA; the DTK CUDA layer is the NVIDIA
 * binding's spelling, covered by the CUDA-dialect contract test).
 */
class HygonConformanceTest extends ConformanceSuite {
    @Override
    protected BackendTestConfig config() {
        System.setProperty("kuaxin.hygon.variant", "hip"); // the contract tests pin their own variant
        return CudaUnsupported.declare(BackendTestConfig.forDevice("hygon:0").name("hygon-hip"));
    }
}
