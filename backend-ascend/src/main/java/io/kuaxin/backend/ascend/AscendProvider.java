package io.kuaxin.backend.ascend;

import io.kuaxin.BackendUnavailableException;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;

import java.util.List;

/** The Huawei backend. */
public final class AscendProvider implements BackendProvider {
    @Override
    public String name() { return "ascend"; }

    @Override
    public List<String> aliases() { return List.of("npu"); }

    @Override
    public String vendor() { return "Huawei"; }

    @Override
    public String visibleDevicesVariable() { return "ASCEND_RT_VISIBLE_DEVICES"; }

    @Override
    public Availability probe() { return Availability.notImplemented(); }

    @Override
    public DeviceBackend open(int ordinal) {
        throw new BackendUnavailableException(name(), name() + ": not implemented yet");
    }
}
