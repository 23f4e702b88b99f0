package io.kuaxin;

/**
 * The ops front door: one call for every device. Each op validates its arguments, allocates its outputs on the
 * inputs' device (owned by the first input's {@link Scope}, if any), enqueues on that device's default stream and
 * returns without waiting. For explicit streams and fallback policies use {@link #on(Stream)} and
 * {@link #withFallback(FallbackPolicy)}, which return an {@link OpContext} with the same ops.
 *
 * <p>Thread-safe.
 */
public final class Ops {
    private Ops() {}

    /** A context enqueueing on {@code stream}. */
    public static OpContext on(Stream stream) { return OpContext.DEFAULT.on(stream); }

    /** A context with fallback policy {@code policy}. */
    public static OpContext withFallback(FallbackPolicy policy) { return OpContext.DEFAULT.withFallback(policy); }

    /** A contiguous copy of {@code x}. */
    public static Tensor copy(Tensor x) { return OpContext.DEFAULT.copy(x); }
}
