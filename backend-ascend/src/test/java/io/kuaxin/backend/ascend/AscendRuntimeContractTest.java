package io.kuaxin.backend.ascend;

import io.kuaxin.conformance.EmulatedRuntime;
import io.kuaxin.conformance.RuntimeContract;
import io.kuaxin.conformance.RuntimeFixture;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runtime contract on the AscendCL emulator's two 910B devices. */
class AscendRuntimeContractTest extends RuntimeContract {
    /** The vendor message is aclGetRecentErrMsg's text, relayed whole; ACL_ERROR_BAD_ALLOC (200000) is out of memory. */
    private static final EmulatedRuntime.Vendor ACL = new EmulatedRuntime.Vendor("ascend", 2, AscendProvider::new,
            new RuntimeFixture.Fault("aclrtMalloc", 500003, "aclrtMalloc failed, error code 500003: injected fault"),
            200000, Map.of("npu:1", "ascend:1"), d -> assertTrue(d.info().name().startsWith("Ascend910B"), d.info().name()));

    @Override
    protected RuntimeFixture fixture() { return new EmulatedRuntime(Emulator.CONTROL, 4L << 30, ACL); }
}
