package io.kuaxin;

import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.op.OpSpec;
import io.kuaxin.op.OpSpecs;
import io.kuaxin.op.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * The one path every op takes, whichever method called it ({@code Ops.call}, a typed op method,
 * {@link Tensor#contiguous}): the attribute type and input count, nulls and closed tensors, the op's spec, the
 * caller's output and aliasing, the kernel contract's broadcast views, then {@link OpRunner} places, allocates
 * and enqueues.
 */
final class FrontDoor {
    private FrontDoor() {}

    /**
     * Validates and runs one op.
     *
     * @param stream where it goes, or null for its device's default stream
     * @param policy the fallback policy, or null for the runtime's
     * @param inputs the inputs, read before this returns (a caller's array may change afterwards)
     * @param out    a caller-provided output, or null for a new one
     * @param check  an extra check once the spec has accepted the inputs (a typed method's option), or null
     * @return {@code out}, or the new output (owned by the first input's scope, if any)
     */
    static Tensor call(Stream stream, FallbackPolicy policy, Op op, OpAttributes attrs, List<Tensor> inputs,
                       Tensor out, Runnable check) {
        if (op == null) throw new InvalidArgumentException("op is null; pass one of io.kuaxin.op.Op");
        if (inputs == null) throw new InvalidArgumentException(op.label() + ": inputs is null; pass the tensors");
        CallFrame f = CallFrame.enter();
        try {
            for (int i = 0, n = inputs.size(); i < n; i++) f.inputs.push(inputs.get(i));
            return call(stream, policy, op, op.spec(), attrs, f, out, check);
        } finally {
            f.exit();
        }
    }

    /** {@link #call(Stream, FallbackPolicy, Op, OpAttributes, List, Tensor, Runnable)} of one input. */
    static Tensor call(Stream stream, FallbackPolicy policy, Op op, OpAttributes attrs, Tensor x, Tensor out) {
        CallFrame f = CallFrame.enter();
        try {
            f.inputs.push(x);
            return call(stream, policy, op, op.spec(), attrs, f, out, null);
        } finally {
            f.exit();
        }
    }

    /** {@link #call(Stream, FallbackPolicy, Op, OpAttributes, List, Tensor, Runnable)} of two inputs. */
    static Tensor call(Stream stream, FallbackPolicy policy, Op op, OpAttributes attrs, Tensor a, Tensor b,
                       Tensor out) {
        CallFrame f = CallFrame.enter();
        try {
            f.inputs.push(a);
            f.inputs.push(b);
            return call(stream, policy, op, op.spec(), attrs, f, out, null);
        } finally {
            f.exit();
        }
    }

    /**
     * {@link #call(Stream, FallbackPolicy, Op, OpAttributes, List, Tensor, Runnable)} of up to five inputs, for the
     * typed methods whose options add inputs (a matmul's bias, a norm's gamma): the first {@code required} go in as
     * given (a null one is reported by name), the others only where non-null, so no list is built per call.
     */
    static Tensor call(Stream stream, FallbackPolicy policy, Op op, OpAttributes attrs, int required, Tensor t0,
                       Tensor t1, Tensor t2, Tensor t3, Tensor t4, Tensor out, Runnable check) {
        CallFrame f = CallFrame.enter();
        try {
            push(f, 0, required, t0);
            push(f, 1, required, t1);
            push(f, 2, required, t2);
            push(f, 3, required, t3);
            push(f, 4, required, t4);
            return call(stream, policy, op, op.spec(), attrs, f, out, check);
        } finally {
            f.exit();
        }
    }

    private static void push(CallFrame f, int i, int required, Tensor t) {
        if (i < required || t != null) f.inputs.push(t);
    }

    private static <A extends OpAttributes> Tensor call(Stream stream, FallbackPolicy policy, Op op, OpSpec<A> spec,
                                                        OpAttributes attrs, CallFrame f, Tensor out,
                                                        Runnable check) {
        List<Tensor> in = f.inputs;
        A at = OpSpecs.attributes(op, spec, attrs);
        List<String> names = OpSpecs.inputs(op, at, in.size());
        for (int i = 0; i < names.size(); i++) need(op, names.get(i), in.get(i));
        List<TensorType> types = f.types; // a view of the inputs' types, read once they are known non-null
        TensorType t = out == null ? spec.infer(op, at, types) : spec.infer(op, at, types, out.type());
        if (check != null) check.run();
        if (out != null) checkOut(op, spec, at, out, t, in);
        // Kernel contract: broadcast inputs become stride-0 views of the shapes the spec names. Lists are made only
        // when an input actually grows, so the common call allocates nothing here.
        List<Tensor> kernelInputs = in;
        List<Tensor> views = null;
        try {
            for (int i = 0; i < in.size(); i++) {
                Shape target = spec.kernelShape(at, i, types, t);
                if (target == null || in.get(i).shape().equals(target)) continue;
                if (views == null) {
                    views = new ArrayList<>(2);
                    kernelInputs = new ArrayList<>(in);
                }
                kernelInputs.set(i, expand(in.get(i), target, views));
            }
            return OpRunner.run(stream, policy, op, at, kernelInputs, t, out, f);
        } finally {
            if (views != null) {
                for (Tensor v : views) v.closeQuietly(); // the stream keeps their memory alive while the op runs
            }
        }
    }

    static Tensor need(Op op, String name, Tensor t) {
        if (t == null) throw new InvalidArgumentException(op.label() + ": " + name + " is null");
        t.checkOpen();
        return t;
    }

    /**
     * A view of {@code t} broadcast to {@code target} (stride 0 where it grows), recorded in {@code views} for the
     * caller to close; {@code t} itself if it already has that shape. Kernels then see inputs of the output's shape.
     */
    static Tensor expand(Tensor t, Shape target, List<Tensor> views) {
        if (t.shape().equals(target)) return t;
        Tensor v = t.expand(target.toArray());
        views.add(v);
        return v;
    }

    /**
     * Checks a caller-provided output: open, the inferred dtype and shape, contiguous, and overlapping no input
     * except one the spec allows in place, viewed identically (element {@code i} read and written by the same step).
     */
    private static <A extends OpAttributes> void checkOut(Op op, OpSpec<A> spec, A at, Tensor out,
                                                          TensorType expected, List<Tensor> inputs) {
        need(op, "out", out);
        if (out.isReadOnly()) {
            throw new InvalidArgumentException(op.label() + ": out " + out + " is a prepacked weight (read-only); "
                    + "write into another tensor");
        }
        if (out.dtype() != expected.dtype()) {
            throw new InvalidArgumentException(op.label() + ": out is " + out.dtype().label() + " but the result is "
                    + expected.dtype().label() + "; pass an output of that dtype"
                    + (op == Op.MATMUL ? " or set Matmul.outDtype" : ""));
        }
        if (!out.shape().equals(expected.shape())) {
            throw new InvalidArgumentException(op.label() + ": out has shape " + out.shape() + " but the result has "
                    + expected.shape());
        }
        if (!out.isContiguous()) {
            throw new InvalidArgumentException(op.label() + ": out must be contiguous, but " + out
                    + " is a strided view; pass a contiguous tensor and copy into the view afterwards");
        }
        for (int i = 0; i < inputs.size(); i++) {
            Tensor in = inputs.get(i);
            if (!overlaps(out, in)) continue;
            if (spec.inPlace(at, i) && sameView(out, in)) continue;
            boolean anyInPlace = false;
            for (int j = 0; j < inputs.size(); j++) anyInPlace |= spec.inPlace(at, j);
            throw new InvalidArgumentException(op.label() + ": out overlaps input " + i + " (" + in + ")"
                    + (anyInPlace ? " in a way that is not element-for-element in place" : "")
                    + "; use a separate output tensor");
        }
    }

    static boolean overlaps(Tensor a, Tensor b) {
        if (a.storage != b.storage || a.numel() == 0 || b.numel() == 0) return false;
        long aLo = a.address(), aHi = aLo + span(a), bLo = b.address(), bHi = bLo + span(b);
        return aLo < bHi && bLo < aHi;
    }

    private static long span(Tensor t) {
        long last = 0;
        for (int i = 0; i < t.rank(); i++) last += (t.shape().dim(i) - 1) * t.stride(i);
        return (last + 1) * t.dtype().byteSize();
    }

    static boolean sameView(Tensor a, Tensor b) {
        if (a.storage != b.storage || a.address() != b.address() || !a.shape().equals(b.shape())
                || a.dtype().byteSize() != b.dtype().byteSize()) {
            return false;
        }
        for (int i = 0; i < a.rank(); i++) { // element by element: strides() would copy both arrays
            if (a.stride(i) != b.stride(i)) return false;
        }
        return true;
    }
}
