package io.kuaxin.backend.moorethreads;

import io.kuaxin.cuda.CudaDialectProvider;
import io.kuaxin.cuda.Dialect;

import java.util.List;

/** The Moore Threads backend: the CUDA-dialect binding with Moore Threads's dialect. */
public final class MooreThreadsProvider extends CudaDialectProvider {
    static final Dialect DIALECT = new Dialect("musa", List.of("moorethreads", "mthreads"), "Moore Threads", "MUSA_VISIBLE_DEVICES");

    public MooreThreadsProvider() {
        super(DIALECT);
    }
}
