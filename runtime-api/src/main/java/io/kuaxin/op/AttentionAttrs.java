package io.kuaxin.op;

/**
 * Attributes of {@link Op#ATTENTION}: {@code out = softmax(scale·Q·Kᵀ + mask)·V} per (batch, query head).
 * Inputs, in order: {@code q}, {@code k}, {@code v}, then {@code mask} if {@link #hasMask}, then {@code kvLens} if
 * {@link #hasKvLens}.
 *
 * <p>Semantics every backend implements: query head {@code h} reads KV head {@code h / (Hq / Hkv)} (GQA/MQA).
 * Batch {@code b} has {@code n = min(max(kvLens[b], 0), Lkv)} valid keys ({@code Lkv} without kvLens); keys
 * {@code j >= n} are ignored. With {@code causal}, query {@code i} also ignores keys {@code j > i + n - Lq}: the
 * diagonal is aligned to the end of the valid keys, so a decode step ({@code Lq = 1}) sees the whole cache.
 * A query that sees no key with a finite score yields zeros.
 *
 * @param scale     multiplies Q·Kᵀ (finite); the front door's default is {@code 1/√D}
 * @param causal    apply the end-aligned causal mask
 * @param hasMask   an additive mask input broadcastable to {@code [B, Hq, Lq, Lkv]} is given
 * @param hasKvLens an I32 {@code [B]} input of valid key counts is given (varlen / padded KV cache)
 */
public record AttentionAttrs(float scale, boolean causal, boolean hasMask, boolean hasKvLens) implements OpAttributes {
    public AttentionAttrs {
        Attrs.finite("attention", "scale", scale);
    }

    public int maskIndex() { return hasMask ? 3 : -1; }

    public int kvLensIndex() { return hasKvLens ? (hasMask ? 4 : 3) : -1; }
}
