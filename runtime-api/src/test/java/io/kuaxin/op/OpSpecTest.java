package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Every op's one declaration: its spec names the attribute type and the inputs, and both are enforced. */
class OpSpecTest {
    /** A valid record of every attribute type the catalog uses. */
    static final Map<Class<?>, OpAttributes> SAMPLE = Map.of(
            OpAttributes.class, OpAttributes.NONE,
            MatmulAttrs.class, new MatmulAttrs(false, false, 1, 0, true, true, Epilogue.NONE, DType.F32),
            AttentionAttrs.class, new AttentionAttrs(1, false, true, true),
            AxisAttrs.class, new AxisAttrs(0),
            NormAttrs.class, new NormAttrs(1e-5, true, false),
            RopeAttrs.class, new RopeAttrs(RopeMode.HALF_SPLIT, 10000, 2, 0, 0, true),
            CastAttrs.class, new CastAttrs(DType.F16),
            ReduceAttrs.class, new ReduceAttrs(0, false));

    static OpAttributes sample(Op op) {
        OpAttributes at = SAMPLE.get(op.spec().attributes());
        assertNotNull(at, op + " takes " + op.spec().attributes().getSimpleName() + ", which this test does not know");
        return at;
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void anAttributeRecordOfAnotherTypeIsRefusedNamingTheRightOne(Op op) {
        Class<?> want = op.spec().attributes();
        OpAttributes wrong = want == AxisAttrs.class ? new ReduceAttrs(0, false) : new AxisAttrs(0);
        var e = assertThrows(InvalidArgumentException.class, () -> OpSpecs.infer(op, wrong, List.of()));
        String name = want == OpAttributes.class ? "OpAttributes.NONE (the op has none)" : want.getSimpleName();
        assertTrue(e.getMessage().startsWith(op.label() + ": attributes must be " + name + ", got "
                + wrong.getClass().getSimpleName()), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void theInputCountIsTheOneTheAttributesCallFor(Op op) {
        OpAttributes at = sample(op);
        List<String> names = OpSpecs.inputs(op, at, expectedCount(op));
        assertEquals(expectedCount(op), names.size());
        List<TensorType> oneTooMany = new ArrayList<>(Collections.nCopies(names.size() + 1, TensorType.of(DType.F32, 2)));
        var e = assertThrows(InvalidArgumentException.class, () -> OpSpecs.infer(op, at, oneTooMany));
        assertEquals(op.label() + ": expected " + names.size() + " inputs (" + String.join(", ", names)
                + ") for these attributes but got " + oneTooMany.size() + "; pass exactly those, in that order",
                e.getMessage());
    }

    /** Written out independently of the specs: the inputs each op takes with {@link #SAMPLE}'s attributes. */
    private static int expectedCount(Op op) {
        return switch (op) {
            case MATMUL -> 4;    // a, b, c, bias
            case ATTENTION -> 5; // q, k, v, mask, kvLens
            case LAYER_NORM, RMS_NORM -> 2; // x, gamma
            case ROPE -> 2;      // x, positions
            case ADD, SUB, MUL, DIV, EMBEDDING -> 2;
            default -> 1;
        };
    }

    @Test
    void opsWithoutAttributesTakeOnlyNone() {
        var e = assertThrows(InvalidArgumentException.class,
                () -> OpSpecs.infer(Op.ADD, null, List.of(TensorType.of(DType.F32, 2), TensorType.of(DType.F32, 2))));
        assertEquals("add: attributes must be OpAttributes.NONE (the op has none), got null", e.getMessage());
        assertEquals(TensorType.of(DType.F32, 2), OpSpecs.infer(Op.ADD, OpAttributes.NONE,
                List.of(TensorType.of(DType.F32, 2), TensorType.of(DType.F32, 1))));
    }
}
