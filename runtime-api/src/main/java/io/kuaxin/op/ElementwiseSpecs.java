package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.Shape;

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

    /** {@link Op#ADD}, {@link Op#SUB}, {@link Op#MUL}, {@link Op#DIV}: the kernel sees both inputs expanded. */
    static final OpSpec<OpAttributes> BINARY = new OpSpec<>() {
        @Override public Class<OpAttributes> attributes() { return OpAttributes.class; }
        @Override public List<String> inputs(OpAttributes at) { return Specs.A_B; }
        @Override public TensorType infer(Op op, OpAttributes at, List<TensorType> in) { return binary(op, in); }
        @Override public String dtypeError(Op op, List<DType> d) { return ElementwiseSpecs.dtypeError(op, d); }
        @Override public Shape kernelShape(OpAttributes at, int i, List<TensorType> in, TensorType out) {
            return out.shape();
        }
        @Override public boolean inPlace(OpAttributes at, int i) { return true; }
    };

    /** {@link Op#SILU}, {@link Op#GELU_TANH}, {@link Op#GELU_ERF}, {@link Op#RELU}, {@link Op#EXP}. */
    static final OpSpec<OpAttributes> UNARY = new OneInput<>(OpAttributes.class, true) {
        @Override public TensorType infer(Op op, OpAttributes at, List<TensorType> in) { return unary(op, in); }
    };

    static final OpSpec<CastAttrs> CAST = new OneInput<>(CastAttrs.class, true) {
        @Override public TensorType infer(Op op, CastAttrs at, List<TensorType> in) { return cast(in, at); }
    };

    /** {@link Op#COPY}: its output may not overlap its input, even identically (use a separate tensor). */
    static final OpSpec<OpAttributes> COPY = new OneInput<>(OpAttributes.class, false) {
        @Override public TensorType infer(Op op, OpAttributes at, List<TensorType> in) { return copy(in); }
    };

    /** The one-input element-wise ops: input {@code x}, and an output that may be {@code x} itself if allowed. */
    private abstract static class OneInput<A extends OpAttributes> implements OpSpec<A> {
        private final Class<A> type;
        private final boolean inPlace;

        OneInput(Class<A> type, boolean inPlace) {
            this.type = type;
            this.inPlace = inPlace;
        }

        @Override public Class<A> attributes() { return type; }
        @Override public List<String> inputs(A at) { return Specs.X; }
        @Override public String dtypeError(Op op, List<DType> d) { return ElementwiseSpecs.dtypeError(op, d); }
        @Override public boolean inPlace(A at, int i) { return inPlace; }
    }

    public static TensorType binary(Op op, List<TensorType> in) {
        Specs.count(op, in, 2, "a, b");
        TensorType a = in.get(0), b = in.get(1);
        DType t = Promotion.promote(a.dtype(), b.dtype());
        if (t == null) {
            throw Specs.fail(op, "a and b are both bool, which has no arithmetic; cast them to i32 or f32 first");
        }
        Shape s = Broadcast.shapes(op.label(), "a", a.shape(), "b", b.shape());
        if (t == a.dtype() && s == a.shape()) return a; // the common case: no new type to build
        if (t == b.dtype() && s == b.shape()) return b;
        return new TensorType(t, s);
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
