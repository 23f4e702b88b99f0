package io.kuaxin.backend.moorethreads;

import io.kuaxin.cuda.tck.CudaBackendContract;

/** The shared CUDA-dialect contract on the MUSA emulator (muBLAS enums, the mangled mublasGemmEx). */
class MooreThreadsBackendTest extends CudaBackendContract {
    MooreThreadsBackendTest() { super(MooreThreadsProvider::new, null); }
}
