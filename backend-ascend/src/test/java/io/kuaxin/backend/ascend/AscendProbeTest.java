package io.kuaxin.backend.ascend;

import io.kuaxin.conformance.ProbeContract;
import io.kuaxin.spi.BackendProvider;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Discovery of libascendcl: the emulator, and the reasons it cannot be used. */
class AscendProbeTest extends ProbeContract {
    @Override
    protected BackendProvider provider(Map<String, String> env) { return new AscendProvider(env); }

    @Override
    protected String libraryFile() { return "libascendcl.so"; }

    @Override
    protected String homeVariable() { return "ASCEND_HOME_PATH"; }

    @Override
    protected String emulatorFile() { return Emulator.LIBRARY.getFileName().toString(); }

    @Override
    protected Path foreignLibrary() { return Emulator.DIR.resolve("libkuaxin-emu-cambricon.so"); }

    @Override
    protected List<String> missingSymbols() { return List.of("aclInit", "aclnnMatmulGetWorkspaceSize"); }
}
