package io.kuaxin;

import io.kuaxin.op.Op;
import io.kuaxin.op.TensorType;

import java.util.ArrayList;
import java.util.List;

/** Argument checks shared by the op methods of {@link OpContext}: nulls, closed tensors, outputs, aliasing. */
final class FrontDoor {
    private FrontDoor() {}

    static Tensor need(Op op, String name, Tensor t) {
        if (t == null) throw new InvalidArgumentException(op.label() + ": " + name + " is null");
        t.checkOpen();
        return t;
    }

    static List<TensorType> types(List<Tensor> in) {
        List<TensorType> out = new ArrayList<>(in.size());
        for (Tensor t : in) out.add(new TensorType(t.dtype(), t.shape()));
        return out;
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
     * except one of {@code inPlace} viewed identically (element {@code i} read and written by the same step).
     */
    static void checkOut(Op op, Tensor out, TensorType expected, List<Tensor> inputs, List<Tensor> inPlace) {
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
            if (inPlace.contains(in) && sameView(out, in)) continue;
            throw new InvalidArgumentException(op.label() + ": out overlaps input " + i + " (" + in + ")"
                    + (inPlace.isEmpty() ? "" : " in a way that is not element-for-element in place")
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
        long[] st = t.strides();
        for (int i = 0; i < t.rank(); i++) last += (t.shape().dim(i) - 1) * st[i];
        return (last + 1) * t.dtype().byteSize();
    }

    static boolean sameView(Tensor a, Tensor b) {
        return a.storage == b.storage && a.address() == b.address() && a.shape().equals(b.shape())
                && a.dtype().byteSize() == b.dtype().byteSize()
                && java.util.Arrays.equals(a.strides(), b.strides());
    }
}
