package io.kuaxin.backend.iluvatar;

import io.kuaxin.cuda.tck.CudaBackendContract;

/** The shared CUDA-dialect contract on the CUDA emulator with CoreX's dialect (CUDA 10.2-style compute types). */
class IluvatarBackendTest extends CudaBackendContract {
    IluvatarBackendTest() { super(IluvatarProvider::new, null); }
}
