package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.Shape;

/**
 * What op specs reason about: a tensor's dtype and shape, without its data or layout. Specs infer outputs from
 * these, so the same rules serve the front door, the oracle and the conformance suite.
 */
public record TensorType(DType dtype, Shape shape) {
    public static TensorType of(DType dtype, long... dims) { return new TensorType(dtype, Shape.of(dims)); }

    @Override
    public String toString() { return dtype.label() + shape; }
}
