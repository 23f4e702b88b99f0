package io.kuaxin.spi;

/**
 * A backend's packed form of a weight ({@link DeviceBackend#prepack}): CPU GEMM panels, a vendor's tiled matrix
 * layout, a BLAS-Lt matrix layout. The runtime keeps it with the weight's memory and closes it, exactly once, before
 * that memory is freed, when no work that reads the weight is in flight any more.
 */
public interface PackedWeight extends AutoCloseable {
    /** Extra bytes the packed form holds (host or device), for memory statistics; 0 if none. */
    long bytes();

    /** Releases the packed form; called by the runtime only. */
    @Override
    void close();
}
