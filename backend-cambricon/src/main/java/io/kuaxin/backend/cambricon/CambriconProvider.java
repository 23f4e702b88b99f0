package io.kuaxin.backend.cambricon;

import io.kuaxin.BackendUnavailableException;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;

import java.util.List;

/** The Cambricon backend. */
public final class CambriconProvider implements BackendProvider {
    @Override
    public String name() { return "mlu"; }

    @Override
    public List<String> aliases() { return List.of("cambricon"); }

    @Override
    public String vendor() { return "Cambricon"; }

    @Override
    public String visibleDevicesVariable() { return "MLU_VISIBLE_DEVICES"; }

    @Override
    public Availability probe() { return Availability.notImplemented(); }

    @Override
    public DeviceBackend open(int ordinal) {
        throw new BackendUnavailableException(name(), name() + ": not implemented yet");
    }
}
