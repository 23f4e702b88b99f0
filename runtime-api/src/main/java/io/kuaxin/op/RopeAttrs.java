package io.kuaxin.op;

/**
 * Attributes of {@link Op#ROPE}, rotary position embedding over the last dimension of {@code x}. Inputs:
 * {@code x}, then {@code positions} if {@link #hasPositions}.
 *
 * <p>For rotary width {@code r} ({@code rotaryDims}, even, {@code <= D}) and pair index {@code i < r/2}, the angle
 * is {@code pos · base^(-2i/r)}; pairs are chosen by {@code mode}; elements at or past {@code r} are copied. The
 * position of an element is {@code positions[...]} (broadcast against {@code x}'s shape without its last dimension)
 * or, without positions, {@code start + } its index along {@code seqAxis}.
 *
 * @param mode         how elements are paired
 * @param base         θ, e.g. 10000 (finite, {@code > 0})
 * @param rotaryDims   rotary width, resolved ({@code > 0}, even, {@code <= D})
 * @param start        position of index 0 along {@code seqAxis} when no positions are given
 * @param seqAxis      normalised axis of the sequence (not the last)
 * @param hasPositions whether a positions input (I32 or I64) is given
 */
public record RopeAttrs(RopeMode mode, double base, int rotaryDims, long start, int seqAxis, boolean hasPositions)
        implements OpAttributes {
    public RopeAttrs {
        Attrs.nonNull("rope", "mode", mode);
        Attrs.finite("rope", "base", base);
        if (base <= 0) throw new io.kuaxin.InvalidArgumentException("rope: base must be > 0, was " + base);
    }
}
