/** The hygon backend. */
module io.kuaxin.backend.hygon {
    requires io.kuaxin.cuda;

    provides io.kuaxin.spi.BackendProvider with io.kuaxin.backend.hygon.HygonProvider;
}
