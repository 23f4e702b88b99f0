package io.kuaxin.backend.cpu;

import io.kuaxin.BackendUnavailableException;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;
import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement of ops a device refuses: consecutive fallback ops run as one group on the fallback device (one transfer
 * in, one out), a given output is copied back on the caller's stream, and the fallback device is configurable.
 */
class FallbackPlacementTest {
    /** Counts the copies into and out of the device on one stream. */
    static final class Counting implements StreamBackend {
        final StreamBackend s;
        final AtomicInteger in = new AtomicInteger(), out = new AtomicInteger();
        Counting(StreamBackend s) { this.s = s; }
        @Override public void copyHostToDevice(MemorySegment src, long dst, long bytes) {
            in.incrementAndGet();
            s.copyHostToDevice(src, dst, bytes);
        }
        @Override public void copyDeviceToHost(long src, MemorySegment dst, long bytes) {
            out.incrementAndGet();
            s.copyDeviceToHost(src, dst, bytes);
        }
        @Override public void copyDeviceToDevice(long src, long dst, long bytes) { s.copyDeviceToDevice(src, dst, bytes); }
        @Override public void fill(long dst, long bytes, byte value) { s.fill(dst, bytes, value); }
        @Override public String execute(KernelCall call) { return s.execute(call); }
        @Override public EventBackend recordEvent() { return s.recordEvent(); }
        @Override public void waitEvent(EventBackend event) { s.waitEvent(event); }
        @Override public void synchronize() { s.synchronize(); }
        @Override public void close() { s.close(); }
    }

    /** cpu:0 memory and kernels, but refusing exp, silu and softmax; its streams count their copies. */
    static final class Refusing extends ForwardingCpuDevice {
        final Counting defaultStream;
        volatile Counting lastCreated;
        Refusing(CpuDevice d) {
            super("refusing", d);
            this.defaultStream = new Counting(d.defaultStream());
        }
        @Override public StreamBackend defaultStream() { return defaultStream; }
        @Override public StreamBackend createStream() { return lastCreated = new Counting(d.createStream()); }
        @Override public String unsupportedReason(Op op, OpAttributes attrs, List<DType> dtypes) {
            return switch (op) {
                case EXP, SILU, SOFTMAX -> "refused by this test backend";
                default -> super.unsupportedReason(op, attrs, dtypes);
            };
        }
    }

    static final class RefusingProvider implements BackendProvider {
        volatile Refusing opened;
        @Override public String name() { return "refusing"; }
        @Override public String vendor() { return "test"; }
        @Override public Availability probe() { return Availability.available(1, 1, "test", List.of()); }
        @Override public DeviceBackend open(int ordinal) { return opened = new Refusing(new CpuDevice(ordinal)); }
    }

    private static Kuaxin open(RefusingProvider p, String fallbackDevice) {
        return Kuaxin.open(Kuaxin.Options.defaults().withEnv(Map.of())
                .withProviders(List.of(new CpuProvider(), p))
                .withFallbackPolicy(FallbackPolicy.ALLOW).withFallbackDevice(fallbackDevice));
    }

    private static final float[] X = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f};

    /** The same chain, every op on cpu:0: the independent result. */
    private static float[] onCpu(Kuaxin kx) {
        try (Scope s = kx.device("cpu").scope()) {
            Tensor x = s.copyOf(X, Shape.of(2, 3));
            return Ops.softmax(Ops.silu(Ops.exp(x))).toFloatArray();
        }
    }

    @Test
    void consecutiveFallbackOpsPayOneTransferInAndOneOut() {
        RefusingProvider p = new RefusingProvider();
        try (Kuaxin kx = open(p, "cpu")) {
            float[] expected = onCpu(kx);
            Device dev = kx.device("refusing");
            try (Scope s = dev.scope()) {
                Tensor x = s.copyOf(X, Shape.of(2, 3));
                Counting st = p.opened.defaultStream;
                int in0 = st.in.get(), out0 = st.out.get();
                Tensor y = Ops.softmax(Ops.silu(Ops.exp(x)));
                assertEquals("cpu:0", y.provenance().device());
                assertTrue(y.provenance().fallback());
                assertEquals(1, st.out.get() - out0, "x goes to the fallback once");
                assertEquals(0, st.in.get() - in0, "nothing comes back before it is needed");
                float[] got = y.toFloatArray();
                assertEquals(1, st.in.get() - in0, "the group's result comes back once");
                assertArrayEquals(expected, got, 0f);
                // A supported op on the device reads an intermediate: it comes back then, on the device.
                Tensor z = Ops.add(y, y);
                assertEquals("refusing:0", z.provenance().device());
                float[] twice = z.toFloatArray();
                for (int i = 0; i < got.length; i++) assertEquals(2 * got[i], twice[i], 0f);
            }
        }
    }

    @Test
    void aGivenOutputIsCopiedBackOnTheCallersStream() {
        RefusingProvider p = new RefusingProvider();
        try (Kuaxin kx = open(p, "cpu:0")) {
            Device dev = kx.device("refusing");
            try (Scope s = dev.scope(); Stream mine = dev.newStream()) {
                Tensor x = s.copyOf(X, Shape.of(2, 3));
                Tensor out = s.zeros(DType.F32, Shape.of(2, 3));
                dev.synchronize();
                Counting def = p.opened.defaultStream, created = p.opened.lastCreated;
                int defIn = def.in.get();
                Ops.on(mine).exp(x, out);
                assertEquals(1, created.in.get(), "copied back on the caller's stream");
                assertEquals(defIn, def.in.get(), "not on the device's default stream");
                float[] got = out.toFloatArray();
                for (int i = 0; i < X.length; i++) assertEquals((float) Math.exp(X[i]), got[i], 1e-6f * got[i]);
            }
        }
    }

    @Test
    void theFallbackDeviceIsConfigurable() {
        RefusingProvider p = new RefusingProvider();
        try (Kuaxin kx = open(p, "refusing")) { // falling back to itself helps nothing
            try (Scope s = kx.device("refusing").scope()) {
                Tensor x = s.copyOf(X, Shape.of(2, 3));
                UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> Ops.exp(x));
                assertTrue(e.getMessage().contains("the fallback refusing:0 cannot run it either"), e.getMessage());
            }
        }
        try (Kuaxin kx = open(new RefusingProvider(), "nosuch")) {
            try (Scope s = kx.device("refusing").scope()) {
                Tensor x = s.copyOf(X, Shape.of(2, 3));
                BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Ops.exp(x));
                assertTrue(e.getMessage().contains("no fallback device nosuch"), e.getMessage());
            }
        }
        assertThrows(InvalidArgumentException.class, () -> Kuaxin.Options.defaults().withFallbackDevice(" "));
    }
}
