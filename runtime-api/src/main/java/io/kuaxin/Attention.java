package io.kuaxin;

import io.kuaxin.op.AttentionAttrs;

/**
 * Options of {@link Ops#attention(Tensor, Tensor, Tensor, Attention)}, scaled dot-product attention. Immutable in
 * what it describes (each method returns a changed copy) and safe to share between threads. Semantics:
 * {@link io.kuaxin.op.AttentionAttrs}.
 *
 * {@snippet :
 * Tensor o = Ops.attention(q, k, v, Attention.causal());                       // prefill
 * Tensor o1 = Ops.attention(q1, kCache.slice(2, 0, n), vCache.slice(2, 0, n), Attention.causal()); // decode
 * Tensor o2 = Ops.attention(q, k, v, Attention.defaults().kvLengths(lens).kvHeads(2));
 * }
 */
public final class Attention {
    private static final Attention DEFAULTS = new Attention(Float.NaN, false, null, null, 0);

    private final float scale;
    private final boolean causal;
    private final Tensor mask, kvLengths;
    private final int kvHeads;
    /**
     * The attribute record of the last call, reused while its scale fits (as {@code Matmul}'s): read once, compared
     * by value, replaced when it does not fit; a record's final fields make the unsynchronised read safe.
     */
    private AttentionAttrs attrs;

    private Attention(float scale, boolean causal, Tensor mask, Tensor kvLengths, int kvHeads) {
        this.scale = scale;
        this.causal = causal;
        this.mask = mask;
        this.kvLengths = kvLengths;
        this.kvHeads = kvHeads;
    }

    /** The attribute record for these options with a query of head size {@code d} (for the default scale). */
    AttentionAttrs attrs(long d) {
        float s = !Float.isNaN(scale) ? scale : d > 0 ? (float) (1 / Math.sqrt(d)) : 1f;
        AttentionAttrs at = attrs;
        if (at == null || Float.floatToRawIntBits(at.scale()) != Float.floatToRawIntBits(s)) {
            attrs = at = new AttentionAttrs(s, causal, mask != null, kvLengths != null);
        }
        return at;
    }

    /** Not causal, scale {@code 1/√D}, no mask, every key valid. */
    public static Attention defaults() { return DEFAULTS; }

    /** Causal, aligned to the end of the key sequence (so decode with one query sees the whole cache). */
    public static Attention causal() { return DEFAULTS.withCausal(true); }

    public Attention withCausal(boolean c) { return new Attention(scale, c, mask, kvLengths, kvHeads); }

    /** The score scale (default {@code 1/√D}). */
    public Attention scale(float s) { return new Attention(s, causal, mask, kvLengths, kvHeads); }

    /** An additive mask, any float dtype, broadcastable to {@code [B, Hq, Lq, Lkv]}. */
    public Attention mask(Tensor m) { return new Attention(scale, causal, m, kvLengths, kvHeads); }

    /** Valid key counts per batch entry: i32 {@code [B]} (varlen, padded caches). */
    public Attention kvLengths(Tensor lens) { return new Attention(scale, causal, mask, lens, kvHeads); }

    /** Asserts the number of KV heads (k's dimension 1); 0 (default) checks nothing. */
    public Attention kvHeads(int n) { return new Attention(scale, causal, mask, kvLengths, n); }

    public boolean isCausal() { return causal; }

    /** The scale, or NaN for the default {@code 1/√D}. */
    public float scale() { return scale; }

    public Tensor mask() { return mask; }

    public Tensor kvLengths() { return kvLengths; }

    public int kvHeads() { return kvHeads; }

    @Override
    public String toString() {
        return "Attention{causal=" + causal + (Float.isNaN(scale) ? "" : ", scale=" + scale)
                + (mask != null ? ", mask" : "") + (kvLengths != null ? ", kvLengths" : "")
                + (kvHeads > 0 ? ", kvHeads=" + kvHeads : "") + "}";
    }
}
