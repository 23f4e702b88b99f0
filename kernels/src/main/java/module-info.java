/** The op catalog's oracle and the portable CPU kernels (Vector API with a scalar fallback). */
module io.kuaxin.kernels {
    requires transitive io.kuaxin.runtime;
}
