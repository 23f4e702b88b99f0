package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.Shape;

import java.util.List;

/**
 * Specs of the reductions and of {@link Op#EMBEDDING}.
 *
 * <ul>
 * <li>{@link Op#SUM}: floats keep their dtype (accumulating in at least fp32); integers and bool sum exactly
 *     into i64. An empty axis sums to 0.</li>
 * <li>{@link Op#MEAN}: float inputs only; an empty axis gives NaN.</li>
 * <li>{@link Op#MAX}: any dtype, same dtype out; NaN wins. {@link Op#ARGMAX}: any dtype, i64 out, the first
 *     index of the maximum (of the first NaN, if any). Both reject an empty axis.</li>
 * <li>{@link Op#EMBEDDING}: {@code table [V, D]} (any dtype) and {@code ids} (i32/i64, any shape) give
 *     {@code ids.shape + [D]} of the table's dtype. Ids live on the device, so they are not checked at
 *     validation: an id outside {@code [0, V)} yields a row of zeros on every backend.</li>
 * </ul>
 */
public final class ReduceSpecs {
    private ReduceSpecs() {}

    /** {@link Op#SUM}, {@link Op#MAX}, {@link Op#MEAN}, {@link Op#ARGMAX}. */
    static final OpSpec<ReduceAttrs> REDUCE = new OpSpec<>() {
        @Override public Class<ReduceAttrs> attributes() { return ReduceAttrs.class; }
        @Override public List<String> inputs(ReduceAttrs at) { return Specs.X; }
        @Override public TensorType infer(Op op, ReduceAttrs at, List<TensorType> in) { return reduce(op, in, at); }
        @Override public String dtypeError(Op op, List<DType> d) { return ReduceSpecs.dtypeError(op, d); }
    };

    static final OpSpec<OpAttributes> EMBEDDING = new OpSpec<>() {
        private final List<String> names = List.of("table", "ids");

        @Override public Class<OpAttributes> attributes() { return OpAttributes.class; }
        @Override public List<String> inputs(OpAttributes at) { return names; }
        @Override public TensorType infer(Op op, OpAttributes at, List<TensorType> in) { return embedding(in); }
        @Override public String dtypeError(Op op, List<DType> d) { return ReduceSpecs.dtypeError(op, d); }
    };

    public static TensorType reduce(Op op, List<TensorType> in, ReduceAttrs at) {
        Specs.count(op, in, 1, "x");
        TensorType x = in.getFirst();
        NnSpecs.checkAxis(op, at.axis(), x.shape());
        if (op == Op.MEAN) Specs.floatInput(op, "x", x.dtype());
        long extent = x.shape().dim(at.axis());
        if ((op == Op.MAX || op == Op.ARGMAX) && extent == 0) {
            throw Specs.fail(op, "axis " + at.axis() + " of x " + x.shape() + " is empty; " + op.label()
                    + " of nothing is undefined");
        }
        long[] dims = x.shape().toArray();
        long[] out;
        if (at.keepDims()) {
            dims[at.axis()] = 1;
            out = dims;
        } else {
            out = new long[dims.length - 1];
            for (int i = 0, j = 0; i < dims.length; i++) if (i != at.axis()) out[j++] = dims[i];
        }
        return new TensorType(outDtype(op, x.dtype()), Shape.of(out));
    }

    public static DType outDtype(Op op, DType x) {
        return switch (op) {
            case ARGMAX -> DType.I64;
            case SUM -> x.isFloatingPoint() ? x : DType.I64;
            default -> x;
        };
    }

    public static TensorType embedding(List<TensorType> in) {
        Op op = Op.EMBEDDING;
        Specs.count(op, in, 2, "table, ids");
        TensorType table = in.get(0), ids = in.get(1);
        if (table.shape().rank() != 2) {
            throw Specs.fail(op, "table has shape " + table.shape() + " but must be [V, D]");
        }
        Specs.indexInput(op, "ids", ids.dtype());
        if (ids.shape().rank() >= Shape.MAX_RANK) {
            throw Specs.fail(op, "ids has rank " + ids.shape().rank() + "; the output adds one dimension, so at most "
                    + (Shape.MAX_RANK - 1));
        }
        return new TensorType(table.dtype(), Broadcast.concat(ids.shape(), table.shape().dim(1)));
    }

    static String dtypeError(Op op, List<DType> d) {
        if (op == Op.EMBEDDING) {
            return d.size() == 2 && Promotion.isIndex(d.get(1)) ? null : "embedding needs a table and i32/i64 ids";
        }
        if (d.size() != 1) return "needs one input";
        return op == Op.MEAN ? Specs.allFloat(op, d) : null;
    }
}
