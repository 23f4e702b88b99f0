package io.kuaxin.backend.biren;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ReliabilitySuite;
import io.kuaxin.cuda.tck.CudaUnsupported;

/** Generated bad input and injected SUPA/suBLAS faults on the emulated {@code biren:0}. */
class BirenReliabilityTest extends ReliabilitySuite {
    @Override
    protected BackendTestConfig config() { return CudaUnsupported.declare(BackendTestConfig.forDevice("biren:0")); }

    @Override
    protected String emulatorLibrary() { return "libkuaxin-emu-supa.so"; }
}
