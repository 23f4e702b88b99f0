package io.kuaxin.backend.cambricon;

import io.kuaxin.conformance.ProbeContract;
import io.kuaxin.spi.BackendProvider;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Discovery of libcnrt: the emulator, and the reasons it cannot be used. */
class CambriconProbeTest extends ProbeContract {
    @Override
    protected BackendProvider provider(Map<String, String> env) { return new CambriconProvider(env); }

    @Override
    protected String libraryFile() { return "libcnrt.so"; }

    @Override
    protected String homeVariable() { return "NEUWARE_HOME"; }

    @Override
    protected String emulatorFile() { return Emulator.LIBRARY.getFileName().toString(); }

    @Override
    protected Path foreignLibrary() { return Emulator.DIR.resolve("libkuaxin-emu-ascend.so"); }

    @Override
    protected List<String> missingSymbols() { return List.of("cnrtGetErrorStr", "cnnlMatMul_v2"); }

    @Test
    void theBackendIsMluAndHonoursMluVisibleDevices() {
        CambriconProvider p = new CambriconProvider(Map.of());
        assertEquals("mlu", p.name());
        assertEquals("MLU_VISIBLE_DEVICES", p.visibleDevicesVariable());
    }
}
