package io.kuaxin.backend.cpu;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ReliabilitySuite;

/** Generated bad input on {@code cpu:0} (no vendor library, so no injected faults). */
class CpuReliabilityTest extends ReliabilitySuite {
    @Override
    protected BackendTestConfig config() { return BackendTestConfig.forDevice("cpu"); }
}
