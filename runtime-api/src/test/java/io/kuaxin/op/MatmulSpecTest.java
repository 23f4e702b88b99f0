package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Matmul's output inference told the caller's output: the same answer as without it, the caller's type itself
 * when that is the answer, and the same errors; kernel shapes that are an operand's own shape where it already
 * fits.
 */
class MatmulSpecTest {
    private static final MatmulAttrs PLAIN = new MatmulAttrs(false, false, 1, 0, false, false, Epilogue.NONE, DType.F32);
    private static final MatmulAttrs WITH_BIAS = new MatmulAttrs(false, false, 1, 0, false, true, Epilogue.NONE, DType.F32);

    private static long[] dims(String s) {
        if (s.isEmpty()) return new long[0];
        String[] p = s.split(" ");
        long[] d = new long[p.length];
        for (int i = 0; i < p.length; i++) d[i] = Long.parseLong(p[i]);
        return d;
    }

    /** a, b and the output written out by hand (batch dims broadcast, then M and N). */
    @ParameterizedTest
    @CsvSource({"16 384, 384 384, 16 384", "1 384, 384 1152, 1 1152", "2 5 7, 7 3, 2 5 3", "4 1 5 7, 3 7 2, 4 3 5 2",
            "0 7, 7 3, 0 3", "5 0, 0 3, 5 3"})
    void aMatchingOutputIsReturnedItselfAndAnyOtherGetsTheInferredType(String a, String b, String out) {
        List<TensorType> in = List.of(TensorType.of(DType.F32, dims(a)), TensorType.of(DType.F32, dims(b)));
        TensorType want = TensorType.of(DType.F32, dims(out));
        OpSpec<MatmulAttrs> spec = MatmulSpec.SPEC;
        assertEquals(want, spec.infer(Op.MATMUL, PLAIN, in));
        TensorType given = TensorType.of(DType.F32, dims(out));
        assertSame(given, spec.infer(Op.MATMUL, PLAIN, in, given));
        TensorType otherDtype = TensorType.of(DType.F16, dims(out));
        assertEquals(want, spec.infer(Op.MATMUL, PLAIN, in, otherDtype));
        long[] grown = dims(out);
        grown[grown.length - 1]++;
        assertEquals(want, spec.infer(Op.MATMUL, PLAIN, in, TensorType.of(DType.F32, grown)));
        long[] ranked = new long[grown.length + 1];
        System.arraycopy(dims(out), 0, ranked, 1, grown.length);
        ranked[0] = 1;
        assertEquals(want, spec.infer(Op.MATMUL, PLAIN, in, TensorType.of(DType.F32, ranked)));
    }

    @Test
    void aGivenOutputChangesNoError() {
        TensorType given = TensorType.of(DType.F32, 16, 384);
        List<TensorType> inner = List.of(TensorType.of(DType.F32, 16, 383), TensorType.of(DType.F32, 384, 384));
        var e1 = assertThrows(InvalidArgumentException.class, () -> MatmulSpec.SPEC.infer(Op.MATMUL, PLAIN, inner));
        var e2 = assertThrows(InvalidArgumentException.class,
                () -> MatmulSpec.SPEC.infer(Op.MATMUL, PLAIN, inner, given));
        assertEquals(e1.getMessage(), e2.getMessage());
        assertTrue(e2.getMessage().contains("inner dimensions differ"), e2.getMessage());
        List<TensorType> badBias = List.of(TensorType.of(DType.F32, 16, 384), TensorType.of(DType.F32, 384, 384),
                TensorType.of(DType.F32, 383));
        var e3 = assertThrows(InvalidArgumentException.class,
                () -> MatmulSpec.SPEC.infer(Op.MATMUL, WITH_BIAS, badBias, given));
        assertTrue(e3.getMessage().contains("bias has shape [383]"), e3.getMessage());
    }

    @Test
    void anOperandWithTheOutputsBatchDimsIsItsOwnKernelShape() {
        TensorType a = TensorType.of(DType.F32, 2, 5, 7), b = TensorType.of(DType.F32, 7, 3);
        List<TensorType> in = List.of(a, b);
        TensorType out = MatmulSpec.SPEC.infer(Op.MATMUL, PLAIN, in);
        assertSame(a.shape(), MatmulSpec.SPEC.kernelShape(PLAIN, 0, in, out));
        assertEquals(Shape.of(2, 7, 3), MatmulSpec.SPEC.kernelShape(PLAIN, 1, in, out)); // b grows a batch dim
        TensorType a1 = TensorType.of(DType.F32, 1, 5, 7), b3 = TensorType.of(DType.F32, 2, 7, 3);
        List<TensorType> in2 = List.of(a1, b3);
        TensorType out2 = MatmulSpec.SPEC.infer(Op.MATMUL, PLAIN, in2);
        assertEquals(Shape.of(2, 5, 7), MatmulSpec.SPEC.kernelShape(PLAIN, 0, in2, out2)); // 1 grows to 2
        assertSame(b3.shape(), MatmulSpec.SPEC.kernelShape(PLAIN, 1, in2, out2));
    }
}
