package io.kuaxin.backend.ascend;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.DeviceOutOfMemoryException;
import io.kuaxin.Event;
import io.kuaxin.Kuaxin;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import io.kuaxin.VendorException;
import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.StreamBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AscendRuntimeTest {
    static Kuaxin open() {
        return Kuaxin.open(Kuaxin.Options.defaults().withProviders(List.of(new AscendProvider())));
    }

    @AfterEach
    void clear() { Emulator.CONTROL.clearFaults(); }

    @Test
    void devicesHaveNamesAndMemory() {
        try (Kuaxin kx = open()) {
            List<Device> devs = kx.devices();
            assertEquals(2, devs.size());
            for (Device d : devs) {
                assertEquals("ascend", d.info().backend());
                assertTrue(d.info().name().startsWith("Ascend910B"), d.info().name());
                assertTrue(d.info().emulated());
                assertEquals(4L << 30, d.info().totalMemory());
                assertTrue(d.freeMemory() > 0 && d.freeMemory() <= d.info().totalMemory());
            }
            assertEquals("ascend:1", kx.device("npu:1").id());
        }
    }

    @Test
    void copiesRoundTripInEveryDirection() {
        try (Kuaxin kx = open(); Scope s = kx.device("ascend:0").scope()) {
            float[] data = new float[1000];
            for (int i = 0; i < data.length; i++) data[i] = i * 0.5f - 7;
            Tensor a = s.copyOf(data, Shape.of(10, 100));          // host -> device
            Tensor b = a.to(kx.device("ascend:0")).contiguous();     // device -> device (same device)
            Tensor c = a.to(kx.device("ascend:1"));                  // across devices (through the host)
            assertArrayEquals(data, a.toFloatArray());               // device -> host
            assertArrayEquals(data, b.toFloatArray());
            assertArrayEquals(data, c.toFloatArray());
            c.close();
        }
    }

    @Test
    void spiCopiesFillAndHostToHostThroughPinnedMemory() {
        try (AscendProvider p = new AscendProvider(); var dev = p.probe().available() ? p.open(0) : null;
             Arena arena = Arena.ofShared()) {
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
            // destMax is the host segment: asking for more than it holds is refused by ACL itself
            MemorySegment small = back.asSlice(0, 8);
            VendorException e = assertThrows(VendorException.class, () -> st.copyDeviceToHost(d2, small, 64));
            assertEquals("aclrtMemcpyAsync", e.call());
            assertTrue(e.vendorMessage().contains("destMax"), e.vendorMessage());
            dev.free(d1);
            dev.free(d2);
        }
    }

    @Test
    void eventsTimeAndOrderStreams() {
        try (Kuaxin kx = open(); Scope s = kx.device("ascend:0").scope()) {
            Device d = s.device();
            Stream other = d.newStream();
            Tensor x = s.copyOf(new float[1 << 16], Shape.of(1 << 16));
            Event start = d.defaultStream().record();
            for (int i = 0; i < 4; i++) d.defaultStream().copy(x, s.empty(DType.F32, Shape.of(1 << 16)));
            Event end = d.defaultStream().record();
            other.waitFor(end);
            end.synchronize();
            assertTrue(end.isComplete());
            float ms = end.elapsedMillis(start);
            assertTrue(ms >= 0 && ms < 10_000, "elapsed " + ms);
            other.synchronize();
            start.close();
            end.close();
            other.close();
        }
    }

    @Test
    void outOfMemoryIsTypedAndTheDeviceStaysUsable() {
        try (AscendProvider p = new AscendProvider()) {
            assertTrue(p.probe().available());
            try (var dev = p.open(1)) {
                Emulator.CONTROL.setMemoryLimit(1, 1 << 20);
                try {
                    DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                            () -> dev.allocate(2 << 20));
                    assertEquals(2 << 20, e.requestedBytes());
                    assertTrue(e.freeBytes() >= 0 && e.freeBytes() <= 1 << 20, "free " + e.freeBytes());
                    assertTrue(e.getMessage().contains("aclrtMalloc"), e.getMessage());
                    long ok = dev.allocate(4096);
                    dev.free(ok);
                } finally {
                    Emulator.CONTROL.setMemoryLimit(1, 4L << 30);
                }
            }
        }
    }

    @Test
    void injectedFaultNamesCallCodeAndMessageAndTheNextCallSucceeds() {
        try (AscendProvider p = new AscendProvider()) {
            assertTrue(p.probe().available());
            try (var dev = p.open(0)) {
                Emulator.CONTROL.injectFault("aclrtMalloc", 1, 500003);
                VendorException e = assertThrows(VendorException.class, () -> dev.allocate(1024));
                assertEquals("ascend", e.backend());
                assertEquals("aclrtMalloc", e.call());
                assertEquals(500003, e.code());
                assertTrue(e.vendorMessage().contains("aclrtMalloc") && e.vendorMessage().contains("injected"),
                        e.vendorMessage());
                long ok = dev.allocate(1024);
                dev.free(ok);
                Emulator.CONTROL.injectFault("aclrtMalloc", 1, 200000); // BAD_ALLOC is out of memory
                assertThrows(DeviceOutOfMemoryException.class, () -> dev.allocate(1024));
            }
        }
    }

    @Test
    void anyThreadMayAllocateAndCopy() throws Exception {
        try (AscendProvider p = new AscendProvider()) {
            assertTrue(p.probe().available());
            try (var dev = p.open(0)) {
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
    }

    @Test
    void telemetryReportsUtilisation() {
        try (AscendProvider p = new AscendProvider()) {
            assertTrue(p.probe().available());
            try (var dev = (AscendDevice) p.open(0)) {
                assertTrue(dev.telemetry.available());
                var u = dev.telemetry.utilization().orElseThrow();
                assertEquals(-1, u.aicpu());
                assertTrue(u.memory() >= 0 && u.memory() <= 100);
            }
        }
        try (Kuaxin kx = open()) { // and through the public Device
            var t = kx.device("ascend:0").telemetry();
            assertTrue(t.containsKey("utilization.memory"), t.toString());
        }
    }

    @Test
    void streamsAndEventsAreReleased() {
        long before = Emulator.CONTROL.liveHandles();
        try (Kuaxin kx = open(); Scope s = kx.device("ascend:0").scope()) {
            Stream st = s.device().newStream();
            Event e = st.record();
            e.synchronize();
            e.close();
            st.close();
            assertFalse(st.toString().isEmpty());
        }
        assertEquals(before, Emulator.CONTROL.liveHandles());
    }

    @Test
    void aReaderOnAnotherStreamSeesTheWriteOnlyThroughTheEvent() {
        try (AscendProvider p = new AscendProvider(); var dev = p.open(0)) {
            io.kuaxin.conformance.StreamOrdering.readerSeesTheWriteOnlyThroughTheEvent(dev,
                    writer -> Emulator.CONTROL.delayNextTasks(1, java.time.Duration.ofMillis(300)));
        } finally {
            Emulator.CONTROL.delayNextTasks(0, java.time.Duration.ZERO);
        }
    }
}
