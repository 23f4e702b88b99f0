package io.kuaxin.backend.cpu;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.OpContext;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Placement remembers a backend's "yes" per op, attributes and input dtypes: a remembered yes must never stand in
 * for a different call. The test backend is cpu:0 that refuses an add on F16 inputs and a layer norm with a beta
 * (an answer that depends on the attributes), and counts how often it is asked.
 */
class PlacementMemoryTest {
    static final class Picky extends ForwardingCpuDevice {
        final AtomicInteger asked = new AtomicInteger();

        Picky(CpuDevice d) { super("picky", d); }

        @Override public String unsupportedReason(Op op, OpAttributes attrs, List<DType> dtypes) {
            asked.incrementAndGet();
            if (op == Op.ADD && dtypes.contains(DType.F16)) return "no f16 add on this test backend";
            if (op == Op.LAYER_NORM && attrs instanceof NormAttrs n && n.hasBeta()) return "no beta on this test backend";
            return super.unsupportedReason(op, attrs, dtypes);
        }
    }

    static final class PickyProvider implements BackendProvider {
        volatile Picky opened;
        @Override public String name() { return "picky"; }
        @Override public String vendor() { return "test"; }
        @Override public Availability probe() { return Availability.available(1, 1, "test", List.of()); }
        @Override public DeviceBackend open(int ordinal) { return opened = new Picky(new CpuDevice(ordinal)); }
    }

    private static Kuaxin open(PickyProvider p) {
        return Kuaxin.open(Kuaxin.Options.defaults().withEnv(Map.of())
                .withProviders(List.of(new CpuProvider(), p)).withFallbackPolicy(FallbackPolicy.FAIL));
    }

    @Test
    void anAcceptedDtypeDoesNotStandInForARefusedOne() {
        PickyProvider p = new PickyProvider();
        try (Kuaxin kx = open(p); Scope s = kx.device("picky").scope()) {
            Tensor a = s.copyOf(new float[] {1, 2, 3}, Shape.of(3));
            Tensor h = s.copyOf(new float[] {1, 2, 3}, DType.F16, Shape.of(3));
            for (int round = 0; round < 3; round++) {
                assertEquals(List.of(2f, 4f, 6f), floats(Ops.add(a, a)));
                assertThrows(UnsupportedOpException.class, () -> Ops.add(h, h), "round " + round);
            }
        }
    }

    @Test
    void acceptedAttributesDoNotStandInForRefusedOnesEvenAfterEviction() {
        PickyProvider p = new PickyProvider();
        try (Kuaxin kx = open(p); Scope s = kx.device("picky").scope()) {
            Tensor x = s.copyOf(new float[] {1, 2, 3, 5}, Shape.of(1, 4));
            Tensor g = s.copyOf(new float[] {1, 1, 1, 1}, Shape.of(4));
            Tensor b = s.copyOf(new float[] {0, 0, 0, 0}, Shape.of(4));
            OpContext ops = Ops.withFallback(FallbackPolicy.FAIL);
            for (int round = 0; round < 3; round++) {
                for (int e = 0; e < 6; e++) { // more accepted attribute sets than are remembered per op
                    double eps = Math.pow(10, -3 - e);
                    Tensor y = ops.layerNorm(x, g, null, eps);
                    assertEquals(0.0, sum(floats(y)), 1e-5, "a layer norm's output sums to zero");
                    assertThrows(UnsupportedOpException.class, () -> ops.layerNorm(x, g, b, eps));
                }
            }
        }
    }

    @Test
    void aRepeatedCallIsPlacedWithoutAskingTheBackendAgainAndStillRuns() {
        PickyProvider p = new PickyProvider();
        try (Kuaxin kx = open(p)) {
            Device dev = kx.device("picky");
            try (Scope s = dev.scope()) {
                Tensor a = s.copyOf(new float[] {1, 2}, Shape.of(2));
                Ops.add(a, a);
                int asked = p.opened.asked.get();
                Tensor last = null;
                for (int i = 0; i < 10; i++) last = Ops.add(a, a);
                assertEquals(asked, p.opened.asked.get(), "the same op, attributes and dtypes: answered before");
                assertEquals(List.of(2f, 4f), floats(last));
                assertEquals("picky:0", last.provenance().device());
            }
        }
    }

    /**
     * A backend that says yes to an add and then finds, at its first launch, that it cannot run it (as a device
     * whose kernel module turns out stale on first use): from then on it refuses. The remembered yes must not outlive
     * that refusal, or the op would go home and fail on every call instead of falling back.
     */
    static final class StaleAtLaunch extends ForwardingCpuDevice {
        volatile String problem;
        volatile boolean breakAtNextAdd;
        private final StreamBackend stream;

        StaleAtLaunch(CpuDevice d) {
            super("stale", d);
            StreamBackend inner = d.defaultStream();
            stream = new StreamBackend() {
                @Override public void copyHostToDevice(java.lang.foreign.MemorySegment src, long dst, long bytes) { inner.copyHostToDevice(src, dst, bytes); }
                @Override public void copyDeviceToHost(long src, java.lang.foreign.MemorySegment dst, long bytes) { inner.copyDeviceToHost(src, dst, bytes); }
                @Override public void copyDeviceToDevice(long src, long dst, long bytes) { inner.copyDeviceToDevice(src, dst, bytes); }
                @Override public void fill(long dst, long bytes, byte value) { inner.fill(dst, bytes, value); }
                @Override public String execute(KernelCall call) {
                    if (call.op() == Op.ADD && breakAtNextAdd) {
                        breakAtNextAdd = false;
                        problem = "kernel module is stale";
                        throw new UnsupportedOpException("add", List.of(DType.F32), "stale:0", problem);
                    }
                    return inner.execute(call);
                }
                @Override public io.kuaxin.spi.EventBackend recordEvent() { return inner.recordEvent(); }
                @Override public void waitEvent(io.kuaxin.spi.EventBackend event) { inner.waitEvent(event); }
                @Override public void synchronize() { inner.synchronize(); }
                @Override public void enqueueHost(Runnable action) { inner.enqueueHost(action); }
                @Override public void close() { inner.close(); }
            };
        }

        @Override public StreamBackend defaultStream() { return stream; }

        @Override public String unsupportedReason(Op op, OpAttributes attrs, List<DType> dtypes) {
            String p = problem;
            return op == Op.ADD && p != null ? p : super.unsupportedReason(op, attrs, dtypes);
        }
    }

    @Test
    void aRefusalAtLaunchMakesPlacementAskAgainSoTheNextCallFallsBack() {
        StaleAtLaunch[] opened = new StaleAtLaunch[1];
        BackendProvider p = new BackendProvider() {
            @Override public String name() { return "stale"; }
            @Override public String vendor() { return "test"; }
            @Override public Availability probe() { return Availability.available(1, 1, "test", List.of()); }
            @Override public DeviceBackend open(int ordinal) { return opened[0] = new StaleAtLaunch(new CpuDevice(ordinal)); }
        };
        try (Kuaxin kx = Kuaxin.open(Kuaxin.Options.defaults().withEnv(Map.of())
                .withProviders(List.of(new CpuProvider(), p)).withFallbackPolicy(FallbackPolicy.ALLOW));
             Scope s = kx.device("stale").scope()) {
            Tensor a = s.copyOf(new float[] {1, 2}, Shape.of(2));
            assertEquals(List.of(2f, 4f), floats(Ops.add(a, a)), "accepted and run at home; remembered");
            opened[0].breakAtNextAdd = true;
            assertThrows(UnsupportedOpException.class, () -> Ops.add(a, a), "the launch finds the problem");
            Tensor y = Ops.add(a, a);
            assertEquals(List.of(2f, 4f), floats(y));
            assertEquals("cpu:0", y.provenance().device(), "asked again: refused, so it ran on the fallback device");
        }
    }

    private static List<Float> floats(Tensor t) {
        float[] v = t.toFloatArray();
        Float[] boxed = new Float[v.length];
        for (int i = 0; i < v.length; i++) boxed[i] = v[i];
        return List.of(boxed);
    }

    private static double sum(List<Float> v) {
        double s = 0;
        for (float f : v) s += f;
        return s;
    }
}
