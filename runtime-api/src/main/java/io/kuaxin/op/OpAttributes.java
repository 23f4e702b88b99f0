package io.kuaxin.op;

/** Marker for the attribute record of an op (transposes, epsilon, axis, ...). */
public interface OpAttributes {
    /** For ops without attributes. */
    OpAttributes NONE = new OpAttributes() {
        @Override
        public String toString() { return "{}"; }
    };
}
