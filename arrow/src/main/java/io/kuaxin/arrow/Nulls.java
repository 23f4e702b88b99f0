package io.kuaxin.arrow;

/** What {@link ArrowTensors#toTensor} does with null slots (Arrow's validity bitmap). */
public enum Nulls {
    /** A vector with any null is refused with {@link io.kuaxin.InvalidArgumentException} naming the first one. */
    REJECT,
    /**
     * The values are taken as stored (a null slot holds whatever its producer wrote there, usually 0); get the mask
     * from {@link ArrowTensors#validityMask} to tell them apart.
     */
    AS_STORED
}
