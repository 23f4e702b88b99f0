package io.kuaxin.backend.nvidia;

import io.kuaxin.cuda.tck.CudaBackendContract;

/** The shared CUDA-dialect contract on the CUDA emulator with NVIDIA's dialect. */
class NvidiaBackendTest extends CudaBackendContract {
    NvidiaBackendTest() { super(NvidiaProvider::new, null); }
}
