/** The Acme backend. */
module io.kuaxin.backend.acme {
    requires io.kuaxin.runtime;

    provides io.kuaxin.spi.BackendProvider with io.kuaxin.backend.acme.AcmeProvider;
}
