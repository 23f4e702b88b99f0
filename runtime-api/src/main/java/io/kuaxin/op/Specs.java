package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.InvalidArgumentException;

import java.util.List;

/** Small helpers shared by the spec classes. */
final class Specs {
    private Specs() {}

    /** Input names of the most common arities, shared so a call allocates none. */
    static final List<String> X = List.of("x"), A_B = List.of("a", "b");

    /**
     * The input lists of an op with up to two optional inputs: the required names, then each optional one present,
     * in order. Built once, so a call allocates none.
     */
    static final class Inputs {
        private final List<List<String>> lists = new java.util.ArrayList<>(4);

        Inputs(List<String> required, String... optional) {
            for (int mask = 0; mask < 1 << optional.length; mask++) {
                List<String> names = new java.util.ArrayList<>(required);
                for (int i = 0; i < optional.length; i++) if ((mask & 1 << i) != 0) names.add(optional[i]);
                lists.add(List.copyOf(names));
            }
        }

        List<String> with(boolean first) { return lists.get(first ? 1 : 0); }

        List<String> with(boolean first, boolean second) { return lists.get((first ? 1 : 0) | (second ? 2 : 0)); }
    }

    static InvalidArgumentException fail(Op op, String message) {
        return new InvalidArgumentException(op.label() + ": " + message);
    }

    static void count(Op op, List<TensorType> in, int expected, String names) {
        if (in.size() != expected) {
            throw fail(op, "expected " + expected + " inputs (" + names + ") but got " + in.size());
        }
    }

    static void floatInput(Op op, String name, DType t) {
        if (!t.isFloatingPoint()) {
            throw fail(op, name + " is " + t.label() + " but must be a float type (f32, f16, bf16, f64); cast it"
                    + " with Ops.cast(x, DType.F32)");
        }
    }

    static void indexInput(Op op, String name, DType t) {
        if (!Promotion.isIndex(t)) {
            throw fail(op, name + " is " + t.label() + " but must be i32 or i64; cast it with Ops.cast");
        }
    }

    static void rankAtLeast(Op op, String name, TensorType t, int r, String expected) {
        if (t.shape().rank() < r) {
            throw fail(op, name + " has shape " + t.shape() + " but must have rank >= " + r + " (" + expected + ")");
        }
    }

    /** Null if every dtype is a float, else a reason naming the first that is not. */
    static String allFloat(Op op, List<DType> dtypes) {
        for (DType t : dtypes) {
            if (!t.isFloatingPoint()) return op.label() + " needs float inputs, got " + t.label();
        }
        return null;
    }
}
