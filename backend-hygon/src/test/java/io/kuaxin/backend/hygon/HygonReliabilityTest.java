package io.kuaxin.backend.hygon;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ReliabilitySuite;
import io.kuaxin.cuda.tck.CudaUnsupported;

/** Generated bad input and injected HIP/hipBLAS faults on the emulated {@code hygon:0} (HIP variant). */
class HygonReliabilityTest extends ReliabilitySuite {
    @Override
    protected BackendTestConfig config() {
        System.setProperty("kuaxin.hygon.variant", "hip"); // as HygonConformanceTest
        return CudaUnsupported.declare(BackendTestConfig.forDevice("hygon:0").name("hygon-hip"));
    }

    @Override
    protected String emulatorLibrary() { return "libkuaxin-emu-hip.so"; }
}
