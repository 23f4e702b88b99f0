package io.kuaxin;

import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;

/**
 * The ops front door: one call for every device. Each op validates its arguments completely (shapes, dtypes,
 * devices, aliasing; {@link InvalidArgumentException} names the offending argument and the fix) before anything
 * reaches a backend, allocates its output on the inputs' device, enqueues on that device's default stream and
 * returns without waiting. For explicit streams and fallback policies use {@link #on(Stream)} and
 * {@link #withFallback(FallbackPolicy)}, which return an {@link OpContext} with the same ops.
 *
 * <p>Ownership: a new output belongs to the {@link Scope} of the op's first input, if any, else to the caller.
 * Methods taking {@code out} write into it and return it.
 *
 * <p>Errors: {@link InvalidArgumentException} for bad arguments (nothing was enqueued and the device is unchanged);
 * {@link ClosedResourceException} for closed tensors; {@link UnsupportedOpException} if the device cannot run the
 * op and the fallback policy is {@link FallbackPolicy#FAIL}. Dtype rules and semantics of each op are in its spec
 * in {@code io.kuaxin.op} ({@link io.kuaxin.op.OpSpecs}).
 *
 * <p>Every op of the catalog is callable through {@link #call(Op, OpAttributes, Tensor...)}, with its attribute
 * record; the typed methods ({@link #add(Tensor, Tensor)}, {@link #matmul(Tensor, Tensor, Matmul)}, ...) build
 * that record from their arguments and take the same path.
 *
 * <p>Thread-safe: ops may be called from any thread; work on one stream runs in enqueue order.
 */
public final class Ops {
    private static final OpContext D = OpContext.DEFAULT;

    private Ops() {}

    /** A context enqueueing on {@code stream}. */
    public static OpContext on(Stream stream) { return D.on(stream); }

    /** A context with fallback policy {@code policy}. */
    public static OpContext withFallback(FallbackPolicy policy) { return D.withFallback(policy); }

    /**
     * Runs {@code op} on {@code inputs} (in its spec's order) into a new tensor, exactly as its typed method does;
     * see {@link OpContext#call(Op, OpAttributes, Tensor...)}. E.g. {@code Ops.call(Op.ADD, OpAttributes.NONE, a, b)}
     * is {@code Ops.add(a, b)}.
     */
    public static Tensor call(Op op, OpAttributes attrs, Tensor... inputs) { return D.call(op, attrs, inputs); }

    /** As {@link #call(Op, OpAttributes, Tensor...)}, into {@code out}; see {@link OpContext#callInto}. */
    public static Tensor callInto(Tensor out, Op op, OpAttributes attrs, Tensor... inputs) {
        return D.callInto(out, op, attrs, inputs);
    }

    /** Packs a weight once for the matmuls that use it; see {@link OpContext#prepack(Tensor)}. */
    public static Tensor prepack(Tensor weight) { return D.prepack(weight); }

    /** A contiguous copy of {@code x}. */
    public static Tensor copy(Tensor x) { return D.copy(x); }

    /** Copies {@code x} into the contiguous {@code out}. */
    public static Tensor copy(Tensor x, Tensor out) { return D.copy(x, out); }

    /** {@code a·b}; see {@link OpContext#matmul(Tensor, Tensor, Matmul, Tensor)}. */
    public static Tensor matmul(Tensor a, Tensor b) { return D.matmul(a, b); }

    /** {@code epilogue(alpha·op(a)·op(b) + beta·c + bias)}. */
    public static Tensor matmul(Tensor a, Tensor b, Matmul options) { return D.matmul(a, b, options); }

    /** As {@link #matmul(Tensor, Tensor, Matmul)}, into {@code out}. */
    public static Tensor matmul(Tensor a, Tensor b, Matmul options, Tensor out) { return D.matmul(a, b, options, out); }

    /** Non-causal attention, scale {@code 1/√D}. */
    public static Tensor attention(Tensor q, Tensor k, Tensor v) { return D.attention(q, k, v); }

    /** Scaled dot-product attention; see {@link OpContext#attention(Tensor, Tensor, Tensor, Attention)}. */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, Attention options) {
        return D.attention(q, k, v, options);
    }

    /** Softmax along the last axis. */
    public static Tensor softmax(Tensor x) { return D.softmax(x); }

    /** Softmax along {@code axis}. */
    public static Tensor softmax(Tensor x, int axis) { return D.softmax(x, axis); }

    /** Layer norm over the last dimension; gamma and beta may be null. */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        return D.layerNorm(x, gamma, beta, eps);
    }

    /** RMS norm over the last dimension; gamma may be null. */
    public static Tensor rmsNorm(Tensor x, Tensor gamma, double eps) { return D.rmsNorm(x, gamma, eps); }

    /** Rotary position embedding. */
    public static Tensor rope(Tensor x, Rope options) { return D.rope(x, options); }

    public static Tensor add(Tensor a, Tensor b) { return D.add(a, b); }

    public static Tensor add(Tensor a, Tensor b, Tensor out) { return D.add(a, b, out); }

    public static Tensor sub(Tensor a, Tensor b) { return D.sub(a, b); }

    public static Tensor sub(Tensor a, Tensor b, Tensor out) { return D.sub(a, b, out); }

    public static Tensor mul(Tensor a, Tensor b) { return D.mul(a, b); }

    public static Tensor mul(Tensor a, Tensor b, Tensor out) { return D.mul(a, b, out); }

    public static Tensor div(Tensor a, Tensor b) { return D.div(a, b); }

    public static Tensor div(Tensor a, Tensor b, Tensor out) { return D.div(a, b, out); }

    public static Tensor silu(Tensor x) { return D.silu(x); }

    public static Tensor silu(Tensor x, Tensor out) { return D.silu(x, out); }

    public static Tensor geluTanh(Tensor x) { return D.geluTanh(x); }

    public static Tensor geluTanh(Tensor x, Tensor out) { return D.geluTanh(x, out); }

    public static Tensor geluErf(Tensor x) { return D.geluErf(x); }

    public static Tensor geluErf(Tensor x, Tensor out) { return D.geluErf(x, out); }

    public static Tensor relu(Tensor x) { return D.relu(x); }

    public static Tensor relu(Tensor x, Tensor out) { return D.relu(x, out); }

    public static Tensor exp(Tensor x) { return D.exp(x); }

    public static Tensor exp(Tensor x, Tensor out) { return D.exp(x, out); }

    /** {@code x} converted to {@code dtype}. */
    public static Tensor cast(Tensor x, DType dtype) { return D.cast(x, dtype); }

    /** {@code x} converted into {@code out} (its dtype is the target). */
    public static Tensor cast(Tensor x, Tensor out) { return D.cast(x, out); }

    public static Tensor sum(Tensor x, int axis) { return D.sum(x, axis); }

    public static Tensor sum(Tensor x, int axis, boolean keepDims) { return D.sum(x, axis, keepDims); }

    public static Tensor max(Tensor x, int axis) { return D.max(x, axis); }

    public static Tensor max(Tensor x, int axis, boolean keepDims) { return D.max(x, axis, keepDims); }

    public static Tensor mean(Tensor x, int axis) { return D.mean(x, axis); }

    public static Tensor mean(Tensor x, int axis, boolean keepDims) { return D.mean(x, axis, keepDims); }

    public static Tensor argmax(Tensor x, int axis) { return D.argmax(x, axis); }

    public static Tensor argmax(Tensor x, int axis, boolean keepDims) { return D.argmax(x, axis, keepDims); }

    /** Rows of {@code table} gathered by {@code ids}. */
    public static Tensor embedding(Tensor table, Tensor ids) { return D.embedding(table, ids); }
}
