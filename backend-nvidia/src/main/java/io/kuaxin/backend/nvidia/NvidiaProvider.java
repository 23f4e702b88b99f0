package io.kuaxin.backend.nvidia;

import io.kuaxin.cuda.CudaDialectProvider;
import io.kuaxin.cuda.Dialect;

import java.util.List;

/** The NVIDIA backend: the CUDA-dialect binding with NVIDIA's dialect. */
public final class NvidiaProvider extends CudaDialectProvider {
    static final Dialect DIALECT = new Dialect("cuda", List.of("nvidia", "gpu"), "NVIDIA", "CUDA_VISIBLE_DEVICES");

    public NvidiaProvider() {
        super(DIALECT);
    }
}
