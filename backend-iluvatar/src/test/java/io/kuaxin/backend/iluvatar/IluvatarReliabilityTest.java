package io.kuaxin.backend.iluvatar;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ReliabilitySuite;
import io.kuaxin.cuda.tck.CudaUnsupported;

/** Generated bad input and injected faults on the emulated {@code iluvatar:0} (CoreX speaks CUDA's API). */
class IluvatarReliabilityTest extends ReliabilitySuite {
    @Override
    protected BackendTestConfig config() { return CudaUnsupported.declare(BackendTestConfig.forDevice("iluvatar:0")); }

    @Override
    protected String emulatorLibrary() { return "libkuaxin-emu-cudalegacy.so"; }
}
