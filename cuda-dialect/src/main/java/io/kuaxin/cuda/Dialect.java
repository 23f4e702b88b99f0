package io.kuaxin.cuda;

import java.util.List;

/**
 * What distinguishes one CUDA-like backend from another. One binding ({@link CudaDialectProvider}) serves every
 * runtime that clones the CUDA runtime and BLAS APIs; a backend module contributes only its dialect.
 *
 * <p>A backend may speak several API spellings (Hygon's DTK ships a verbatim-CUDA layer and HIP): they are its
 * {@link #variants()}, tried in order at probe time; the first whose libraries load, whose symbols all bind and
 * whose runtime answers wins, and {@code Availability.details} says which one bound.
 *
 * @param name     backend name used in device specs, e.g. {@code musa}
 * @param aliases  other accepted names
 * @param vendor   the vendor, for reports
 * @param variants API spellings in the order they are tried; at least one
 */
public record Dialect(String name, List<String> aliases, String vendor, List<Variant> variants) {
    public Dialect {
        aliases = List.copyOf(aliases);
        variants = List.copyOf(variants);
        if (variants.isEmpty()) throw new IllegalArgumentException(name + ": a dialect needs at least one variant");
    }

    /**
     * One spelling of the CUDA runtime + BLAS API.
     *
     * @param id                     short id for reports and {@code kuaxin.<backend>.variant}, e.g. {@code hip}
     * @param description            one line, e.g. {@code DTK CUDA layer (verbatim CUDA names)}
     * @param visibleDevicesVariable the runtime's visible-devices variable
     * @param emulator               Kuaxin emulator serving this spelling: {@code libkuaxin-emu-<emulator>.so}
     * @param libraries              runtime, BLAS and (optional) driver libraries and where to look for them
     * @param names                  how the canonical CUDA names are spelt here
     * @param enums                  numeric values of the enums the binding passes
     * @param hostAlloc              argument shape of the pinned host allocator
     * @param copyOrder              argument order of the async memcpy
     */
    public record Variant(String id, String description, String visibleDevicesVariable, String emulator,
                          List<VendorLibrary> libraries, SymbolNames names, DialectEnums enums,
                          HostAlloc hostAlloc, CopyOrder copyOrder) {
        public Variant {
            libraries = List.copyOf(libraries);
        }

        /** The library playing {@code role}, or {@code null} if this spelling has none. */
        public VendorLibrary library(VendorLibrary.Role role) {
            for (VendorLibrary l : libraries) if (l.role() == role) return l;
            return null;
        }
    }

    /** Argument shape of the pinned-host allocator (an argument adapter). */
    public enum HostAlloc {
        /** {@code cudaMallocHost(void** p, size_t n)}. */
        PTR_SIZE,
        /** {@code hipHostMalloc(void** p, size_t n, unsigned flags)}; Kuaxin passes flags 0 (default). */
        PTR_SIZE_FLAGS
    }

    /** Argument order of the async memcpy (an argument adapter). */
    public enum CopyOrder {
        /** CUDA's {@code (dst, src, n, kind, stream)}; also HIP, MUSA and Biren's current {@code supa*}. */
        KIND_THEN_STREAM,
        /** Biren's legacy {@code su*} API: {@code suMemcpyAsync(dst, src, n, stream, kind)}; no bound dialect uses it. */
        STREAM_THEN_KIND
    }
}
