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
     * Every input list of an op with optional inputs: {@code required} followed by each subset of {@code optional}
     * in order, indexed by a bit mask (bit {@code i} set = {@code optional[i]} present). Built once, so a call
     * allocates none.
     */
    static List<List<String>> optional(List<String> required, String... optional) {
        List<List<String>> all = new java.util.ArrayList<>(1 << optional.length);
        for (int mask = 0; mask < 1 << optional.length; mask++) {
            List<String> names = new java.util.ArrayList<>(required);
            for (int i = 0; i < optional.length; i++) if ((mask & 1 << i) != 0) names.add(optional[i]);
            all.add(List.copyOf(names));
        }
        return List.copyOf(all);
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
