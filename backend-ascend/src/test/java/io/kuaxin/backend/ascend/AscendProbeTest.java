package io.kuaxin.backend.ascend;

import io.kuaxin.conformance.ProbeContract;

import java.util.List;

/** Discovery of libascendcl: the emulator, and the reasons it cannot be used. */
class AscendProbeTest extends ProbeContract {
    AscendProbeTest() {
        super(AscendProvider::new, new Library("libascendcl.so", "ASCEND_HOME_PATH", Emulator.LIBRARY,
                Emulator.DIR.resolve("libkuaxin-emu-cambricon.so"), List.of("aclInit", "aclnnMatmulGetWorkspaceSize")));
    }
}
