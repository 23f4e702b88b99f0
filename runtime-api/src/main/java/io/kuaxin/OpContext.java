package io.kuaxin;

import io.kuaxin.internal.memory.Storage;
import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.CastAttrs;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.op.ReduceAttrs;
import io.kuaxin.op.RopeAttrs;

import java.util.Arrays;
import java.util.List;

/**
 * Where and how ops run: on a given stream (or each op on its inputs' device's default stream) under a
 * {@link FallbackPolicy} (or the runtime's). Immutable and thread-safe; get one from {@link Ops#on(Stream)} or
 * {@link Ops#withFallback(FallbackPolicy)}.
 *
 * <p>Every op validates its arguments completely before anything reaches a backend, allocates its outputs on the
 * executing device (owned by the scope of its first input, if any), enqueues, and returns without waiting.
 *
 * <p>Threading: any number of threads may call one context at once (the {@link Ops} methods share one). The only
 * state a call changes is a cache of the last norm's attribute record, an immutable record held in a plain field:
 * a thread reads the field once, compares the record by value and builds its own when it does not match, so it
 * never runs with another call's eps; the record's final fields make a racy read see it whole. Threads that
 * alternate eps only build more records.
 */
public final class OpContext {
    static final OpContext DEFAULT = new OpContext(null, null);

    private final Stream stream;
    private final FallbackPolicy policy;
    /**
     * The norm attributes of the last norm through this context, reused while eps and the optional inputs match
     * (a model passes the same few each layer). Read once per call and compared by value, so a call only ever uses
     * a record equal to the one its arguments describe; records have final fields only, so an unsynchronised read
     * sees one whole, and a race only builds one more (see the class's threading note).
     */
    private NormAttrs lastNorm;

    /** The attribute records of the typed methods whose options are few values, built once (all immutable). */
    private static final CastAttrs[] CASTS = new CastAttrs[DType.values().length];
    private static final int CACHED_AXES = 8;
    private static final AxisAttrs[] AXES = new AxisAttrs[CACHED_AXES];
    private static final ReduceAttrs[] REDUCES = new ReduceAttrs[2 * CACHED_AXES];

    static {
        for (DType t : DType.values()) CASTS[t.ordinal()] = new CastAttrs(t);
        for (int i = 0; i < CACHED_AXES; i++) {
            AXES[i] = new AxisAttrs(i);
            REDUCES[2 * i] = new ReduceAttrs(i, false);
            REDUCES[2 * i + 1] = new ReduceAttrs(i, true);
        }
    }

    OpContext(Stream stream, FallbackPolicy policy) {
        this.stream = stream;
        this.policy = policy;
    }

    /** This context with ops enqueued on {@code s}. */
    public OpContext on(Stream s) { return new OpContext(s, policy); }

    /** This context with fallback policy {@code p}. */
    public OpContext withFallback(FallbackPolicy p) { return new OpContext(stream, p); }

    // ---------------------------------------------------------------- the generic front door
    //
    // Every op, typed or not, goes through FrontDoor.call: the op's spec (io.kuaxin.op) checks the attribute type,
    // the inputs and infers the output; inputs are expanded to the shapes its kernel contract names; OpRunner
    // places and enqueues. The typed methods below only build the attribute record from their options.

    /**
     * Runs {@code op} on {@code inputs} (in the order its spec names them, e.g. {@code a, b, bias} for a matmul
     * with a bias) into a new tensor. Validation, placement, allocation and ownership are exactly those of the
     * typed method for the op (e.g. {@link #add(Tensor, Tensor)}); this door serves every op of the catalog,
     * including ones without a typed method.
     *
     * @param attrs the op's attribute record (see {@link io.kuaxin.op.OpSpec#attributes()}), or
     *              {@link OpAttributes#NONE} for ops without attributes
     * @return the new output, owned by the first input's scope, if any
     * @throws InvalidArgumentException if the attributes are of another type than the op takes, the number of
     *                                  inputs is not the one they call for, or the spec rejects the inputs; the
     *                                  message names the argument and the fix
     * @throws ClosedResourceException  if an input is closed
     * @throws UnsupportedOpException   if the device cannot run it and the fallback policy is FAIL
     */
    public Tensor call(Op op, OpAttributes attrs, Tensor... inputs) {
        return FrontDoor.call(stream, policy, op, attrs, snapshot(inputs), null, null);
    }

    /**
     * As {@link #call(Op, OpAttributes, Tensor...)}, into {@code out} (a new tensor if null). {@code out} must have
     * the inferred dtype and shape, be contiguous, and not overlap an input unless the op allows that input in
     * place ({@link io.kuaxin.op.OpSpec#inPlace}) and {@code out} is that very view.
     *
     * @return {@code out}, or the new output
     * @throws InvalidArgumentException as {@link #call(Op, OpAttributes, Tensor...)}, or if {@code out} is wrong
     */
    public Tensor callInto(Tensor out, Op op, OpAttributes attrs, Tensor... inputs) {
        return FrontDoor.call(stream, policy, op, attrs, snapshot(inputs), out, null);
    }

    /** The caller's inputs, copied: the array may change once validation has read it. */
    private static List<Tensor> snapshot(Tensor[] inputs) { return inputs == null ? null : Arrays.asList(inputs.clone()); }

    /** Runs {@code op} for a typed method with a list of inputs; a null input is reported by its spec's name. */
    private Tensor run(Op op, OpAttributes attrs, Tensor out, List<Tensor> in) {
        return FrontDoor.call(stream, policy, op, attrs, in, out, null);
    }

    /** Runs a one-input op for a typed method; no list is built for the input. */
    private Tensor run(Op op, OpAttributes attrs, Tensor out, Tensor x) {
        return FrontDoor.call(stream, policy, op, attrs, x, out);
    }

    /** Runs a two-input op for a typed method; no list is built for the inputs. */
    private Tensor run(Op op, OpAttributes attrs, Tensor out, Tensor a, Tensor b) {
        return FrontDoor.call(stream, policy, op, attrs, a, b, out);
    }

    /** A contiguous copy of {@code x} (any strides, including broadcast views) on its device. */
    public Tensor copy(Tensor x) { return copy(x, null); }

    /**
     * Copies {@code x} into the contiguous tensor {@code out} of the same dtype and shape.
     *
     * @throws InvalidArgumentException if {@code out} differs in dtype or shape, is strided, or overlaps {@code x}
     */
    public Tensor copy(Tensor x, Tensor out) { return run(Op.COPY, OpAttributes.NONE, out, x); }

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
        FrontDoor.need(Op.MATMUL, "a", a);
        if (options == null) throw new InvalidArgumentException("matmul: options is null; use Matmul.options()");
        return FrontDoor.call(stream, policy, Op.MATMUL, options.attrs(a.dtype()), 2, a, b, options.c(),
                options.bias(), null, out, null);
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
        FrontDoor.need(Op.ATTENTION, "q", q);
        if (options == null) throw new InvalidArgumentException("attention: options is null; use Attention.defaults()");
        AttentionAttrs at = options.attrs(q.rank() == 4 ? q.shape().dim(3) : 0);
        Runnable kvHeads = options.kvHeads() <= 0 ? null : () -> { // once the spec has accepted k's shape
            if (k.shape().dim(1) != options.kvHeads()) {
                throw new InvalidArgumentException("attention: kvHeads(" + options.kvHeads() + ") was asked for but k "
                        + k.shape() + " has " + k.shape().dim(1) + " heads");
            }
        };
        return FrontDoor.call(stream, policy, Op.ATTENTION, at, 3, q, k, v, options.mask(), options.kvLengths(), null,
                kvHeads);
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
        int a = normalise(Op.SOFTMAX, axis, x.rank());
        return run(Op.SOFTMAX, a < CACHED_AXES ? AXES[a] : new AxisAttrs(a), null, x);
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
        NormAttrs at = lastNorm;
        if (at == null || Double.doubleToRawLongBits(at.eps()) != Double.doubleToRawLongBits(eps)
                || at.hasGamma() != (gamma != null) || at.hasBeta() != (beta != null)) {
            lastNorm = at = new NormAttrs(eps, gamma != null, beta != null);
        }
        return FrontDoor.call(stream, policy, op, at, 1, x, gamma, beta, null, null, null, null);
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
        int r = options.rotaryDims() > 0 ? options.rotaryDims() : x.rank() > 0 ? (int) Math.min(x.shape().dim(-1), Integer.MAX_VALUE) : 0;
        RopeAttrs at = new RopeAttrs(options.mode(), options.base(), r, options.start(),
                normalise(op, options.seqAxis(), x.rank()), options.positions() != null);
        return FrontDoor.call(stream, policy, op, at, 1, x, options.positions(), null, null, null, null, null);
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
        return run(op, OpAttributes.NONE, out, a, b);
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

    private Tensor unary(Op op, Tensor x, Tensor out) { return run(op, OpAttributes.NONE, out, x); }

    /** {@code x} converted to {@code dtype} (see {@link DType#setFromDouble} for the rounding rules). */
    public Tensor cast(Tensor x, DType dtype) {
        FrontDoor.need(Op.CAST, "x", x);
        return run(Op.CAST, castTo(dtype), null, x);
    }

    /** {@code x} converted to {@code out}'s dtype, into {@code out}. */
    public Tensor cast(Tensor x, Tensor out) {
        FrontDoor.need(Op.CAST, "x", x);
        FrontDoor.need(Op.CAST, "out", out);
        return run(Op.CAST, castTo(out.dtype()), out, x);
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
        int a = normalise(op, axis, x.rank());
        return run(op, a < CACHED_AXES ? REDUCES[2 * a + (keepDims ? 1 : 0)] : new ReduceAttrs(a, keepDims), null, x);
    }

    private static CastAttrs castTo(DType t) {
        return t == null ? new CastAttrs(null) : CASTS[t.ordinal()]; // the record's check reports the null
    }

    /**
     * Rows of {@code table} ({@code [V, D]}) gathered by {@code ids} (i32/i64, any shape): {@code ids.shape + [D]}.
     * An id outside {@code [0, V)} gives a row of zeros (ids are device data, not checked here).
     */
    public Tensor embedding(Tensor table, Tensor ids) {
        return run(Op.EMBEDDING, OpAttributes.NONE, null, table, ids);
    }
}
