package io.kuaxin.backend.cpu;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.Matmul;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Device#supportsOp} answers what the front door decides: a device whose matmul refuses fused epilogues
 * says no to a matmul with one, and the front door refuses that same matmul.
 */
class SupportsOpTest {
    /** cpu:0 that runs a plain matmul but refuses one with a fused epilogue (as some vendor libraries do). */
    static final class NoEpilogue extends ForwardingCpuDevice {
        NoEpilogue(CpuDevice d) { super("noepilogue", d); }

        @Override public String unsupportedReason(Op op, OpAttributes attrs, List<DType> dtypes) {
            if (attrs instanceof MatmulAttrs m && m.epilogue() != Epilogue.NONE) return "no fused epilogue here";
            return super.unsupportedReason(op, attrs, dtypes);
        }
    }

    static final class NoEpilogueProvider implements BackendProvider {
        @Override public String name() { return "noepilogue"; }
        @Override public String vendor() { return "test"; }
        @Override public Availability probe() { return Availability.available(1, 1, "test", List.of()); }
        @Override public DeviceBackend open(int ordinal) { return new NoEpilogue(new CpuDevice(ordinal)); }
    }

    private static Kuaxin open() {
        return Kuaxin.open(Kuaxin.Options.defaults().withEnv(Map.of())
                .withProviders(List.of(new CpuProvider(), new NoEpilogueProvider()))
                .withFallbackPolicy(FallbackPolicy.FAIL));
    }

    @Test
    void supportsOpSaysNoToAMatmulEpilogueTheFrontDoorRefuses() {
        try (Kuaxin kx = open(); Scope s = kx.device("noepilogue").scope()) {
            Device dev = kx.device("noepilogue");
            MatmulAttrs gelu = new MatmulAttrs(false, false, 1f, 0f, false, false, Epilogue.GELU_TANH, DType.F32);
            assertTrue(dev.supportsOp(Op.MATMUL, DType.F32, DType.F32));
            assertFalse(dev.supportsOp(Op.MATMUL, gelu, DType.F32, DType.F32));
            assertEquals("no fused epilogue here", dev.unsupportedReason(Op.MATMUL, gelu, DType.F32, DType.F32));

            Tensor a = s.copyOf(new float[] {1, 2, 3, 4}, Shape.of(2, 2));
            UnsupportedOpException e = assertThrows(UnsupportedOpException.class,
                    () -> Ops.matmul(a, a, Matmul.options().epilogue(Epilogue.GELU_TANH)));
            assertTrue(e.getMessage().contains("no fused epilogue here"), e.getMessage());
            // the plain form that supportsOp accepted runs here
            Tensor y = Ops.matmul(a, a);
            assertEquals("noepilogue:0", y.provenance().device());
            assertNull(dev.unsupportedReason(Op.MATMUL, DType.F32, DType.F32));
        }
    }
}
