package io.kuaxin.backend.hygon;

import io.kuaxin.cuda.CudaDialectProvider;
import io.kuaxin.cuda.Dialect;

import java.util.List;

/** The Hygon backend: the CUDA-dialect binding with Hygon's dialect. */
public final class HygonProvider extends CudaDialectProvider {
    static final Dialect DIALECT = new Dialect("hygon", List.of("dcu"), "Hygon", "HIP_VISIBLE_DEVICES");

    public HygonProvider() {
        super(DIALECT);
    }
}
