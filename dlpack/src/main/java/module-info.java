/** DLPack 1.x: Kuaxin tensors exported as and imported from {@code DLManagedTensorVersioned}, through the FFM API. */
module io.kuaxin.dlpack {
    requires transitive io.kuaxin.runtime;

    exports io.kuaxin.dlpack;
}
