package io.kuaxin.backend.ascend;

import io.kuaxin.VendorException;
import io.kuaxin.spi.StreamBackend;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only AscendCL's runtime does; the runtime contract every backend keeps is {@link AscendRuntimeContractTest}. */
class AscendRuntimeTest {
    /** destMax is the host segment: asking for more than it holds is refused by ACL itself. */
    @Test
    void aCopyBeyondTheHostSegmentIsRefusedByAcl() {
        try (AscendProvider p = new AscendProvider(); var dev = p.open(0); Arena arena = Arena.ofShared()) {
            StreamBackend st = dev.defaultStream();
            long d = dev.allocate(64);
            MemorySegment small = dev.allocateHost(64, arena).asSlice(0, 8);
            VendorException e = assertThrows(VendorException.class, () -> st.copyDeviceToHost(d, small, 64));
            assertEquals("aclrtMemcpyAsync", e.call());
            assertTrue(e.vendorMessage().contains("destMax"), e.vendorMessage());
            dev.free(d);
        }
    }
}
