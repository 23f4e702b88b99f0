package io.kuaxin.backend.moorethreads;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ReliabilitySuite;
import io.kuaxin.cuda.tck.CudaUnsupported;

/** Generated bad input and injected MUSA/muBLAS faults on the emulated {@code musa:0}. */
class MooreThreadsReliabilityTest extends ReliabilitySuite {
    @Override
    protected BackendTestConfig config() { return CudaUnsupported.declare(BackendTestConfig.forDevice("musa:0")); }

    @Override
    protected String emulatorLibrary() { return "libkuaxin-emu-musa.so"; }
}
