package io.kuaxin;

import io.kuaxin.op.RopeMode;

/**
 * Options of {@link Ops#rope(Tensor, Rope)}, rotary position embedding. Immutable. Semantics:
 * {@link io.kuaxin.op.RopeAttrs}.
 *
 * {@snippet :
 * Tensor q2 = Ops.rope(q, Rope.halfSplit().base(500000).start(cacheLen));   // [B, H, L, D], positions from cacheLen
 * Tensor k2 = Ops.rope(k, Rope.interleaved().positions(pos));               // pos: i32/i64 broadcast to [B, H, L]
 * }
 */
public final class Rope {
    private final RopeMode mode;
    private final double base;
    private final int rotaryDims;
    private final long start;
    private final int seqAxis;
    private final Tensor positions;

    private Rope(RopeMode mode, double base, int rotaryDims, long start, int seqAxis, Tensor positions) {
        this.mode = mode;
        this.base = base;
        this.rotaryDims = rotaryDims;
        this.start = start;
        this.seqAxis = seqAxis;
        this.positions = positions;
    }

    /** Pairs (2i, 2i+1); base 10000; positions 0.. along axis -2. */
    public static Rope interleaved() { return new Rope(RopeMode.INTERLEAVED, 10000, 0, 0, -2, null); }

    /** Pairs (i, i + r/2) (Hugging Face {@code rotate_half}); base 10000; positions 0.. along axis -2. */
    public static Rope halfSplit() { return new Rope(RopeMode.HALF_SPLIT, 10000, 0, 0, -2, null); }

    /** θ (default 10000). */
    public Rope base(double theta) { return new Rope(mode, theta, rotaryDims, start, seqAxis, positions); }

    /** Rotate only the first {@code r} elements of each head vector (default: all of them). */
    public Rope rotaryDims(int r) { return new Rope(mode, base, r, start, seqAxis, positions); }

    /** Position of index 0 along the sequence axis (e.g. the KV cache length when decoding). */
    public Rope start(long s) { return new Rope(mode, base, rotaryDims, s, seqAxis, positions); }

    /** The sequence axis (default -2, as in {@code [B, H, L, D]}; use -3 for {@code [B, L, H, D]}). */
    public Rope seqAxis(int axis) { return new Rope(mode, base, rotaryDims, start, axis, positions); }

    /** Explicit positions (i32/i64, broadcast to x's shape without its last dimension); overrides start. */
    public Rope positions(Tensor p) { return new Rope(mode, base, rotaryDims, start, seqAxis, p); }

    public RopeMode mode() { return mode; }

    public double base() { return base; }

    /** The rotary width, or 0 for all of D. */
    public int rotaryDims() { return rotaryDims; }

    public long start() { return start; }

    public int seqAxis() { return seqAxis; }

    public Tensor positions() { return positions; }

    @Override
    public String toString() {
        return "Rope{" + mode + ", base=" + base + (rotaryDims > 0 ? ", rotaryDims=" + rotaryDims : "")
                + (positions != null ? ", positions" : ", start=" + start + ", seqAxis=" + seqAxis) + "}";
    }
}
