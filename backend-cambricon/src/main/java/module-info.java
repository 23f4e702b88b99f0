/** The cambricon backend. */
module io.kuaxin.backend.cambricon {
    requires io.kuaxin.runtime;

    provides io.kuaxin.spi.BackendProvider with io.kuaxin.backend.cambricon.CambriconProvider;
}
