package io.kuaxin.cuda;

import java.util.List;

/**
 * What distinguishes one CUDA-like runtime from another. One binding ({@link CudaDialectProvider}) serves every
 * runtime that clones the CUDA runtime and BLAS APIs; a backend module contributes only its dialect.
 *
 * @param name                  backend name used in device specs, e.g. {@code musa}
 * @param aliases               other accepted names
 * @param vendor                the vendor
 * @param visibleDevicesVariable the runtime's visible-devices variable
 */
public record Dialect(String name, List<String> aliases, String vendor, String visibleDevicesVariable) {
    public Dialect {
        aliases = List.copyOf(aliases);
    }
}
