package io.kuaxin.spi.ffm;

import io.kuaxin.DeviceOutOfMemoryException;
import io.kuaxin.VendorException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The out-parameter and cleanup helpers of {@link Native}, on libc's own out-pointer calls and on fakes. */
class NativeTest {
    private static final int ENOMEM = 12;
    private final VendorErrors errors = new VendorErrors("acme", c -> c == ENOMEM, c -> "text of " + c);

    private static final Linker LINKER = Linker.nativeLinker();
    /** {@code int posix_memalign(void **out, size_t alignment, size_t size)}: a real out-pointer status call. */
    private static final MethodHandle POSIX_MEMALIGN = LINKER.downcallHandle(
            LINKER.defaultLookup().find("posix_memalign").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));

    @Test
    void outAddressReturnsWhatARealDowncallWroteThroughItsOutPointer() throws Throwable {
        long p = Native.outAddress(out -> (int) POSIX_MEMALIGN.invokeExact(out, 64L, 256L),
                errors.checking("posix_memalign"));
        try {
            assertNotEquals(0, p);
            assertEquals(0, p % 64, "posix_memalign's alignment");
            MemorySegment block = Native.ptr(p).reinterpret(256);
            block.fill((byte) 7); // the block is usable memory of the requested size
            assertEquals(7, block.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 255));
        } finally {
            FREE.invokeExact(Native.ptr(p));
        }
    }

    @Test
    void aFailedRealDowncallGoesThroughTheVendorMapping() {
        // an alignment that is not a power of two: posix_memalign answers EINVAL (22) and writes nothing
        VendorException e = assertThrows(VendorException.class, () -> Native.outAddress(
                out -> (int) POSIX_MEMALIGN.invokeExact(out, 3L, 256L), errors.checking("posix_memalign")));
        assertEquals(22L, e.code());
        assertTrue(e.getMessage().contains("posix_memalign") && e.getMessage().contains("text of 22"), e::getMessage);
        DeviceOutOfMemoryException oom = assertThrows(DeviceOutOfMemoryException.class, () -> Native.outAddress(
                out -> ENOMEM, rc -> errors.checkAlloc(rc, "acmeMalloc", "acme:0", 1 << 20, () -> 5)));
        assertEquals(1L << 20, oom.requestedBytes());
        assertEquals(5L, oom.freeBytes());
    }

    @Test
    void outPointerIntFloatAndLongsReadWhatTheCallWrote() {
        assertEquals(0x1234_5678L, Native.outPointer(out -> {
            out.set(ADDRESS, 0, MemorySegment.ofAddress(0x1234_5678L));
            return 0;
        }, errors.checking("acmeStreamCreate")).address());
        assertEquals(-3, Native.outInt(out -> {
            out.set(JAVA_INT, 0, -3);
            return 0;
        }, errors.checking("acmeEventQuery")));
        assertEquals(2.5f, Native.outFloat(out -> {
            out.set(JAVA_FLOAT, 0, 2.5f);
            return 0;
        }, errors.checking("acmeEventElapsedTime")));
        assertArrayEquals(new long[] {11, 1L << 40}, Native.outLongs(2, out -> {
            MemorySegment free = out, total = out.asSlice(8);
            free.set(JAVA_LONG, 0, 11);
            total.set(JAVA_LONG, 0, 1L << 40);
            return 0;
        }, errors.checking("acmeMemGetInfo")));
    }

    @Test
    void theOutParameterStartsZeroedSoACallThatWritesNothingReadsZero() {
        assertEquals(0L, Native.outAddress(out -> 0, errors.checking("f")));
        assertArrayEquals(new long[3], Native.outLongs(3, out -> {
            assertEquals(24, out.byteSize());
            return 0;
        }, errors.checking("f")));
    }

    @Test
    void whatTheCallThrowsComesOutUnchecked() {
        IllegalArgumentException iae = new IllegalArgumentException("bad");
        assertSame(iae, assertThrows(IllegalArgumentException.class,
                () -> Native.outAddress(out -> { throw iae; }, errors.checking("f"))));
        Exception linkage = new Exception("linkage");
        assertSame(linkage, assertThrows(IllegalStateException.class,
                () -> Native.outInt(out -> { throw linkage; }, errors.checking("f"))).getCause());
        assertThrows(VendorException.class, () -> Native.call(() -> 9, errors.checking("acmeFree")));
    }

    @Test
    void callHandsEveryStatusIncludingSuccessToTheCheck() {
        List<Integer> seen = new ArrayList<>();
        Native.call(() -> 0, seen::add);
        Native.outInt(out -> 0, seen::add);
        assertEquals(List.of(0, 0), seen);
    }

    @Test
    void checkOrReleaseReleasesOnlyOnFailureAndAfterTheErrorIsBuilt() {
        List<String> order = new ArrayList<>();
        Native.checkOrRelease(0, rc -> order.add("check " + rc), () -> order.add("cleanup"));
        assertEquals(List.of("check 0"), order);

        order.clear();
        VendorErrors recent = new VendorErrors("acme", c -> false, c -> {
            order.add("message");
            return "recent";
        });
        VendorException e = assertThrows(VendorException.class,
                () -> Native.checkOrRelease(5, recent.checking("acmeEventRecord"), () -> order.add("cleanup")));
        assertEquals(List.of("message", "cleanup"), order, "the vendor text is read before the cleanup call");
        assertTrue(e.getMessage().contains("recent"));
    }

    @Test
    void aFailingCleanupDoesNotHideTheStepsError() {
        VendorException e = assertThrows(VendorException.class, () -> Native.checkOrRelease(7,
                errors.checking("acmeSetQueue"), () -> { throw new Exception("destroy failed too"); }));
        assertEquals(7L, e.code());
    }

    @Test
    void orElseGivesTheReadingOrTheFallbackWhenTheReadingFails() {
        assertEquals(42L, Native.orElse(() -> 42, -1));
        assertEquals(-1L, Native.orElse(() -> { throw new VendorException("acme", "acmeMemGetInfo", 3, ""); }, -1));
        assertThrows(AssertionError.class, () -> Native.orElse(() -> { throw new AssertionError(); }, -1),
                "an Error is not a failed reading");
    }
}
