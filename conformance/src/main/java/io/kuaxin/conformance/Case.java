package io.kuaxin.conformance;

import io.kuaxin.DType;
import io.kuaxin.OpContext;
import io.kuaxin.Tensor;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;

import java.util.List;

/**
 * One conformance case: inputs, how to call the op through the front door, and what to expect: the oracle's
 * result (given the attributes the oracle should use, spelled out independently of the front door's defaults),
 * or, for a negative case, an exception type and a fragment of its message.
 *
 * @param id          unique, {@code <op>/<dtype>/<description>}; what config patterns match
 * @param op          the op
 * @param dtype       the support-matrix column, e.g. {@code bf16} or {@code f32->i8}
 * @param inputs      in the op's input order (so the dtypes are what {@code unsupportedReason} sees)
 * @param attrs       attributes for the oracle (null for negative cases)
 * @param invoke      the front-door call
 * @param errScale    how the tolerable computation error grows, e.g. {@code √K} for a K-long reduction
 * @param expected    for negative cases, the exception type; null for positive ones
 * @param fragment    for negative cases, text the message must contain
 */
public record Case(String id, Op op, String dtype, List<Input> inputs, OpAttributes attrs, Invoke invoke,
                   double errScale, Class<? extends RuntimeException> expected, String fragment) {
    /** A front-door call on the given (uploaded, viewed) inputs. */
    @FunctionalInterface
    public interface Invoke {
        Tensor apply(OpContext ctx, List<Tensor> in);
    }

    public static Case positive(Op op, String dtype, String desc, List<Input> inputs, OpAttributes attrs,
                                double errScale, Invoke invoke) {
        return new Case(op.label() + "/" + dtype + "/" + desc, op, dtype, List.copyOf(inputs), attrs, invoke,
                errScale, null, null);
    }

    public static Case negative(Op op, String desc, List<Input> inputs, Class<? extends RuntimeException> expected,
                                String fragment, Invoke invoke) {
        return new Case(op.label() + "/invalid/" + desc, op, "invalid", List.copyOf(inputs), null, invoke, 1,
                expected, fragment);
    }

    public boolean isNegative() { return expected != null; }

    /** The same case under the id {@code id + suffix} (a seed sweep's cases say their seed; declarations still match). */
    public Case withIdSuffix(String suffix) {
        return new Case(id + suffix, op, dtype, inputs, attrs, invoke, errScale, expected, fragment);
    }

    public List<DType> inputDtypes() { return inputs.stream().map(Input::dtype).toList(); }

    @Override
    public String toString() { return id; }
}
