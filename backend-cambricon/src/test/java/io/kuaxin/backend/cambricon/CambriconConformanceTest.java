package io.kuaxin.backend.cambricon;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ConformanceSuite;

/** The conformance suite on {@code mlu:0} (the emulator in the build; a real MLU when Neuware is installed). */
class CambriconConformanceTest extends ConformanceSuite {
    @Override
    protected BackendTestConfig config() {
        return BackendTestConfig.forDevice("mlu:0");
    }
}
