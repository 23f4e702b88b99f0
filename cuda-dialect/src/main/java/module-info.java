/** One FFM binding for runtimes that clone the CUDA runtime and BLAS APIs, parameterised by a Dialect. */
module io.kuaxin.cuda {
    requires transitive io.kuaxin.runtime;

    exports io.kuaxin.cuda;
}
