/** The ascend backend. */
module io.kuaxin.backend.ascend {
    requires io.kuaxin.runtime;

    provides io.kuaxin.spi.BackendProvider with io.kuaxin.backend.ascend.AscendProvider;
}
