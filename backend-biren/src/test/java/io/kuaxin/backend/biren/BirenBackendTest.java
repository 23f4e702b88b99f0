package io.kuaxin.backend.biren;

import io.kuaxin.cuda.tck.CudaBackendContract;

/** The shared CUDA-dialect contract on the SUPA emulator (supa* runtime, suBLAS). */
class BirenBackendTest extends CudaBackendContract {
    BirenBackendTest() { super(BirenProvider::new, null); }
}
