package io.kuaxin;

import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class DiscoveryTest {
    private static Kuaxin open(Map<String, String> env, BackendProvider... providers) {
        return Kuaxin.open(Kuaxin.Options.defaults().withEnv(env).withProviders(List.of(providers)));
    }

    @Test
    void aThrowingProbeBecomesAnUnavailableBackendWithTheReason() {
        FakeBackend bad = new FakeBackend("bad", 1, 1, null, () -> {
            throw new IllegalStateException("boom");
        });
        try (Kuaxin kx = open(Map.of(), bad, new FakeBackend("good", 1, 1, null))) {
            BackendStatus st = kx.backends().getFirst();
            assertFalse(st.available());
            assertTrue(st.reason().contains("boom"), st.reason());
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> kx.device("bad"));
            assertTrue(e.getMessage().contains("boom"), e.getMessage());
            assertEquals("good:0", kx.device("bad:*,good").id());
        }
    }

    @Test
    void spiVersionMismatchIsRejectedWithBothNumbers() {
        FakeBackend old = new FakeBackend("old", 1, 1, null) {
            @Override
            public int spiVersion() { return 0; }
        };
        try (Kuaxin kx = open(Map.of(), old)) {
            String reason = kx.backends().getFirst().reason();
            assertTrue(reason.contains("SPI version 0") && reason.contains(Integer.toString(BackendProvider.SPI_VERSION)),
                    reason);
        }
    }

    @Test
    void malformedOrDroppedVisibleDevicesMakeTheBackendUnavailableWithTheVariableNamed() {
        try (Kuaxin kx = open(Map.of("NPU_VIS", "0,x"), new FakeBackend("npu", 100, 2, "NPU_VIS"))) {
            BackendStatus st = kx.backends().getFirst();
            assertFalse(st.available());
            assertTrue(st.reason().startsWith("NPU_VIS='0,x'"), st.reason());
        }
        // the runtime reports 2 devices, the variable lists 3: one id was out of range
        try (Kuaxin kx = open(Map.of("NPU_VIS", "0,1,9"), new FakeBackend("npu", 100, 2, "NPU_VIS"))) {
            var e = assertThrows(BackendUnavailableException.class, () -> kx.device("npu:0"));
            assertTrue(e.getMessage().contains("lists 3 devices but the runtime sees only 2"), e.getMessage());
        }
        try (Kuaxin kx = open(Map.of("NPU_VIS", "3,1"), new FakeBackend("npu", 100, 2, "NPU_VIS"))) {
            BackendStatus st = kx.backends().getFirst();
            assertTrue(st.available());
            assertEquals("1", st.visible().physicalId(1));
        }
    }

    @Test
    void selectionBySpecAliasOrdinalAndPreference() {
        FakeBackend acc = new FakeBackend("acc", Availability.SCORE_ACCELERATOR, 2, null);
        FakeBackend cpu = new FakeBackend("cpu", Availability.SCORE_CPU, 1, null);
        try (Kuaxin kx = open(Map.of(), cpu, acc)) {
            assertEquals("acc:0", kx.best().id());
            assertEquals("acc:1", kx.device("acc-alias:1").id());
            assertSame(kx.device("acc:1"), kx.device("acc:1"));
            var e = assertThrows(InvalidArgumentException.class, () -> kx.device("acc:2"));
            assertTrue(e.getMessage().contains("has 2 device(s)"), e.getMessage());
            var u = assertThrows(InvalidArgumentException.class, () -> kx.device("nope:0"));
            assertTrue(u.getMessage().contains("unknown backend 'nope'"), u.getMessage());
            assertEquals("cpu:0", kx.device("acc:5,cpu").id());
            assertEquals(3, kx.devices().size());
        }
        try (Kuaxin kx = open(Map.of(Kuaxin.DEVICES_VARIABLE, "cpu"), cpu, acc)) {
            assertEquals("cpu:0", kx.best().id());
        }
    }

    @Test
    void closedRuntimeAndDevicesRefuseUse() {
        FakeBackend b = new FakeBackend("fake", 1, 1, null);
        Kuaxin kx = open(Map.of(), b);
        Device d = kx.device("fake");
        Tensor t = d.empty(DType.F32, Shape.of(4));
        kx.close();
        assertThrows(ClosedResourceException.class, () -> kx.device("fake"));
        assertThrows(ClosedResourceException.class, () -> d.empty(DType.F32, Shape.of(1)));
        assertThrows(ClosedResourceException.class, t::toFloatArray);
        assertThrows(ClosedResourceException.class, kx::close);
    }
}
