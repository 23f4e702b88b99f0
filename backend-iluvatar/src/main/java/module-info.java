/** The iluvatar backend. */
module io.kuaxin.backend.iluvatar {
    requires io.kuaxin.cuda;

    provides io.kuaxin.spi.BackendProvider with io.kuaxin.backend.iluvatar.IluvatarProvider;
}
