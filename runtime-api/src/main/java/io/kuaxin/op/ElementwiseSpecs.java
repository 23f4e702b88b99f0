package io.kuaxin.op;

import io.kuaxin.DType;

import java.util.List;

/**
 * Specs of the element-wise ops.
 *
 * <ul>
 * <li>{@link Op#ADD}, {@link Op#SUB}, {@link Op#MUL}, {@link Op#DIV}: NumPy broadcasting; the result dtype follows
 *     {@link Promotion}.</li>
 * <li>{@link Op#SILU}, {@link Op#GELU_TANH}, {@link Op#GELU_ERF}, {@link Op#RELU}, {@link Op#EXP}: float inputs,
 *     same dtype out, computed in at least fp32.</li>
 * <li>{@link Op#CAST}: between any two of the nine dtypes, as {@link DType#setFromDouble} converts.</li>
 * <li>{@link Op#COPY}: any dtype, to a contiguous tensor.</li>
 * </ul>
 */
public final class ElementwiseSpecs {
    private ElementwiseSpecs() {}

    public static TensorType binary(Op op, List<TensorType> in) {
        Specs.count(op, in, 2, "a, b");
        TensorType a = in.get(0), b = in.get(1);
        DType t = Promotion.promote(a.dtype(), b.dtype());
        if (t == null) {
            throw Specs.fail(op, "a and b are both bool, which has no arithmetic; cast them to i32 or f32 first");
        }
        return new TensorType(t, Broadcast.shapes(op.label(), "a", a.shape(), "b", b.shape()));
    }

    public static TensorType unary(Op op, List<TensorType> in) {
        Specs.count(op, in, 1, "x");
        Specs.floatInput(op, "x", in.getFirst().dtype());
        return in.getFirst();
    }

    public static TensorType cast(List<TensorType> in, CastAttrs at) {
        Specs.count(Op.CAST, in, 1, "x");
        return new TensorType(at.to(), in.getFirst().shape());
    }

    public static TensorType copy(List<TensorType> in) {
        Specs.count(Op.COPY, in, 1, "x");
        return in.getFirst();
    }

    static String dtypeError(Op op, List<DType> d) {
        return switch (op) {
            case ADD, SUB, MUL, DIV -> d.size() != 2 ? "needs two inputs"
                    : Promotion.promote(d.get(0), d.get(1)) == null ? "bool has no arithmetic" : null;
            case CAST, COPY -> d.size() == 1 ? null : "needs one input";
            default -> d.size() != 1 ? "needs one input" : Specs.allFloat(op, d);
        };
    }
}
