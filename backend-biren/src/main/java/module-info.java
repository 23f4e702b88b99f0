/** The biren backend. */
module io.kuaxin.backend.biren {
    requires io.kuaxin.cuda;

    provides io.kuaxin.spi.BackendProvider with io.kuaxin.backend.biren.BirenProvider;
}
