package io.kuaxin.backend.iluvatar;

import io.kuaxin.cuda.CudaDialectProvider;
import io.kuaxin.cuda.Dialect;

import java.util.List;

/** The Iluvatar backend: the CUDA-dialect binding with Iluvatar's dialect. */
public final class IluvatarProvider extends CudaDialectProvider {
    static final Dialect DIALECT = new Dialect("iluvatar", List.of("corex"), "Iluvatar", "CUDA_VISIBLE_DEVICES");

    public IluvatarProvider() {
        super(DIALECT);
    }
}
