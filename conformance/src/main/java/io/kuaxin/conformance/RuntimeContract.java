package io.kuaxin.conformance;

import io.kuaxin.BackendStatus;
import io.kuaxin.ClosedResourceException;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.DeviceOutOfMemoryException;
import io.kuaxin.Event;
import io.kuaxin.HostBuffer;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Matmul;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import io.kuaxin.VendorException;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.StreamBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The runtime contract every backend keeps, written once: devices, copies in every direction, streams and events,
 * typed out-of-memory and vendor faults that leave the device usable, nothing leaked, visible devices, and typed
 * misuse of closed objects. It needs only the public API, the SPI, and a {@link RuntimeFixture} the backend
 * supplies; a backend module runs it with one subclass:
 *
 * {@snippet :
 * class MluRuntimeContractTest extends RuntimeContract {
 *     protected RuntimeFixture fixture() { return new MluFixture(); }
 * }
 * }
 * A check that needs what only an emulator can do (cap memory, inject a fault, count live handles, slow a stream,
 * apply a visible-devices value) is skipped, with the reason, when the fixture cannot do it.
 */
public abstract class RuntimeContract {
    private static final long MiB = 1L << 20;
    private RuntimeFixture fx;

    /** A new fixture for the backend under test (one per test). */
    protected abstract RuntimeFixture fixture();

    @BeforeEach
    void armFixture() { fx = fixture(); }

    @AfterEach
    void resetFixture() {
        if (fx != null) fx.reset();
    }

    private Kuaxin open() { return open(Map.of()); }

    private Kuaxin open(Map<String, String> env) { return Kuaxin.open(fx.options(env)); }

    private String id(int ordinal) { return fx.backend() + ":" + ordinal; }

    private static DeviceBackend openDevice(BackendProvider p, int ordinal) {
        Availability a = p.probe();
        assertTrue(a.available(), () -> a.reason() + " " + a.details());
        return p.open(ordinal);
    }

    private static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i * 0.5f - 7;
        return x;
    }

    // ------------------------------------------------------------------ devices

    @Test
    void devicesHaveNamesAndMemory() {
        try (Kuaxin kx = open()) {
            List<Device> devs = kx.devices();
            assertEquals(fx.devices(), devs.size(), devs::toString);
            for (Device d : devs) {
                assertEquals(fx.backend(), d.info().backend());
                assertFalse(d.info().name().isBlank());
                assertTrue(d.info().totalMemory() > 0, d.info()::toString);
                assertTrue(d.freeMemory() > 0 && d.freeMemory() <= d.info().totalMemory(), d.info()::toString);
                fx.checkDevice(d);
            }
            fx.aliases().forEach((alias, want) -> assertEquals(want, kx.device(alias).id(), alias));
        }
    }

    // ------------------------------------------------------------------ copies

    @Test
    void copiesRoundTripInEveryDirection() {
        float[] x = ramp(1000);
        try (Kuaxin kx = open(); Scope s = kx.device(id(0)).scope()) {
            Tensor a = s.copyOf(x, Shape.of(10, 100));                       // host to device
            Tensor b = s.empty(DType.F32, Shape.of(10, 100));
            s.device().defaultStream().copy(a, b);                           // device to device, on a stream
            assertArrayEquals(x, b.toFloatArray());                          // device to host
            assertArrayEquals(x, a.to(s.device()).contiguous().toFloatArray());
            if (fx.devices() > 1) {                                          // across devices
                Tensor c = a.to(kx.device(id(1)));
                assertEquals(id(1), c.device().id());
                assertArrayEquals(x, c.toFloatArray());
                c.close();
            }
            float[] t = Ops.copy(a.transpose(0, 1)).toFloatArray();          // strided gather
            assertEquals(x[3 * 100 + 7], t[7 * 10 + 3]);
            float[] h = Ops.copy(s.copyOf(x, DType.F16, Shape.of(10, 100)).slice(1, 10, 20)).toFloatArray();
            assertEquals(HostReference.round(new float[] {x[5 * 100 + 12]}, DType.F16)[0], h[5 * 10 + 2]);
            assertArrayEquals(new float[7], s.zeros(DType.F32, Shape.of(7)).toFloatArray());   // memset
            try (Arena arena = Arena.ofConfined()) {                         // into a caller's host segment
                MemorySegment host = arena.allocate(4000);
                a.copyTo(host);
                assertEquals(x[999], host.getAtIndex(ValueLayout.JAVA_FLOAT, 999));
            }
        }
    }

    @Test
    void spiCopiesAndFillThroughPinnedMemory() {
        try (BackendProvider p = fx.provider(); DeviceBackend dev = openDevice(p, 0); Arena arena = Arena.ofShared()) {
            StreamBackend st = dev.defaultStream();
            long n = 4096;
            MemorySegment host = dev.allocateHost(n, arena);
            for (int i = 0; i < n; i++) host.set(ValueLayout.JAVA_BYTE, i, (byte) i);
            long d1 = dev.allocate(n), d2 = dev.allocate(n);
            st.copyHostToDevice(host, d1, n);
            st.copyDeviceToDevice(d1, d2, n);
            st.fill(d1, 16, (byte) 0x7f);
            MemorySegment back = dev.allocateHost(n, arena), back2 = dev.allocateHost(n, arena);
            st.copyDeviceToHost(d2, back, n);
            st.copyDeviceToHost(d1, back2, n);
            st.synchronize();
            assertEquals(-1, back.mismatch(host));
            for (int i = 0; i < 16; i++) assertEquals(0x7f, back2.get(ValueLayout.JAVA_BYTE, i));
            assertEquals((byte) 16, back2.get(ValueLayout.JAVA_BYTE, 16));
            dev.free(d1);
            dev.free(d2);
        }
    }

    @Test
    void asynchronousCopiesThroughHostBuffers() {
        float[] data = ramp(4096);
        try (Kuaxin kx = open()) {
            Device dev = kx.device(id(0));
            try (Stream s = dev.newStream(); Tensor t = dev.empty(DType.F32, Shape.of(data.length))) {
                HostBuffer in = dev.allocateHostBuffer(data.length * 4L);
                MemorySegment.copy(data, 0, in.segment(), ValueLayout.JAVA_FLOAT, 0, data.length);
                s.copyFromHost(in, t);
                in.close(); // the stream keeps it alive until the copy is done
                try (HostBuffer out = dev.allocateHostBuffer(data.length * 4L)) {
                    s.copyToHost(t, out);
                    try (Event done = s.record()) {
                        done.synchronize();
                    }
                    assertArrayEquals(data, out.segment().toArray(ValueLayout.JAVA_FLOAT));
                }
                assertThrows(ClosedResourceException.class, in::segment);
                HostBuffer small = dev.allocateHostBuffer(16);
                assertThrows(InvalidArgumentException.class, () -> s.copyToHost(t, small));
                small.close();
            }
        }
    }

    @Test
    void copiesBetweenTwoRuntimesStageThroughTheHost() {
        try (Kuaxin one = open(); Kuaxin two = open()) {
            Device a = one.device(id(0)), b = two.device(id(0));
            Tensor x = a.copyOf(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3));
            Tensor y = x.transpose(0, 1).to(b);
            assertSame(b, y.device());
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, y.toFloatArray());
            x.close();
            y.close();
        }
    }

    // ------------------------------------------------------------------ streams and events

    @Test
    void streamsKeepOrderAndEventsTime() {
        int n = 256;
        try (Kuaxin kx = open(); Scope s = kx.device(id(fx.devices() - 1)).scope()) {
            Device d = s.device();
            Stream one = d.newStream(), two = d.newStream();
            Tensor a = s.copyOf(ramp(n * n), Shape.of(n, n));
            Tensor c = s.empty(DType.F32, Shape.of(n, n));
            Event start = one.record();
            Tensor p = Ops.on(one).matmul(a, a);
            for (int i = 0; i < 4; i++) one.copy(p, c);                      // after the matmul, same stream
            Event end = one.record();
            two.waitFor(end);
            Tensor back = s.empty(DType.F32, Shape.of(n, n));
            two.copy(c, back);                                               // another stream, after the event
            two.synchronize();
            assertTrue(end.isComplete(), "the waiting stream finished before the event it waited for");
            float ms = end.elapsedMillis(start);
            assertTrue(ms >= 0 && ms < 10_000, "elapsed " + ms);
            assertArrayEquals(p.toFloatArray(), back.toFloatArray());
            start.close();
            end.close();
            one.close();
            two.close();
        }
    }

    @Test
    void aReaderOnAnotherStreamSeesTheWriteOnlyThroughTheEvent() {
        assumeTrue(fx.slowsStreams(), "the fixture cannot make a stream slow");
        try (BackendProvider p = fx.provider(); DeviceBackend dev = openDevice(p, 0)) {
            StreamOrdering.readerSeesTheWriteOnlyThroughTheEvent(dev, fx::slowNextTask);
        }
    }

    @Test
    void anyThreadMayAllocateAndCopy() throws Exception {
        try (BackendProvider p = fx.provider(); DeviceBackend dev = openDevice(p, 0)) {
            long addr = CompletableFuture.supplyAsync(() -> dev.allocate(256)).get();
            StreamBackend st = CompletableFuture.supplyAsync(dev::createStream).get();
            CompletableFuture.runAsync(() -> {
                st.fill(addr, 256, (byte) 1);
                EventBackend ev = st.recordEvent();
                ev.synchronize();
                assertTrue(ev.isComplete());
                ev.close();
            }).get();
            st.close();
            dev.free(addr);
        }
    }

    @Test
    void manyThreadsTimesStreamsCopyingLoseNoData() throws Exception {
        try (Kuaxin kx = open()) {
            Device dev = kx.device(id(0));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                fs.add(pool.submit(() -> {
                    try (Stream s = dev.newStream()) {
                        for (int round = 0; round < 25; round++) {
                            float[] d = new float[1000 + seed * 13 + round];
                            for (int i = 0; i < d.length; i++) d[i] = seed * 1e6f + round * 1e3f + i;
                            Tensor src = dev.copyOf(d, Shape.of(d.length));
                            Tensor mid = dev.empty(DType.F32, src.shape());
                            Tensor dst = dev.empty(DType.F32, src.shape());
                            s.copy(src, mid);
                            dev.defaultStream().copy(mid, dst); // a cross-stream read waits for s's write
                            src.close();
                            mid.close();
                            assertArrayEquals(d, dst.toFloatArray());
                            dst.close();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            pool.shutdown();
            dev.synchronize();
            assertEquals(0, dev.memoryStats().allocatedBytes(), dev.memoryStats()::toString);
        }
    }

    // ------------------------------------------------------------------ closing

    @Test
    void misuseOfClosedStreamsAndEventsIsTyped() {
        try (Kuaxin kx = open()) {
            Device dev = kx.device(id(0));
            assertThrows(InvalidArgumentException.class, () -> dev.defaultStream().close());
            Stream s = dev.newStream();
            Event e = s.record();
            s.close();
            assertThrows(ClosedResourceException.class, s::synchronize);
            assertThrows(ClosedResourceException.class, s::close);
            e.synchronize();
            assertTrue(e.isComplete());
            e.close();
            assertThrows(ClosedResourceException.class, e::close);
            assertFalse(s.toString().isEmpty());
        }
    }

    @Test
    void nothingLeaks() {
        OptionalLong allocs0 = fx.liveAllocations(), handles0 = fx.liveHandles();
        assumeTrue(allocs0.isPresent() && handles0.isPresent(), "the fixture cannot count live native objects");
        try (Kuaxin kx = open()) { // warm up the emulator's own lazily created state
            kx.devices();
        }
        long allocs = fx.liveAllocations().getAsLong(), handles = fx.liveHandles().getAsLong();
        try (Kuaxin kx = open(); Scope s = kx.device(id(0)).scope()) {
            Stream st = s.device().newStream();
            Tensor a = s.copyOf(ramp(64), Shape.of(8, 8));
            Tensor bias = s.copyOf(ramp(8), Shape.of(8));
            Tensor r = Ops.on(st).matmul(a.slice(1, 0, 4).transpose(0, 1).contiguous().transpose(0, 1),
                    a.slice(0, 0, 4), Matmul.options().bias(bias));
            try (Event e = st.record()) {
                e.synchronize();
            }
            assertEquals(8 * 8, r.numel());
            st.close();
            assertTrue(fx.liveAllocations().getAsLong() > allocs, "the scope's tensors are not counted as live");
        }
        assertEquals(allocs, fx.liveAllocations().getAsLong(), "device/pinned allocations after close");
        assertEquals(handles, fx.liveHandles().getAsLong(), "streams/events/library handles after close");
        try (Kuaxin kx = open(); Scope s = kx.device(id(0)).scope()) { // and it still works
            assertArrayEquals(new float[] {3}, s.copyOf(new float[] {3}, Shape.of(1)).toFloatArray());
        }
    }

    /**
     * A stream and an event left open are released by closing the runtime, and so is the allocator's cache. (Tensors
     * left open are freed when their last reference goes, so this test closes them.)
     */
    @Test
    void closingTheRuntimeReleasesStreamsAndEventsLeftOpen() {
        assumeTrue(fx.liveAllocations().isPresent() && fx.liveHandles().isPresent(),
                "the fixture cannot count live native objects");
        try (Kuaxin kx = open()) {
            kx.devices();
        }
        long allocs = fx.liveAllocations().getAsLong(), handles = fx.liveHandles().getAsLong();
        Kuaxin kx = open();
        Device dev = kx.device(id(0));
        Stream st = dev.newStream();
        Tensor t = dev.copyOf(ramp(4096), Shape.of(4096)), u = dev.empty(DType.F32, Shape.of(4096));
        st.copy(t, u);
        try (Event e = st.record()) {
            e.synchronize();
        }
        Event open = st.record(); // left open
        open.synchronize();
        t.close();
        u.close();
        assertTrue(fx.liveHandles().getAsLong() > handles, "the open stream is not counted as live");
        kx.close();
        assertEquals(allocs, fx.liveAllocations().getAsLong(), "device/pinned allocations after the runtime closed");
        assertEquals(handles, fx.liveHandles().getAsLong(), "streams/events/library handles after the runtime closed");
        assertThrows(ClosedResourceException.class, st::synchronize);
        assertThrows(ClosedResourceException.class, open::isComplete);
        assertThrows(ClosedResourceException.class, open::close); // released once, by the runtime
    }

    // ------------------------------------------------------------------ out of memory and faults

    @Test
    void outOfMemoryIsTypedAndTheDeviceStaysUsable() {
        long limit = 64 * MiB;
        assumeTrue(fx.limitMemory(0, limit), "the fixture cannot cap device memory");
        try (BackendProvider p = fx.provider(); DeviceBackend dev = openDevice(p, 0)) { // SPI: the exact request
            DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> dev.allocate(2 * limit));
            assertEquals(2 * limit, e.requestedBytes(), e::getMessage);
            assertTrue(e.freeBytes() >= 0 && e.freeBytes() <= limit, e::getMessage);
            assertTrue(e.getMessage().contains(fx.allocationCall()), e::getMessage);
            long ok = dev.allocate(4096);
            dev.free(ok);
        }
        try (Kuaxin kx = open(); Scope s = kx.device(id(0)).scope()) {   // the front door, with a tensor held
            Tensor held = s.empty(DType.F32, Shape.of(24 * MiB / 4));
            DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                    () -> s.empty(DType.F32, Shape.of(48 * MiB / 4)));
            assertEquals(id(0), e.device());
            assertTrue(e.requestedBytes() >= 48 * MiB, e::getMessage);
            assertTrue(e.freeBytes() >= 0 && e.freeBytes() <= limit, e::getMessage);
            held.close();
            s.empty(DType.F32, Shape.of(48 * MiB / 4)).close();              // fits once the held tensor is gone
            assertArrayEquals(new float[] {1, 2}, s.copyOf(new float[] {1, 2}, Shape.of(2)).toFloatArray());
        }
    }

    @Test
    void injectedFaultsNameTheCallCodeAndVendorMessage() {
        try (BackendProvider p = fx.provider(); DeviceBackend dev = openDevice(p, 0)) {
            var armed = fx.failNextAllocation(false);
            assumeTrue(armed.isPresent(), "the fixture cannot inject vendor faults");
            RuntimeFixture.Fault f = armed.get();
            VendorException e = assertThrows(VendorException.class, () -> dev.allocate(1024));
            assertEquals(fx.backend(), e.backend());
            assertEquals(f.call(), e.call());
            assertEquals(f.code(), e.code());
            assertFalse(e.vendorMessage().isBlank());
            assertTrue(e.vendorMessage().contains(f.messageContains()), e::vendorMessage);
            long ok = dev.allocate(1024);                                    // the fault fired once
            dev.free(ok);
            fx.failNextAllocation(true).orElseThrow();                       // the vendor's out-of-memory code
            assertThrows(DeviceOutOfMemoryException.class, () -> dev.allocate(1024));
            ok = dev.allocate(1024);
            dev.free(ok);
        }
        try (Kuaxin kx = open(); Scope s = kx.device(id(0)).scope()) {   // and through the front door
            RuntimeFixture.Fault f = fx.failNextAllocation(false).orElseThrow();
            VendorException e = assertThrows(VendorException.class, () -> s.empty(DType.F32, Shape.of(12345)));
            assertEquals(f.call(), e.call());
            assertEquals(f.code(), e.code());
            assertArrayEquals(new float[] {1, 2}, s.copyOf(new float[] {1, 2}, Shape.of(2)).toFloatArray());
        }
    }

    // ------------------------------------------------------------------ visible devices

    @Test
    void visibleDevicesAreHonouredAndValidated() {
        String var;
        try (BackendProvider p = fx.provider()) {
            var = p.visibleDevicesVariable();
        }
        assumeTrue(var != null, "the backend has no visible-devices variable");
        assumeTrue(fx.devices() > 1, "one device: nothing to hide");
        assumeTrue(fx.showOnly("1"), "the fixture cannot apply a visible-devices value");
        try (Kuaxin kx = open(Map.of(var, "1"))) {
            assertEquals(1, kx.devices().size(), kx.devices()::toString);
            Device d = kx.device(id(0));
            fx.checkPhysicalDevice(d, "1");
            assertArrayEquals(new float[] {5}, d.copyOf(new float[] {5}, Shape.of(1)).toFloatArray());
        }
        fx.showOnly("1,7");
        try (Kuaxin kx = open(Map.of(var, "1,7"))) {
            BackendStatus st = kx.backends().stream().filter(b -> b.name().equals(fx.backend())).findFirst()
                    .orElseThrow();
            assertFalse(st.available(), st::toString);
            assertTrue(st.reason().contains(var), st.reason());
        }
    }
}
