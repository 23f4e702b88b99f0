package io.kuaxin;

/**
 * What an op does when its device cannot run it. Never silent: with {@link #WARN} a warning is logged once per
 * op and device, and every result records which device and kernel produced it ({@link Tensor#provenance()}).
 */
public enum FallbackPolicy {
    /** Throw {@link UnsupportedOpException}. The default: a broken device must not hide behind the CPU. */
    FAIL,
    /** Run on the fallback device (CPU) and log a warning once per op and device. */
    WARN,
    /** Run on the fallback device quietly; provenance still records it. */
    ALLOW
}
