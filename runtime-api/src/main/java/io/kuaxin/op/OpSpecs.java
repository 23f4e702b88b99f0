package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.InvalidArgumentException;

import java.util.List;

/**
 * The catalog's entry point: output type inference and dtype rules for every {@link Op}, read from the op's
 * {@link OpSpec}. Front doors, the oracle, backends ({@code unsupportedReason}) and the conformance suite all use
 * these, so they cannot disagree.
 */
public final class OpSpecs {
    private OpSpecs() {}

    /**
     * Validates the attribute type, the number of inputs and then the inputs themselves, and infers the (single)
     * output.
     *
     * @throws InvalidArgumentException naming the offending argument and the fix
     */
    public static TensorType infer(Op op, OpAttributes attrs, List<TensorType> in) {
        return infer(op, op.spec(), attrs, in);
    }

    private static <A extends OpAttributes> TensorType infer(Op op, OpSpec<A> spec, OpAttributes attrs,
                                                             List<TensorType> in) {
        A at = attributes(op, spec, attrs);
        count(op, spec.inputs(at), in == null ? 0 : in.size());
        return spec.infer(op, at, in);
    }

    /**
     * The names of the inputs {@code attrs} call for, checked against the number given.
     *
     * @throws InvalidArgumentException if the attributes are of the wrong type or {@code given} differs
     */
    public static List<String> inputs(Op op, OpAttributes attrs, int given) {
        return inputs(op, op.spec(), attrs, given);
    }

    private static <A extends OpAttributes> List<String> inputs(Op op, OpSpec<A> spec, OpAttributes attrs, int given) {
        return count(op, spec.inputs(attributes(op, spec, attrs)), given);
    }

    private static List<String> count(Op op, List<String> names, int given) {
        if (given != names.size()) {
            throw new InvalidArgumentException(op.label() + ": expected " + names.size() + " inputs ("
                    + String.join(", ", names) + ") for these attributes but got " + given
                    + "; pass exactly those, in that order");
        }
        return names;
    }

    /**
     * {@code attrs} as the attribute record {@code op} takes.
     *
     * @throws InvalidArgumentException if it is of another type (ops without attributes take only
     *                                  {@link OpAttributes#NONE})
     */
    public static <A extends OpAttributes> A attributes(Op op, OpSpec<A> spec, OpAttributes attrs) {
        Class<A> type = spec.attributes();
        boolean none = type == OpAttributes.class;
        if (none ? attrs != OpAttributes.NONE : !type.isInstance(attrs)) {
            throw new InvalidArgumentException(op.label() + ": attributes must be "
                    + (none ? "OpAttributes.NONE (the op has none)" : type.getSimpleName())
                    + ", got " + (attrs == null ? "null" : attrs.getClass().getSimpleName() + " " + attrs)
                    + (none ? "" : "; build one with new " + type.getSimpleName() + "(...)"));
        }
        return type.cast(attrs);
    }

    /**
     * Whether the op's dtype rules accept these input dtypes (in input order, optional inputs included).
     *
     * @return {@code null} if they do, else why not
     */
    public static String dtypeError(Op op, List<DType> dtypes) {
        return op.spec().dtypeError(op, dtypes);
    }
}
