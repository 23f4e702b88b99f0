package io.kuaxin.kernels.oracle;

import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.op.OpSpecs;
import io.kuaxin.op.ReduceAttrs;
import io.kuaxin.op.RopeAttrs;
import io.kuaxin.op.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * The fp64 oracle: a deliberately plain implementation of every op over {@link HostTensor}s, sharing no code with
 * the CPU kernels. Each op computes in double from the (already rounded) inputs and rounds once to the output
 * dtype ({@link Rounding}). Inputs are given as the caller passed them to the front door (before broadcasting);
 * the output type comes from the op's spec.
 */
public final class Oracle {
    private Oracle() {}

    /**
     * @throws io.kuaxin.InvalidArgumentException if the spec rejects the inputs
     */
    public static HostTensor run(Op op, OpAttributes attrs, List<HostTensor> in) {
        List<TensorType> types = new ArrayList<>();
        for (HostTensor t : in) types.add(TensorType.of(t.dtype(), t.shape()));
        TensorType out = OpSpecs.infer(op, attrs, types);
        long[] os = out.shape().toArray();
        double[] r = switch (op) {
            case MATMUL -> OracleLinalg.matmul(in, (MatmulAttrs) attrs, os);
            case ATTENTION -> OracleLinalg.attention(in, (AttentionAttrs) attrs);
            case SOFTMAX -> OracleNn.softmax(in.getFirst(), ((AxisAttrs) attrs).axis());
            case LAYER_NORM, RMS_NORM -> OracleNn.norm(op, in, (NormAttrs) attrs);
            case ROPE -> OracleNn.rope(in, (RopeAttrs) attrs);
            case ADD, SUB, MUL, DIV -> OracleElementwise.binary(op, in.get(0), in.get(1), out.dtype(), os);
            case SILU, GELU_TANH, GELU_ERF, RELU, EXP -> OracleElementwise.unary(op, in.getFirst());
            case CAST, COPY -> in.getFirst().data().clone(); // the rounding below is the cast
            case SUM, MAX, MEAN, ARGMAX -> OracleElementwise.reduce(op, in.getFirst(), (ReduceAttrs) attrs);
            case EMBEDDING -> OracleElementwise.embedding(in.get(0), in.get(1));
        };
        boolean wrapInts = op == Op.ADD || op == Op.SUB || op == Op.MUL || op == Op.DIV;
        for (int i = 0; i < r.length; i++) {
            r[i] = wrapInts ? Rounding.wrap(out.dtype(), r[i]) : Rounding.round(out.dtype(), r[i]);
        }
        return new HostTensor(out.dtype(), os, r);
    }
}
