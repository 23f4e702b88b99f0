/** The op catalog's oracle and the portable CPU kernels (Vector API with a scalar fallback). */
module io.kuaxin.kernels {
    requires transitive io.kuaxin.runtime;
    // Only io.kuaxin.kernels.cpu.vector links it, loaded reflectively so the scalar path works without it.
    requires static jdk.incubator.vector;

    exports io.kuaxin.kernels.cpu;
    exports io.kuaxin.kernels.cpu.ops;
    exports io.kuaxin.kernels.oracle;
}
