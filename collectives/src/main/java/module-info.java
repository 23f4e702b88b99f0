/**
 * Collectives: communicators over a group of devices, in one process or one rank per process, with the unique id
 * exchanged by MPI or any {@link io.kuaxin.collectives.Rendezvous}. The CPU's collectives run over MPI; accelerators'
 * over their vendor's collective library.
 */
module io.kuaxin.collectives {
    requires transitive io.kuaxin.runtime;

    exports io.kuaxin.collectives;
    exports io.kuaxin.collectives.spi;
    exports io.kuaxin.collectives.mpi;
    exports io.kuaxin.collectives.nccl;
    exports io.kuaxin.collectives.hccl;
    exports io.kuaxin.collectives.cncl;
}
