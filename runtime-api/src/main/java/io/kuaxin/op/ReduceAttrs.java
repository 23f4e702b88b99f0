package io.kuaxin.op;

/**
 * Attributes of {@link Op#SUM}, {@link Op#MAX}, {@link Op#MEAN} and {@link Op#ARGMAX}.
 *
 * @param axis     the reduced axis, normalised to {@code [0, rank)} by the front door
 * @param keepDims keep the reduced axis with extent 1
 */
public record ReduceAttrs(int axis, boolean keepDims) implements OpAttributes {}
