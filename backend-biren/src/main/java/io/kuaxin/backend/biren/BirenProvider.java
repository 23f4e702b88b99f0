package io.kuaxin.backend.biren;

import io.kuaxin.cuda.CudaDialectProvider;
import io.kuaxin.cuda.Dialect;

import java.util.List;

// SUPA_VISIBLE_DEVICES is inferred (I): no public Biren source names the variable; confirm on hardware.
/** The Biren backend: the CUDA-dialect binding with Biren's dialect. */
public final class BirenProvider extends CudaDialectProvider {
    static final Dialect DIALECT = new Dialect("biren", List.of("supa"), "Biren", "SUPA_VISIBLE_DEVICES");

    public BirenProvider() {
        super(DIALECT);
    }
}
