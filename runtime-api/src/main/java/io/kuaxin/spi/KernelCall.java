package io.kuaxin.spi;

import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One validated op invocation: the op, its attributes (a record from {@code io.kuaxin.op}), and its inputs and
 * preallocated outputs on the executing device. Backends execute it without re-checking.
 *
 * <p>Lifetime: a call is a reusable slot. The runtime fills one, passes it to {@link StreamBackend#execute}, and
 * refills the same object for its next op, so the call a backend receives is valid only until {@code execute}
 * returns. A backend that runs the kernel later (a host stream's own thread, a deferred launch) copies what it
 * needs before returning: the whole call with {@link #copyFrom} into a slot it owns, or the {@link TensorRef}s it
 * reads (refs are immutable and may be kept). Enqueueing native work that reads the addresses is not "later": the
 * addresses stay valid until the work completes, as {@link StreamBackend} says.
 *
 * <p>Thread-safety: none. Whoever owns a slot fills and reads it on one thread at a time; the runtime relies on a
 * stream's ops being enqueued by one thread at a time ({@link StreamBackend}'s contract), and a backend that hands
 * its own copy to another thread publishes it safely (through a concurrent queue, for example).
 */
public final class KernelCall {
    private static final TensorRef[] NONE = {};

    private Op op;
    private OpAttributes attributes;
    private TensorRef[] inputs = NONE;
    private TensorRef[] outputs = NONE;
    private int inputCount;
    private int outputCount;

    /** An empty slot, to be filled with {@link #set} or {@link #copyFrom}. */
    public KernelCall() {}

    /** A call over these refs, owned by its creator (a test, or a backend's call to one of its own kernels). */
    public KernelCall(Op op, OpAttributes attributes, List<TensorRef> inputs, List<TensorRef> outputs) {
        set(op, attributes, inputs.size(), outputs.size());
        for (int i = 0; i < inputCount; i++) setInput(i, inputs.get(i));
        for (int i = 0; i < outputCount; i++) setOutput(i, outputs.get(i));
    }

    /**
     * Starts filling this slot for another op: sets the op, its attributes and the number of inputs and outputs,
     * whose refs the caller then sets with {@link #setInput} and {@link #setOutput}. Allocates only when the slot
     * has never held that many refs.
     *
     * @return this slot
     */
    public KernelCall set(Op op, OpAttributes attributes, int inputCount, int outputCount) {
        this.op = Objects.requireNonNull(op, "op");
        this.attributes = Objects.requireNonNull(attributes, "attributes");
        if (inputs.length < inputCount) inputs = new TensorRef[inputCount];
        if (outputs.length < outputCount) outputs = new TensorRef[outputCount];
        // refs beyond the new counts are unreachable through this slot: drop them so clear() need not know of them
        if (inputCount < this.inputCount) Arrays.fill(inputs, inputCount, this.inputCount, null);
        if (outputCount < this.outputCount) Arrays.fill(outputs, outputCount, this.outputCount, null);
        this.inputCount = inputCount;
        this.outputCount = outputCount;
        return this;
    }

    public void setInput(int i, TensorRef ref) { inputs[Objects.checkIndex(i, inputCount)] = ref; }

    public void setOutput(int i, TensorRef ref) { outputs[Objects.checkIndex(i, outputCount)] = ref; }

    /**
     * Makes this slot a copy of {@code other} (whose refs it then shares; refs are immutable), for a backend that
     * runs the kernel after {@code execute} returned.
     *
     * @return this slot
     */
    public KernelCall copyFrom(KernelCall other) {
        set(other.op, other.attributes, other.inputCount, other.outputCount);
        System.arraycopy(other.inputs, 0, inputs, 0, inputCount);
        System.arraycopy(other.outputs, 0, outputs, 0, outputCount);
        return this;
    }

    /** Drops the refs and attributes, so a slot kept for reuse does not keep them reachable. */
    public void clear() {
        Arrays.fill(inputs, 0, inputCount, null);
        Arrays.fill(outputs, 0, outputCount, null);
        inputCount = outputCount = 0;
        op = null;
        attributes = null;
    }

    public Op op() { return op; }

    public OpAttributes attributes() { return attributes; }

    public int inputCount() { return inputCount; }

    public int outputCount() { return outputCount; }

    /** Input {@code i}, in the order the op's spec names them. */
    public TensorRef input(int i) { return inputs[Objects.checkIndex(i, inputCount)]; }

    public TensorRef output(int i) { return outputs[Objects.checkIndex(i, outputCount)]; }

    /** A copy of the inputs, which may be kept; for code off the per-op path (it allocates). */
    public List<TensorRef> inputs() { return Arrays.asList(Arrays.copyOf(inputs, inputCount)); }

    /** A copy of the outputs, which may be kept; for code off the per-op path (it allocates). */
    public List<TensorRef> outputs() { return Arrays.asList(Arrays.copyOf(outputs, outputCount)); }

    @Override
    public String toString() {
        return "KernelCall[" + op + ", " + attributes + ", inputs=" + inputs() + ", outputs=" + outputs() + "]";
    }
}
