/** The nvidia backend. */
module io.kuaxin.backend.nvidia {
    requires io.kuaxin.cuda;

    provides io.kuaxin.spi.BackendProvider with io.kuaxin.backend.nvidia.NvidiaProvider;
}
