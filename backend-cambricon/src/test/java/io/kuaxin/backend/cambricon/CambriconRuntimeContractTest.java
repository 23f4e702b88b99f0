package io.kuaxin.backend.cambricon;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.conformance.EmulatedRuntime;
import io.kuaxin.conformance.RuntimeContract;
import io.kuaxin.conformance.RuntimeFixture;
import io.kuaxin.spi.BackendProvider;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runtime contract on the CNRT emulator's two MLU devices. */
class CambriconRuntimeContractTest extends RuntimeContract {
    @Override
    protected RuntimeFixture fixture() { return new Fixture(); }

    private static final class Fixture extends EmulatedRuntime {
        Fixture() { super(Emulator.CONTROL, 4L << 30); }

        @Override
        public String backend() { return "mlu"; }

        @Override
        public int devices() { return 2; }

        @Override
        public Kuaxin.Options options(Map<String, String> env) {
            return Kuaxin.Options.defaults().withEnv(env).withProviders(List.of(new CambriconProvider(env)));
        }

        @Override
        public BackendProvider provider() { return new CambriconProvider(); }

        @Override
        public String allocationCall() { return "cnrtMalloc"; }

        @Override
        protected Fault allocationFault() { return new Fault("cnrtMalloc", 100007, ""); } // cnrtErrorSys

        @Override
        protected int outOfMemoryCode() { return 100100; } // cnrtErrorNoMem

        @Override
        public void checkDevice(Device d) {
            assertFalse(d.info().name().isEmpty());
            assertEquals("8", d.info().properties().get("clusters"));
            assertTrue(d.info().emulated());
            assertEquals(4L << 30, d.info().totalMemory());
        }

        @Override
        public Map<String, String> aliases() { return Map.of("cambricon:1", "mlu:1"); }
    }
}
