package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.Shape;

import java.util.List;

/**
 * Everything the runtime knows about one op before a backend sees it: the attribute record it takes, the inputs
 * those attributes call for (its arity, with names for messages), its dtype rules, output inference and the
 * shapes its kernel contract expands inputs to. Each {@link Op} constant carries its spec ({@link Op#spec()}), so
 * the generic front door ({@code Ops.call}), the typed op methods, the oracle and the backends all read one
 * declaration.
 *
 * <p>Implementations are stateless and thread-safe. {@link OpSpecs#infer} checks the attribute type and the input
 * count before calling {@link #infer}, so an implementation may rely on both.
 *
 * @param <A> the attribute record; {@link OpAttributes} itself for ops without attributes (which take
 *            {@link OpAttributes#NONE})
 */
public interface OpSpec<A extends OpAttributes> {
    /** The attribute record's type; {@code OpAttributes.class} for ops without attributes. */
    Class<A> attributes();

    /** Names of the inputs these attributes call for, in order (e.g. {@code a, b, bias}). */
    List<String> inputs(A attrs);

    /**
     * Validates inputs and attributes and infers the (single) output.
     *
     * @throws io.kuaxin.InvalidArgumentException naming the offending argument and the fix
     */
    TensorType infer(Op op, A attrs, List<TensorType> in);

    /**
     * {@link #infer(Op, OpAttributes, List)} for a call into a caller's output of type {@code given}: returns
     * {@code given} itself when it is the result, so such a call need build no type. The default infers and
     * compares; a spec whose inference builds shapes may compare in place instead. The caller still checks the
     * output against the result.
     *
     * @throws io.kuaxin.InvalidArgumentException as {@link #infer(Op, OpAttributes, List)} does
     */
    default TensorType infer(Op op, A attrs, List<TensorType> in, TensorType given) {
        TensorType t = infer(op, attrs, in);
        return t.equals(given) ? given : t;
    }

    /**
     * Whether the dtype rules accept these input dtypes (in input order, optional inputs included).
     *
     * @return {@code null} if they do, else why not
     */
    String dtypeError(Op op, List<DType> dtypes);

    /**
     * The shape the kernel contract wants input {@code i} broadcast to (a stride-0 view is passed), or
     * {@code null} to pass the input as given. Called after {@link #infer} accepted the inputs.
     */
    default Shape kernelShape(A attrs, int i, List<TensorType> in, TensorType out) { return null; }

    /** Whether a caller-provided output may be input {@code i} itself, element for element (in place). */
    default boolean inPlace(A attrs, int i) { return false; }
}
