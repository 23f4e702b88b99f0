package io.kuaxin.spi;

import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;

import java.util.List;

/**
 * One validated op invocation: inputs and preallocated outputs on the executing device, and the op's
 * attributes (a record from {@code io.kuaxin.op}). Backends execute it without re-checking.
 */
public record KernelCall(Op op, OpAttributes attributes, List<TensorRef> inputs, List<TensorRef> outputs) {
    public TensorRef input(int i) { return inputs.get(i); }

    public TensorRef output(int i) { return outputs.get(i); }
}
