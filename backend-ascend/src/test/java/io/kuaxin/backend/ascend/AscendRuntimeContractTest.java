package io.kuaxin.backend.ascend;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.conformance.EmulatedRuntime;
import io.kuaxin.conformance.RuntimeContract;
import io.kuaxin.conformance.RuntimeFixture;
import io.kuaxin.spi.BackendProvider;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runtime contract on the AscendCL emulator's two 910B devices. */
class AscendRuntimeContractTest extends RuntimeContract {
    @Override
    protected RuntimeFixture fixture() { return new Fixture(); }

    private static final class Fixture extends EmulatedRuntime {
        Fixture() { super(Emulator.CONTROL, 4L << 30); }

        @Override
        public String backend() { return "ascend"; }

        @Override
        public int devices() { return 2; }

        @Override
        public Kuaxin.Options options(Map<String, String> env) {
            return Kuaxin.Options.defaults().withEnv(env).withProviders(List.of(new AscendProvider(env)));
        }

        @Override
        public BackendProvider provider() { return new AscendProvider(); }

        @Override
        public String allocationCall() { return "aclrtMalloc"; }

        @Override
        protected Fault allocationFault() { return new Fault("aclrtMalloc", 500003, "injected"); }

        @Override
        protected int outOfMemoryCode() { return 200000; } // ACL_ERROR_BAD_ALLOC

        @Override
        public void checkDevice(Device d) {
            assertTrue(d.info().name().startsWith("Ascend910B"), d.info().name());
            assertTrue(d.info().emulated());
            assertEquals(4L << 30, d.info().totalMemory());
        }

        @Override
        public Map<String, String> aliases() { return Map.of("npu:1", "ascend:1"); }
    }
}
