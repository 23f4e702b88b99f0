package io.kuaxin.op;

/**
 * Attributes of {@link Op#SOFTMAX}: the axis, normalised to {@code [0, rank)} by the front door.
 */
public record AxisAttrs(int axis) implements OpAttributes {}
