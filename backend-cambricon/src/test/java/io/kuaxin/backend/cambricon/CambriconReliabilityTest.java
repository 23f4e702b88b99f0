package io.kuaxin.backend.cambricon;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ReliabilitySuite;

/** Generated bad input and injected CNRT/CNNL faults on the emulated {@code mlu:0}. */
class CambriconReliabilityTest extends ReliabilitySuite {
    @Override
    protected BackendTestConfig config() { return new CambriconConformanceTest().config(); }

    @Override
    protected String emulatorLibrary() { return "libkuaxin-emu-cambricon.so"; }
}
