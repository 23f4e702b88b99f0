package io.kuaxin.spi.ffm;

import io.kuaxin.DeviceOutOfMemoryException;
import io.kuaxin.VendorException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VendorErrorsTest {
    private final VendorErrors errors = new VendorErrors("acme", c -> c == 200000 || c == 207001,
            c -> c == 13 ? null : c == 14 ? fail() : "text of " + c);

    private static String fail() { throw new IllegalStateException("no error string"); }

    @Test
    void successPasses() {
        assertDoesNotThrow(() -> errors.check(0, "acmeMalloc"));
        assertDoesNotThrow(() -> errors.checkAlloc(0, "acmeMalloc", "acme:0", 1, () -> { throw new AssertionError(); }));
    }

    @Test
    void aVendorCodeNamesBackendCallCodeAndVendorText() {
        VendorException e = assertThrows(VendorException.class, () -> errors.check(507, "acmeStreamSync"));
        assertTrue(e.getMessage().contains("acme") && e.getMessage().contains("acmeStreamSync")
                && e.getMessage().contains("507") && e.getMessage().contains("text of 507"), e::getMessage);
    }

    @Test
    void missingOrFailingVendorTextStillReportsTheCode() {
        VendorException a = assertThrows(VendorException.class, () -> errors.check(13, "f"));
        VendorException b = assertThrows(VendorException.class, () -> errors.check(14, "g"));
        assertTrue(a.getMessage().contains("13") && b.getMessage().contains("14"));
        assertEquals("", errors.message(14));
    }

    @Test
    void outOfMemoryCodesBecomeOutOfMemoryWithTheRequestAndFreeBytes() {
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                () -> errors.checkAlloc(207001, "acmeMalloc", "acme:1", 4096, () -> 1024));
        assertEquals("acme:1", e.device());
        assertEquals(4096, e.requestedBytes());
        assertEquals(1024, e.freeBytes());
        assertTrue(e.getMessage().contains("acmeMalloc returned 207001: text of 207001"), e::getMessage);

        DeviceOutOfMemoryException u = assertThrows(DeviceOutOfMemoryException.class, () -> errors.check(200000, "x"));
        assertEquals("acme", u.device());
        assertEquals(-1, u.freeBytes(), "sizes unknown outside an allocation");
        assertTrue(errors.isOutOfMemory(200000));
        assertFalse(errors.isOutOfMemory(1));
    }

    @Test
    void freeBytesAreReadOnlyForOutOfMemory() {
        assertThrows(VendorException.class, () -> errors.checkAlloc(1, "acmeMalloc", "acme:0", 8,
                () -> { throw new AssertionError("free memory read for a non-memory error"); }));
    }
}
