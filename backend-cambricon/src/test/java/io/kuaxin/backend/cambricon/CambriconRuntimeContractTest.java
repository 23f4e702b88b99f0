package io.kuaxin.backend.cambricon;

import io.kuaxin.conformance.EmulatedRuntime;
import io.kuaxin.conformance.RuntimeContract;
import io.kuaxin.conformance.RuntimeFixture;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The runtime contract on the CNRT emulator's two MLU devices. */
class CambriconRuntimeContractTest extends RuntimeContract {
    /** cnrtErrorSys for a failed cnrtMalloc, cnrtErrorNoMem for out of memory; every MLU has 8 clusters. */
    private static final EmulatedRuntime.Vendor CNRT = new EmulatedRuntime.Vendor("mlu", 2, CambriconProvider::new,
            new RuntimeFixture.Fault("cnrtMalloc", 100007, ""), 100100, Map.of("cambricon:1", "mlu:1"),
            d -> assertEquals("8", d.info().properties().get("clusters"), d.info()::toString));

    @Override
    protected RuntimeFixture fixture() { return new EmulatedRuntime(Emulator.CONTROL, 4L << 30, CNRT); }
}
