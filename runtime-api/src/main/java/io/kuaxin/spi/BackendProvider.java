package io.kuaxin.spi;

import java.util.List;

/**
 * Entry point of a backend, found through {@link java.util.ServiceLoader}. One instance per backend per
 * {@link io.kuaxin.Kuaxin} runtime.
 *
 * <p>Lifecycle: {@link #probe()} once, then {@link #open(int)} for each logical device ordinal the runtime needs,
 * then {@link #close()} when the runtime closes. Calls come from one thread at a time.
 */
public interface BackendProvider extends AutoCloseable {
    /** The SPI version this runtime implements; providers built against another are rejected with both numbers. */
    int SPI_VERSION = 1;

    /** Canonical backend name used in device specs, e.g. {@code ascend}, {@code mlu}, {@code cpu}. */
    String name();

    /** Other names accepted in device specs, e.g. {@code npu} for Ascend. */
    default List<String> aliases() { return List.of(); }

    /** The vendor, for reports, e.g. {@code Huawei}. */
    String vendor();

    /** The SPI version this provider was built against. */
    default int spiVersion() { return SPI_VERSION; }

    /**
     * The environment variable the vendor runtime uses to hide or reorder devices, such as
     * {@code ASCEND_RT_VISIBLE_DEVICES}, or {@code null} if it has none. Kuaxin validates it and reports the
     * logical-to-physical mapping; the vendor runtime applies it.
     */
    default String visibleDevicesVariable() { return null; }

    /**
     * Finds the vendor library, binds its symbols and counts devices.
     *
     * <p>Never throws: every failure becomes an unavailable {@link Availability} whose reason says what was looked
     * for and where.
     */
    Availability probe();

    /**
     * Opens a device.
     *
     * @param ordinal logical ordinal, {@code 0 <= ordinal < probe().deviceCount()}
     * @return the device; the runtime closes it before closing this provider
     * @throws io.kuaxin.VendorException if the vendor runtime fails to initialise the device
     */
    DeviceBackend open(int ordinal);

    /** Releases what {@link #probe()} acquired (library handles, runtime init). Idempotent. */
    @Override
    default void close() {}
}
