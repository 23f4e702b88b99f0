package io.kuaxin.backend.cpu;

import io.kuaxin.Attention;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Matmul;
import io.kuaxin.Ops;
import io.kuaxin.Rope;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.CastAttrs;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.op.ReduceAttrs;
import io.kuaxin.op.RopeAttrs;
import io.kuaxin.op.RopeMode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The generic door {@code Ops.call(op, attrs, inputs...)}: an op declared once (its {@link Op} constant and spec) is
 * callable with the validation, placement, broadcasting and ownership of its typed method, and a wrong call is
 * refused with a message that names what is wrong and how to fix it.
 */
class OpCallTest {
    @AutoClose
    static final Kuaxin kx = Kuaxin.open();
    static final Device cpu = kx.device("cpu");

    static float[] ramp(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (i % 7 - 3) * scale;
        return a;
    }

    @Test
    void addThroughTheGenericDoorBroadcastsAsWritten() {
        try (Scope s = cpu.scope()) {
            Tensor a = s.copyOf(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3));
            Tensor b = s.copyOf(new float[] {10, 20, 30}, Shape.of(3));
            int before = s.size();
            Tensor y = Ops.call(Op.ADD, OpAttributes.NONE, a, b);
            int generic = s.size() - before;
            assertEquals(Shape.of(2, 3), y.shape());
            assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, y.toFloatArray()); // by hand
            before = s.size();
            Ops.add(a, b);
            assertEquals(s.size() - before, generic, "the scope gains what it gains from Ops.add");
            assertTrue(generic > 0, "the output belongs to a's scope");
        }
    }

    @Test
    void everyOpKindGivesWhatItsTypedMethodGives() {
        try (Scope s = cpu.scope()) {
            Tensor x = s.copyOf(ramp(2 * 3 * 4, 0.25f), Shape.of(2, 3, 4));
            Tensor w = s.copyOf(ramp(4 * 5, 0.5f), Shape.of(4, 5));
            Tensor bias = s.copyOf(ramp(5, 1f), Shape.of(5));
            Tensor gamma = s.copyOf(ramp(4, 0.3f), Shape.of(4));
            Tensor ids = s.copyOf(new int[] {3, 0, 1}, Shape.of(3));
            Tensor table = s.copyOf(ramp(4 * 2, 1f), Shape.of(4, 2));
            Tensor q = s.copyOf(ramp(1 * 2 * 3 * 4, 0.1f), Shape.of(1, 2, 3, 4));
            Tensor kv = s.copyOf(ramp(1 * 1 * 5 * 4, 0.2f), Shape.of(1, 1, 5, 4));
            Tensor mask = s.copyOf(ramp(5, -0.5f), Shape.of(5)); // broadcast to [1, 2, 3, 5] by the door
            Tensor pos = s.copyOf(new int[] {4, 2, 0}, Shape.of(3));

            same(Ops.matmul(x, w, Matmul.options().bias(bias).epilogue(Epilogue.GELU_TANH)),
                    Ops.call(Op.MATMUL, new MatmulAttrs(false, false, 1, 0, false, true, Epilogue.GELU_TANH, DType.F32),
                            x, w, bias));
            same(Ops.attention(q, kv, kv, Attention.causal().mask(mask)),
                    Ops.call(Op.ATTENTION, new AttentionAttrs(0.5f, true, true, false), q, kv, kv, mask));
            same(Ops.softmax(x, 1), Ops.call(Op.SOFTMAX, new AxisAttrs(1), x));
            same(Ops.rmsNorm(x, gamma, 1e-5), Ops.call(Op.RMS_NORM, new NormAttrs(1e-5, true, false), x, gamma));
            same(Ops.rope(x, Rope.halfSplit().positions(pos)),
                    Ops.call(Op.ROPE, new RopeAttrs(RopeMode.HALF_SPLIT, 10000, 4, 0, 1, true), x, pos));
            same(Ops.geluErf(x), Ops.call(Op.GELU_ERF, OpAttributes.NONE, x));
            same(Ops.cast(x, DType.BF16), Ops.call(Op.CAST, new CastAttrs(DType.BF16), x));
            same(Ops.argmax(x, -1), Ops.call(Op.ARGMAX, new ReduceAttrs(2, false), x));
            same(Ops.embedding(table, ids), Ops.call(Op.EMBEDDING, OpAttributes.NONE, table, ids));
        }
    }

    private static void same(Tensor typed, Tensor generic) {
        assertEquals(typed.dtype(), generic.dtype());
        assertEquals(typed.shape(), generic.shape());
        assertArrayEquals(typed.toDoubleArray(), generic.toDoubleArray(), 0.0, "generic door vs typed method");
    }

    @Test
    void aContextCarriesItsStreamAndTheOutputMayBeAnInputInPlace() {
        try (Scope s = cpu.scope(); Stream st = cpu.newStream()) {
            Tensor a = s.copyOf(new float[] {1, 2, 3}, Shape.of(3));
            Tensor b = s.copyOf(new float[] {4, 5, 6}, Shape.of(3));
            Tensor r = Ops.on(st).callInto(a, Op.MUL, OpAttributes.NONE, a, b);
            st.synchronize();
            assertSame(a, r);
            assertArrayEquals(new float[] {4, 10, 18}, a.toFloatArray());
        }
    }

    @Test
    void wrongArityNamesTheInputsTheAttributesCallFor() {
        try (Scope s = cpu.scope()) {
            Tensor a = s.copyOf(new float[] {1, 2}, Shape.of(2));
            var e = assertThrows(InvalidArgumentException.class, () -> Ops.call(Op.ADD, OpAttributes.NONE, a));
            assertEquals("add: expected 2 inputs (a, b) for these attributes but got 1; pass exactly those, in that"
                    + " order", e.getMessage());
            var m = assertThrows(InvalidArgumentException.class, () -> Ops.call(Op.MATMUL,
                    new MatmulAttrs(false, false, 1, 0, false, true, Epilogue.NONE, DType.F32), a, a));
            assertTrue(m.getMessage().startsWith("matmul: expected 3 inputs (a, b, bias)"), m.getMessage());
            assertEquals(1, s.size(), "nothing was allocated");
        }
    }

    @Test
    void wrongAttributeTypeSaysWhichTypeTheOpTakes() {
        try (Scope s = cpu.scope()) {
            Tensor x = s.copyOf(new float[] {1, 2}, Shape.of(2));
            var e = assertThrows(InvalidArgumentException.class, () -> Ops.call(Op.SOFTMAX, new ReduceAttrs(0, false), x));
            assertTrue(e.getMessage().startsWith("softmax: attributes must be AxisAttrs, got ReduceAttrs"), e.getMessage());
            assertTrue(e.getMessage().endsWith("; build one with new AxisAttrs(...)"), e.getMessage());
            var none = assertThrows(InvalidArgumentException.class, () -> Ops.call(Op.RELU, new AxisAttrs(0), x));
            assertTrue(none.getMessage().startsWith("relu: attributes must be OpAttributes.NONE (the op has none), got"
                    + " AxisAttrs"), none.getMessage());
            var nul = assertThrows(InvalidArgumentException.class, () -> Ops.call(Op.EXP, null, x));
            assertEquals("exp: attributes must be OpAttributes.NONE (the op has none), got null", nul.getMessage());
        }
    }

    @Test
    void nullsAndSpecErrorsAreRefusedBeforeAnythingRunsAndTheDeviceStaysUsable() {
        try (Scope s = cpu.scope()) {
            Tensor a = s.copyOf(new float[] {1, 2, 3}, Shape.of(3));
            Tensor b = s.copyOf(new float[] {1, 2}, Shape.of(2));
            assertEquals("add: b is null", assertThrows(InvalidArgumentException.class,
                    () -> Ops.call(Op.ADD, OpAttributes.NONE, a, null)).getMessage());
            assertThrows(InvalidArgumentException.class, () -> Ops.call(null, OpAttributes.NONE, a));
            assertThrows(InvalidArgumentException.class, () -> Ops.call(Op.ADD, OpAttributes.NONE, (Tensor[]) null));
            var shape = assertThrows(InvalidArgumentException.class, () -> Ops.call(Op.ADD, OpAttributes.NONE, a, b));
            assertTrue(shape.getMessage().contains("do not broadcast"), shape.getMessage());
            var overlap = assertThrows(InvalidArgumentException.class,
                    () -> Ops.callInto(a, Op.COPY, OpAttributes.NONE, a));
            assertTrue(overlap.getMessage().startsWith("copy: out overlaps input 0"), overlap.getMessage());
            assertEquals(2, s.size());
            assertArrayEquals(new float[] {2, 4, 6}, Ops.call(Op.ADD, OpAttributes.NONE, a, a).toFloatArray());
        }
    }
}
