package io.kuaxin.backend.hygon;

import io.kuaxin.cuda.tck.CudaBackendContract;
import org.junit.jupiter.api.Nested;

/** The shared CUDA-dialect contract on both Hygon spellings: the DTK CUDA layer and HIP + hipBLAS. */
class HygonBackendTest {
    /** The DTK CUDA layer (first in the default order; here: the CUDA emulator). */
    @Nested
    class DtkCudaLayer extends CudaBackendContract {
        DtkCudaLayer() { super(HygonProvider::new, "dtk-cuda"); }
    }

    /** Pinned to HIP: hipHostMalloc with flags, hipBLAS enums 111/160, the _v2 GEMM-Ex symbols. */
    @Nested
    class Hip extends CudaBackendContract {
        Hip() { super(HygonProvider::new, "hip"); }
    }
}
