package io.kuaxin.backend.cpu;

import io.kuaxin.conformance.BackendTestConfig;
import io.kuaxin.conformance.ConformanceSuite;

/**
 * The conformance suite on {@code cpu:0}. Runs twice in the build: with the kernels chosen at start-up (Vector API
 * where available) and, in the {@code scalar-kernels} surefire execution, with {@code -Dkuaxin.cpu.scalar=true};
 * the reports are {@code target/conformance/cpu.json} and {@code cpu-scalar.json}.
 */
class CpuConformanceTest extends ConformanceSuite {
    @Override
    protected BackendTestConfig config() {
        return BackendTestConfig.forDevice("cpu").name(System.getProperty("conformance.reportName", "cpu"));
    }
}
