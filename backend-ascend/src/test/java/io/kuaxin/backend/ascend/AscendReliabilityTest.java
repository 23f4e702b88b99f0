package io.kuaxin.backend.ascend;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ReliabilitySuite;

/** Generated bad input and injected AscendCL/aclnn faults on the emulated {@code ascend:0}. */
class AscendReliabilityTest extends ReliabilitySuite {
    @Override
    protected BackendTestConfig config() { return new AscendConformanceTest().config(); }

    @Override
    protected String emulatorLibrary() { return Emulator.LIBRARY.getFileName().toString(); }
}
