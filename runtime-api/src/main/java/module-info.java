/**
 * Kuaxin's public API (devices, memory, streams, events, tensors, ops, errors, discovery) and the backend SPI.
 * Depends on SLF4J only.
 */
module io.kuaxin.runtime {
    requires transitive org.slf4j;
    requires jdk.jfr;

    exports io.kuaxin;
    exports io.kuaxin.op;
    exports io.kuaxin.spi;
    exports io.kuaxin.spi.ffm;

    uses io.kuaxin.spi.BackendProvider;
}
