package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.Shape;

import java.util.List;

/**
 * Specs of the row-wise ops. All take float inputs (f32, f16, bf16, f64), compute in at least fp32, and return
 * {@code x}'s dtype and shape.
 *
 * <ul>
 * <li>{@link Op#SOFTMAX}: along one axis, max-subtracted (numerically stable); an empty axis gives an empty
 *     result.</li>
 * <li>{@link Op#LAYER_NORM} / {@link Op#RMS_NORM}: over the last dimension {@code D}; {@code gamma} and
 *     {@code beta} are {@code [D]}, any float dtype, optional.</li>
 * <li>{@link Op#ROPE}: see {@link RopeAttrs}; {@code x} has rank >= 2, positions are i32/i64 and broadcast to
 *     {@code x}'s shape without its last dimension.</li>
 * </ul>
 */
public final class NnSpecs {
    private NnSpecs() {}

    static final OpSpec<AxisAttrs> SOFTMAX = new OpSpec<>() {
        @Override public Class<AxisAttrs> attributes() { return AxisAttrs.class; }
        @Override public List<String> inputs(AxisAttrs at) { return Specs.X; }
        @Override public TensorType infer(Op op, AxisAttrs at, List<TensorType> in) { return softmax(in, at); }
        @Override public String dtypeError(Op op, List<DType> d) { return NnSpecs.dtypeError(op, d); }
    };

    /** {@link Op#LAYER_NORM} and {@link Op#RMS_NORM}. */
    static final OpSpec<NormAttrs> NORM = new OpSpec<>() {
        private final Specs.Inputs names = new Specs.Inputs(Specs.X, "gamma", "beta");

        @Override public Class<NormAttrs> attributes() { return NormAttrs.class; }
        @Override public List<String> inputs(NormAttrs at) { return names.with(at.hasGamma(), at.hasBeta()); }
        @Override public TensorType infer(Op op, NormAttrs at, List<TensorType> in) { return norm(op, in, at); }
        @Override public String dtypeError(Op op, List<DType> d) { return NnSpecs.dtypeError(op, d); }
    };

    /** {@link Op#ROPE}: the kernel sees positions expanded to {@code x}'s shape without its last dimension. */
    static final OpSpec<RopeAttrs> ROPE = new OpSpec<>() {
        private final Specs.Inputs names = new Specs.Inputs(Specs.X, "positions");

        @Override public Class<RopeAttrs> attributes() { return RopeAttrs.class; }
        @Override public List<String> inputs(RopeAttrs at) { return names.with(at.hasPositions()); }
        @Override public TensorType infer(Op op, RopeAttrs at, List<TensorType> in) { return rope(in, at); }
        @Override public String dtypeError(Op op, List<DType> d) { return NnSpecs.dtypeError(op, d); }
        @Override public Shape kernelShape(RopeAttrs at, int i, List<TensorType> in, TensorType out) {
            Shape x = in.getFirst().shape();
            return i == 1 ? Broadcast.prefix(x, x.rank() - 1) : null;
        }
    };

    public static TensorType softmax(List<TensorType> in, AxisAttrs at) {
        Specs.count(Op.SOFTMAX, in, 1, "x");
        TensorType x = in.getFirst();
        Specs.floatInput(Op.SOFTMAX, "x", x.dtype());
        checkAxis(Op.SOFTMAX, at.axis(), x.shape());
        return x;
    }

    public static TensorType norm(Op op, List<TensorType> in, NormAttrs at) {
        boolean layer = op == Op.LAYER_NORM;
        if (!layer && at.hasBeta()) throw Specs.fail(op, "rms_norm has no beta");
        Specs.count(op, in, 1 + (at.hasGamma() ? 1 : 0) + (at.hasBeta() ? 1 : 0),
                "x" + (at.hasGamma() ? ", gamma" : "") + (at.hasBeta() ? ", beta" : ""));
        TensorType x = in.getFirst();
        Specs.floatInput(op, "x", x.dtype());
        Specs.rankAtLeast(op, "x", x, 1, "[..., D]");
        long d = x.shape().dim(-1);
        if (at.hasGamma()) vector(op, "gamma", in.get(at.gammaIndex()), d);
        if (at.hasBeta()) vector(op, "beta", in.get(at.betaIndex()), d);
        return x;
    }

    public static TensorType rope(List<TensorType> in, RopeAttrs at) {
        Op op = Op.ROPE;
        Specs.count(op, in, at.hasPositions() ? 2 : 1, at.hasPositions() ? "x, positions" : "x");
        TensorType x = in.getFirst();
        Specs.floatInput(op, "x", x.dtype());
        Specs.rankAtLeast(op, "x", x, 2, "[..., L, D], e.g. [B, H, L, D]");
        long d = x.shape().dim(-1);
        if (at.rotaryDims() <= 0 || at.rotaryDims() % 2 != 0 || at.rotaryDims() > d) {
            throw Specs.fail(op, "rotaryDims is " + at.rotaryDims() + " but must be even, > 0 and <= D = " + d
                    + (d % 2 != 0 ? " (D is odd: pass an even rotaryDims)" : ""));
        }
        checkAxis(op, at.seqAxis(), x.shape());
        if (at.seqAxis() == x.shape().rank() - 1) {
            throw Specs.fail(op, "seqAxis " + at.seqAxis() + " is the head dimension; use the sequence axis");
        }
        if (at.hasPositions()) {
            TensorType p = in.get(1);
            Specs.indexInput(op, "positions", p.dtype());
            Broadcast.to(op.label(), "positions", p.shape(), Broadcast.prefix(x.shape(), x.shape().rank() - 1),
                    "x's shape without its last dimension");
        }
        return x;
    }

    static void checkAxis(Op op, int axis, Shape s) {
        if (axis < 0 || axis >= s.rank()) {
            throw Specs.fail(op, "axis " + axis + " is out of range for rank " + s.rank()
                    + " (the front door normalises negative axes)");
        }
    }

    private static void vector(Op op, String name, TensorType t, long d) {
        Specs.floatInput(op, name, t.dtype());
        if (t.shape().rank() != 1 || t.shape().dim(0) != d) {
            throw Specs.fail(op, name + " has shape " + t.shape() + " but must be [D] = [" + d
                    + "], the last dimension of x");
        }
    }

    static String dtypeError(Op op, List<DType> d) {
        if (d.isEmpty()) return op.label() + " needs x";
        if (op == Op.ROPE) {
            if (!d.getFirst().isFloatingPoint()) return "rope needs float x";
            return d.size() > 1 && !Promotion.isIndex(d.get(1)) ? "positions must be i32 or i64" : null;
        }
        return Specs.allFloat(op, d);
    }
}
