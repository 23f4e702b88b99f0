package io.kuaxin.backend.nvidia;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ReliabilitySuite;
import io.kuaxin.cuda.tck.CudaUnsupported;

/** Generated bad input and injected CUDA runtime/cuBLAS faults on the emulated {@code cuda:0}. */
class NvidiaReliabilityTest extends ReliabilitySuite {
    @Override
    protected BackendTestConfig config() { return CudaUnsupported.declare(BackendTestConfig.forDevice("cuda:0")); }

    @Override
    protected String emulatorLibrary() { return "libkuaxin-emu-cuda.so"; }
}
