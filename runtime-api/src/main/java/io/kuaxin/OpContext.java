package io.kuaxin;

import io.kuaxin.internal.memory.Storage;
import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.CastAttrs;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.op.OpSpecs;
import io.kuaxin.op.ReduceAttrs;
import io.kuaxin.op.RopeAttrs;
import io.kuaxin.op.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Where and how ops run: on a given stream (or each op on its inputs' device's default stream) under a
 * {@link FallbackPolicy} (or the runtime's). Immutable and thread-safe; get one from {@link Ops#on(Stream)} or
 * {@link Ops#withFallback(FallbackPolicy)}.
 *
 * <p>Every op validates its arguments completely before anything reaches a backend, allocates its outputs on the
 * executing device (owned by the scope of its first input, if any), enqueues, and returns without waiting.
 */
public final class OpContext {
    static final OpContext DEFAULT = new OpContext(null, null);

    private final Stream stream;
    private final FallbackPolicy policy;

    OpContext(Stream stream, FallbackPolicy policy) {
        this.stream = stream;
        this.policy = policy;
    }

    /** This context with ops enqueued on {@code s}. */
    public OpContext on(Stream s) { return new OpContext(s, policy); }

    /** This context with fallback policy {@code p}. */
    public OpContext withFallback(FallbackPolicy p) { return new OpContext(stream, p); }

    // ---------------------------------------------------------------- ops
    //
    // Every method: null/closed checks, the op's spec (io.kuaxin.op) validates and infers the output, broadcast
    // inputs are expanded to the shapes the kernel contract names, then run() places and enqueues.

    /**
     * Runs a validated single-output op; closes the temporary broadcast views afterwards (the stream keeps their
     * memory alive while the op is in flight).
     */
    private Tensor exec(Op op, OpAttributes attrs, List<Tensor> kernelInputs, TensorType out, Tensor given,
                        List<Tensor> views) {
        try {
            return OpRunner.run(stream, policy, op, attrs, kernelInputs, List.of(new OpRunner.Out(out.dtype(), out.shape())),
                    given == null ? List.of() : java.util.Collections.singletonList(given)).getFirst();
        } finally {
            for (Tensor v : views) v.closeQuietly();
        }
    }

    /** A contiguous copy of {@code x} (any strides, including broadcast views) on its device. */
    public Tensor copy(Tensor x) { return copy(x, null); }

    /**
     * Copies {@code x} into the contiguous tensor {@code out} of the same dtype and shape.
     *
     * @throws InvalidArgumentException if {@code out} differs in dtype or shape, is strided, or overlaps {@code x}
     */
    public Tensor copy(Tensor x, Tensor out) {
        FrontDoor.need(Op.COPY, "x", x);
        TensorType t = OpSpecs.infer(Op.COPY, OpAttributes.NONE, FrontDoor.types(List.of(x)));
        if (out != null) FrontDoor.checkOut(Op.COPY, out, t, List.of(x), List.of());
        return exec(Op.COPY, OpAttributes.NONE, List.of(x), t, out, List.of());
    }

    // ---------------------------------------------------------------- matmul, attention

    /**
     * Prepares a weight that will be the right-hand operand {@code b} of many matmuls: its device's backend may pack
     * it once into its own layout (the CPU backend: its GEMM's panels), and every later matmul with exactly this
     * tensor as {@code b} (not transposed, same view) skips packing it. Results are the same as without.
     *
     * <p>Waits for all work on the device, then marks the weight's memory read-only: ops refuse it (and every view
     * of its memory) as an output and host copies refuse it as a destination, with {@link InvalidArgumentException},
     * so the packed form cannot go stale. Every op can still read it, as before; backends that do not pack return it
     * untouched apart from that mark. The packed form lives as long as the weight's memory. Calling it again on the
     * same memory does nothing more.
     *
     * @param weight a 2-D F32, F16 or BF16 tensor
     * @return {@code weight} itself
     * @throws InvalidArgumentException if the weight is null, closed, not 2-D or not floating point
     */
    public Tensor prepack(Tensor weight) {
        FrontDoor.need(Op.MATMUL, "weight", weight);
        weight.checkOpen();
        if (weight.rank() != 2) {
            throw new InvalidArgumentException("prepack: weight " + weight + " must be 2-D [K, N]; reshape it first");
        }
        if (weight.dtype() != DType.F32 && weight.dtype() != DType.F16 && weight.dtype() != DType.BF16) {
            throw new InvalidArgumentException("prepack: weight " + weight + " must be F32, F16 or BF16");
        }
        Storage st = weight.storage;
        weight.device().defaultStream().bringHome(st); // before the wait below, so the weight's data is here
        synchronized (st) {
            if (st.readOnly) return weight;
            st.readOnly = true;            // first, so no write can be enqueued while it is packed
            weight.device().synchronize(); // then every write already enqueued has landed
            st.packed = weight.device().spi.prepack(weight.ref());
        }
        return weight;
    }

    /** {@code a·b} with default {@link Matmul} options. */
    public Tensor matmul(Tensor a, Tensor b) { return matmul(a, b, Matmul.options(), null); }

    /** {@code epilogue(alpha·op(a)·op(b) + beta·c + bias)}, into a new tensor. */
    public Tensor matmul(Tensor a, Tensor b, Matmul options) { return matmul(a, b, options, null); }

    /**
     * {@code epilogue(alpha·op(a)·op(b) + beta·c + bias)} (see {@link io.kuaxin.op.MatmulSpec}) into {@code out}, or
     * a new tensor if {@code out} is null. {@code out} may be the accumulated {@code c} itself (in place), but must
     * not overlap {@code a}, {@code b} or the bias.
     *
     * @return {@code out}, or the new output (owned by {@code a}'s scope, if any)
     * @throws InvalidArgumentException naming the argument whose shape, dtype, device or layout is wrong
     * @throws UnsupportedOpException   if the device cannot run it and the fallback policy is FAIL
     */
    public Tensor matmul(Tensor a, Tensor b, Matmul options, Tensor out) {
        Op op = Op.MATMUL;
        FrontDoor.need(op, "a", a);
        FrontDoor.need(op, "b", b);
        if (options == null) throw new InvalidArgumentException("matmul: options is null; use Matmul.options()");
        List<Tensor> in = new ArrayList<>(List.of(a, b));
        if (options.c() != null) in.add(FrontDoor.need(op, "c", options.c()));
        if (options.bias() != null) in.add(FrontDoor.need(op, "bias", options.bias()));
        DType outDtype = options.outDtype() != null ? options.outDtype() : a.dtype() == DType.I8 ? DType.I32 : a.dtype();
        MatmulAttrs at = new MatmulAttrs(options.isTransposeA(), options.isTransposeB(), options.alpha(),
                options.beta(), options.c() != null, options.bias() != null, options.epilogue(), outDtype,
                options.isReducedPrecisionReductionAllowed());
        TensorType t = OpSpecs.infer(op, at, FrontDoor.types(in));
        if (out != null) {
            FrontDoor.checkOut(op, out, t, in, options.c() == null ? List.of() : List.of(options.c()));
        }
        // Kernel contract: a, b expanded to the output's batch dims; c expanded to the output's shape.
        List<Tensor> views = new ArrayList<>();
        Shape os = t.shape();
        int br = os.rank() - 2;
        List<Tensor> k = new ArrayList<>();
        k.add(FrontDoor.expand(a, withBatch(os, br, a.shape()), views));
        k.add(FrontDoor.expand(b, withBatch(os, br, b.shape()), views));
        if (options.c() != null) k.add(FrontDoor.expand(options.c(), os, views));
        if (options.bias() != null) k.add(options.bias());
        return exec(op, at, k, t, out, views);
    }

    private static Shape withBatch(Shape out, int batchRank, Shape x) {
        long[] d = new long[batchRank + 2];
        for (int i = 0; i < batchRank; i++) d[i] = out.dim(i);
        d[batchRank] = x.dim(-2);
        d[batchRank + 1] = x.dim(-1);
        return Shape.of(d);
    }

    /** Non-causal attention with scale {@code 1/√D}. */
    public Tensor attention(Tensor q, Tensor k, Tensor v) { return attention(q, k, v, Attention.defaults()); }

    /**
     * Scaled dot-product attention (see {@link io.kuaxin.op.AttentionAttrs}): q {@code [B, Hq, Lq, D]}, k and v
     * {@code [B, Hkv, Lkv, D]} (any strides), output like q, owned by q's scope if any.
     *
     * @throws InvalidArgumentException naming the argument whose shape, dtype or device is wrong
     * @throws UnsupportedOpException   if the device cannot run it and the fallback policy is FAIL
     */
    public Tensor attention(Tensor q, Tensor k, Tensor v, Attention options) {
        Op op = Op.ATTENTION;
        FrontDoor.need(op, "q", q);
        FrontDoor.need(op, "k", k);
        FrontDoor.need(op, "v", v);
        if (options == null) throw new InvalidArgumentException("attention: options is null; use Attention.defaults()");
        List<Tensor> in = new ArrayList<>(List.of(q, k, v));
        if (options.mask() != null) in.add(FrontDoor.need(op, "mask", options.mask()));
        if (options.kvLengths() != null) in.add(FrontDoor.need(op, "kvLengths", options.kvLengths()));
        float scale = options.scale();
        if (Float.isNaN(scale)) scale = q.rank() == 4 && q.shape().dim(3) > 0 ? (float) (1 / Math.sqrt(q.shape().dim(3))) : 1f;
        AttentionAttrs at = new AttentionAttrs(scale, options.isCausal(), options.mask() != null,
                options.kvLengths() != null);
        TensorType t = OpSpecs.infer(op, at, FrontDoor.types(in));
        if (options.kvHeads() > 0 && k.shape().dim(1) != options.kvHeads()) {
            throw new InvalidArgumentException("attention: kvHeads(" + options.kvHeads() + ") was asked for but k "
                    + k.shape() + " has " + k.shape().dim(1) + " heads");
        }
        List<Tensor> views = new ArrayList<>();
        List<Tensor> kin = new ArrayList<>(List.of(q, k, v));
        if (options.mask() != null) {
            Shape scores = Shape.of(q.shape().dim(0), q.shape().dim(1), q.shape().dim(2), k.shape().dim(2));
            kin.add(FrontDoor.expand(options.mask(), scores, views)); // contract: mask is [B, Hq, Lq, Lkv]
        }
        if (options.kvLengths() != null) kin.add(options.kvLengths());
        return exec(op, at, kin, t, null, views);
    }

    // ---------------------------------------------------------------- softmax, norms, rope

    /** Softmax along the last axis. */
    public Tensor softmax(Tensor x) { return softmax(x, -1); }

    /**
     * Numerically stable softmax of a float tensor along {@code axis} (negative counts from the end).
     *
     * @throws InvalidArgumentException if x is not float or the axis is out of range
     */
    public Tensor softmax(Tensor x, int axis) {
        FrontDoor.need(Op.SOFTMAX, "x", x);
        AxisAttrs at = new AxisAttrs(normalise(Op.SOFTMAX, axis, x.rank()));
        TensorType t = OpSpecs.infer(Op.SOFTMAX, at, FrontDoor.types(List.of(x)));
        return exec(Op.SOFTMAX, at, List.of(x), t, null, List.of());
    }

    /**
     * Layer norm over the last dimension: {@code (x - mean)/sqrt(var + eps)·gamma + beta}; {@code gamma} and
     * {@code beta} ({@code [D]}) may be null.
     */
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        return norm(Op.LAYER_NORM, x, gamma, beta, eps);
    }

    /** RMS norm over the last dimension: {@code x/sqrt(mean(x²) + eps)·gamma}; {@code gamma} may be null. */
    public Tensor rmsNorm(Tensor x, Tensor gamma, double eps) { return norm(Op.RMS_NORM, x, gamma, null, eps); }

    private Tensor norm(Op op, Tensor x, Tensor gamma, Tensor beta, double eps) {
        FrontDoor.need(op, "x", x);
        List<Tensor> in = new ArrayList<>(List.of(x));
        if (gamma != null) in.add(FrontDoor.need(op, "gamma", gamma));
        if (beta != null) in.add(FrontDoor.need(op, "beta", beta));
        NormAttrs at = new NormAttrs(eps, gamma != null, beta != null);
        TensorType t = OpSpecs.infer(op, at, FrontDoor.types(in));
        return exec(op, at, in, t, null, List.of());
    }

    /**
     * Rotary position embedding of {@code x} ({@code [..., L, D]}), see {@link io.kuaxin.op.RopeAttrs}.
     *
     * @throws InvalidArgumentException if x is not float, D or rotaryDims is odd, or positions do not broadcast
     */
    public Tensor rope(Tensor x, Rope options) {
        Op op = Op.ROPE;
        FrontDoor.need(op, "x", x);
        if (options == null) throw new InvalidArgumentException("rope: options is null; use Rope.halfSplit()");
        List<Tensor> in = new ArrayList<>(List.of(x));
        if (options.positions() != null) in.add(FrontDoor.need(op, "positions", options.positions()));
        int r = options.rotaryDims() > 0 ? options.rotaryDims() : x.rank() > 0 ? (int) Math.min(x.shape().dim(-1), Integer.MAX_VALUE) : 0;
        RopeAttrs at = new RopeAttrs(options.mode(), options.base(), r, options.start(),
                normalise(op, options.seqAxis(), x.rank()), options.positions() != null);
        TensorType t = OpSpecs.infer(op, at, FrontDoor.types(in));
        List<Tensor> views = new ArrayList<>();
        List<Tensor> kin = new ArrayList<>(List.of(x));
        if (options.positions() != null) { // contract: positions is x's shape without its last dimension
            kin.add(FrontDoor.expand(options.positions(), io.kuaxin.op.Broadcast.prefix(x.shape(), x.rank() - 1), views));
        }
        return exec(op, at, kin, t, null, views);
    }

    private static int normalise(Op op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new InvalidArgumentException(op.label() + ": axis " + axis + " is out of range for rank " + rank
                    + " (valid: " + (-rank) + " to " + (rank - 1) + ")");
        }
        return a;
    }

    // ---------------------------------------------------------------- element-wise

    /** {@code a + b} with broadcasting and {@link io.kuaxin.op.Promotion dtype promotion}. */
    public Tensor add(Tensor a, Tensor b) { return binary(Op.ADD, a, b, null); }

    /** {@code a + b} into {@code out} (which may be {@code a} or {@code b} itself when not broadcast). */
    public Tensor add(Tensor a, Tensor b, Tensor out) { return binary(Op.ADD, a, b, out); }

    /** {@code a - b}. */
    public Tensor sub(Tensor a, Tensor b) { return binary(Op.SUB, a, b, null); }

    public Tensor sub(Tensor a, Tensor b, Tensor out) { return binary(Op.SUB, a, b, out); }

    /** {@code a · b}. */
    public Tensor mul(Tensor a, Tensor b) { return binary(Op.MUL, a, b, null); }

    public Tensor mul(Tensor a, Tensor b, Tensor out) { return binary(Op.MUL, a, b, out); }

    /** {@code a / b}; integer division truncates, and {@code x / 0 = 0} for integers. */
    public Tensor div(Tensor a, Tensor b) { return binary(Op.DIV, a, b, null); }

    public Tensor div(Tensor a, Tensor b, Tensor out) { return binary(Op.DIV, a, b, out); }

    private Tensor binary(Op op, Tensor a, Tensor b, Tensor out) {
        FrontDoor.need(op, "a", a);
        FrontDoor.need(op, "b", b);
        TensorType t = OpSpecs.infer(op, OpAttributes.NONE, FrontDoor.types(List.of(a, b)));
        if (out != null) FrontDoor.checkOut(op, out, t, List.of(a, b), List.of(a, b));
        List<Tensor> views = new ArrayList<>(); // contract: both inputs have the output's shape
        List<Tensor> kin = List.of(FrontDoor.expand(a, t.shape(), views), FrontDoor.expand(b, t.shape(), views));
        return exec(op, OpAttributes.NONE, kin, t, out, views);
    }

    /** {@code x·sigmoid(x)}. */
    public Tensor silu(Tensor x) { return unary(Op.SILU, x, null); }

    public Tensor silu(Tensor x, Tensor out) { return unary(Op.SILU, x, out); }

    /** GELU, tanh approximation. */
    public Tensor geluTanh(Tensor x) { return unary(Op.GELU_TANH, x, null); }

    public Tensor geluTanh(Tensor x, Tensor out) { return unary(Op.GELU_TANH, x, out); }

    /** GELU, exact (erf). */
    public Tensor geluErf(Tensor x) { return unary(Op.GELU_ERF, x, null); }

    public Tensor geluErf(Tensor x, Tensor out) { return unary(Op.GELU_ERF, x, out); }

    /** {@code max(x, 0)}. */
    public Tensor relu(Tensor x) { return unary(Op.RELU, x, null); }

    public Tensor relu(Tensor x, Tensor out) { return unary(Op.RELU, x, out); }

    /** {@code e^x}. */
    public Tensor exp(Tensor x) { return unary(Op.EXP, x, null); }

    public Tensor exp(Tensor x, Tensor out) { return unary(Op.EXP, x, out); }

    private Tensor unary(Op op, Tensor x, Tensor out) {
        FrontDoor.need(op, "x", x);
        TensorType t = OpSpecs.infer(op, OpAttributes.NONE, FrontDoor.types(List.of(x)));
        if (out != null) FrontDoor.checkOut(op, out, t, List.of(x), List.of(x));
        return exec(op, OpAttributes.NONE, List.of(x), t, out, List.of());
    }

    /** {@code x} converted to {@code dtype} (see {@link DType#setFromDouble} for the rounding rules). */
    public Tensor cast(Tensor x, DType dtype) {
        FrontDoor.need(Op.CAST, "x", x);
        CastAttrs at = new CastAttrs(dtype);
        return exec(Op.CAST, at, List.of(x), OpSpecs.infer(Op.CAST, at, FrontDoor.types(List.of(x))), null, List.of());
    }

    /** {@code x} converted to {@code out}'s dtype, into {@code out}. */
    public Tensor cast(Tensor x, Tensor out) {
        FrontDoor.need(Op.CAST, "x", x);
        FrontDoor.need(Op.CAST, "out", out);
        CastAttrs at = new CastAttrs(out.dtype());
        TensorType t = OpSpecs.infer(Op.CAST, at, FrontDoor.types(List.of(x)));
        FrontDoor.checkOut(Op.CAST, out, t, List.of(x), List.of(x));
        return exec(Op.CAST, at, List.of(x), t, out, List.of());
    }

    // ---------------------------------------------------------------- reductions, embedding

    /** Sum along {@code axis}, dropping it. */
    public Tensor sum(Tensor x, int axis) { return reduce(Op.SUM, x, axis, false); }

    /** Sum along {@code axis}; floats keep their dtype, integers and bool give i64. */
    public Tensor sum(Tensor x, int axis, boolean keepDims) { return reduce(Op.SUM, x, axis, keepDims); }

    public Tensor max(Tensor x, int axis) { return reduce(Op.MAX, x, axis, false); }

    /** Maximum along {@code axis} (NaN wins). */
    public Tensor max(Tensor x, int axis, boolean keepDims) { return reduce(Op.MAX, x, axis, keepDims); }

    public Tensor mean(Tensor x, int axis) { return reduce(Op.MEAN, x, axis, false); }

    /** Mean along {@code axis} of a float tensor. */
    public Tensor mean(Tensor x, int axis, boolean keepDims) { return reduce(Op.MEAN, x, axis, keepDims); }

    public Tensor argmax(Tensor x, int axis) { return reduce(Op.ARGMAX, x, axis, false); }

    /** Index (i64) of the first maximum along {@code axis}. */
    public Tensor argmax(Tensor x, int axis, boolean keepDims) { return reduce(Op.ARGMAX, x, axis, keepDims); }

    private Tensor reduce(Op op, Tensor x, int axis, boolean keepDims) {
        FrontDoor.need(op, "x", x);
        ReduceAttrs at = new ReduceAttrs(normalise(op, axis, x.rank()), keepDims);
        TensorType t = OpSpecs.infer(op, at, FrontDoor.types(List.of(x)));
        return exec(op, at, List.of(x), t, null, List.of());
    }

    /**
     * Rows of {@code table} ({@code [V, D]}) gathered by {@code ids} (i32/i64, any shape): {@code ids.shape + [D]}.
     * An id outside {@code [0, V)} gives a row of zeros (ids are device data, not checked here).
     */
    public Tensor embedding(Tensor table, Tensor ids) {
        FrontDoor.need(Op.EMBEDDING, "table", table);
        FrontDoor.need(Op.EMBEDDING, "ids", ids);
        TensorType t = OpSpecs.infer(Op.EMBEDDING, OpAttributes.NONE, FrontDoor.types(List.of(table, ids)));
        return exec(Op.EMBEDDING, OpAttributes.NONE, List.of(table, ids), t, null, List.of());
    }
}
