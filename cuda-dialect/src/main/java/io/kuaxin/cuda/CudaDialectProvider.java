package io.kuaxin.cuda;

import io.kuaxin.BackendUnavailableException;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;

import java.util.List;

/** The shared provider of every CUDA-dialect backend, parameterised by its {@link Dialect}. */
public abstract class CudaDialectProvider implements BackendProvider {
    private final Dialect dialect;

    protected CudaDialectProvider(Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public final String name() { return dialect.name(); }

    @Override
    public final List<String> aliases() { return dialect.aliases(); }

    @Override
    public final String vendor() { return dialect.vendor(); }

    @Override
    public final String visibleDevicesVariable() { return dialect.visibleDevicesVariable(); }

    @Override
    public Availability probe() { return Availability.notImplemented(); }

    @Override
    public DeviceBackend open(int ordinal) {
        throw new BackendUnavailableException(dialect.name(), dialect.name() + ": not implemented yet");
    }
}
