/** The moorethreads backend. */
module io.kuaxin.backend.moorethreads {
    requires io.kuaxin.cuda;

    provides io.kuaxin.spi.BackendProvider with io.kuaxin.backend.moorethreads.MooreThreadsProvider;
}
