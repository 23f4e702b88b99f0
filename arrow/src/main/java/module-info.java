/**
 * Apache Arrow vectors and the Arrow C Data Interface to and from Kuaxin tensors, without copies wherever the device
 * reads host memory.
 */
module io.kuaxin.arrow {
    requires transitive io.kuaxin.runtime;
    requires transitive org.apache.arrow.vector;
    requires transitive org.apache.arrow.memory.core;

    exports io.kuaxin.arrow;
}
