package io.kuaxin.cuda;

import java.util.Map;

/**
 * How a dialect spells the canonical CUDA names the binding uses. Canonical names are NVIDIA's exported symbols
 * ({@code cudaMalloc}, {@code cublasCreate_v2}, {@code cuDeviceGetName}); a dialect swaps the prefix of each family
 * and lists the exceptions (HIP's {@code hipHostMalloc}, muBLAS's C++-mangled {@code mublasGemmEx}, ...).
 *
 * @param runtimePrefix replaces {@code cuda} (e.g. {@code hip}, {@code musa}, {@code supa})
 * @param blasPrefix    replaces {@code cublas} (e.g. {@code hipblas})
 * @param driverPrefix  replaces {@code cu} in driver names (e.g. {@code mu}; {@code hip} for HIP's runtime-side
 *                      {@code hipDeviceGetName})
 * @param blasV2Suffix  whether the BLAS keeps cuBLAS's {@code _v2} export suffix on create/destroy/set-stream
 * @param renames       canonical name → vendor symbol, for everything that is not a plain prefix swap
 */
public record SymbolNames(String runtimePrefix, String blasPrefix, String driverPrefix, boolean blasV2Suffix,
                          Map<String, String> renames) {
    /** NVIDIA's own spelling, also Iluvatar CoreX's and Hygon DTK's CUDA layer's. */
    public static final SymbolNames CUDA = new SymbolNames("cuda", "cublas", "cu", true, Map.of());

    public SymbolNames {
        renames = Map.copyOf(renames);
    }

    /** The vendor symbol for canonical CUDA name {@code cudaName}: the last of {@link #candidates}. */
    public String symbol(String cudaName) {
        java.util.List<String> c = candidates(cudaName);
        return c.getLast();
    }

    /**
     * The symbols to try for {@code cudaName}, in order: a rename may list alternatives separated by {@code |}
     * (e.g. a C++-mangled overload first, the plain C name last); the binder takes the first that exists and
     * requires the last.
     */
    public java.util.List<String> candidates(String cudaName) {
        String r = renames.get(cudaName);
        return r != null ? java.util.List.of(r.split("\\|")) : java.util.List.of(swap(cudaName));
    }

    private String swap(String cudaName) {
        if (cudaName.startsWith("cublas")) {
            String rest = cudaName.substring("cublas".length());
            if (!blasV2Suffix && rest.endsWith("_v2")) rest = rest.substring(0, rest.length() - 3);
            return blasPrefix + rest;
        }
        if (cudaName.startsWith("cuda")) return runtimePrefix + cudaName.substring("cuda".length());
        if (cudaName.startsWith("cu")) return driverPrefix + cudaName.substring("cu".length());
        throw new IllegalArgumentException("not a canonical CUDA name: " + cudaName);
    }
}
