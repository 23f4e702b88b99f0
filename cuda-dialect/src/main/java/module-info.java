/** One FFM binding for runtimes that clone the CUDA runtime and BLAS APIs, parameterised by a Dialect. */
module io.kuaxin.cuda {
    requires transitive io.kuaxin.runtime;
    requires io.kuaxin.cuda.kernels;

    exports io.kuaxin.cuda;
}
