package io.kuaxin.cuda;

import io.kuaxin.DType;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The numbers a dialect's headers give the enums the binding passes or interprets. Built with named setters, each
 * of which takes the header's enumerator name with the number, so {@link #headerValues()} lists every number next
 * to its name and a build-time test compares them with the header subsets in {@code native/include/<family>/} (the
 * single source of truth; their comments carry the sources and V/U/I tags).
 *
 * <p>Immutable and thread-safe. {@link #cuda()} is NVIDIA's table; other dialects start from it with
 * {@link #toBuilder()} or from {@link #builder()}.
 */
public final class DialectEnums {
    /** {@code cudaStreamNonBlocking}: the same in every dialect's header. */
    public static final int STREAM_NON_BLOCKING = 1;
    /** {@code cudaEventDefault} (timing enabled). */
    public static final int EVENT_DEFAULT = 0;

    /** The roles a dialect must fill; {@link Builder#build()} names any that is missing. */
    private enum Role {
        MEMCPY_H2D, MEMCPY_D2H, MEMCPY_D2D, OP_N, OP_T, COMPUTE_F32, COMPUTE_F64, GEMM_ALGO_DEFAULT,
        ERR_MEMORY_ALLOCATION, ERR_NOT_READY, BLAS_ALLOC_FAILED, ATTR_WARP_SIZE, ATTR_MULTIPROCESSOR_COUNT
    }

    private final Map<Role, Integer> roles;
    private final Map<Role, String> roleNames;
    private final Map<DType, Integer> dataTypes;
    private final Map<DType, String> dataTypeNames;
    private final Map<DType, String> unsupportedTypes;
    private final Map<Integer, String> blasStatusNames;
    private final Integer mathModeDefault, mathModeExact;
    private final String mathNameDefault, mathNameExact;
    private final String noExactReduction;
    private final Map<String, Integer> headerValues;

    private DialectEnums(Builder b) {
        this.roles = Collections.unmodifiableMap(new EnumMap<>(b.roles));
        this.roleNames = Collections.unmodifiableMap(new EnumMap<>(b.roleNames));
        this.dataTypes = Collections.unmodifiableMap(new EnumMap<>(b.dataTypes));
        this.dataTypeNames = Collections.unmodifiableMap(new EnumMap<>(b.dataTypeNames));
        this.unsupportedTypes = Collections.unmodifiableMap(new EnumMap<>(b.unsupportedTypes));
        this.blasStatusNames = Map.copyOf(b.blasStatusNames);
        this.mathModeDefault = b.mathModeDefault;
        this.mathModeExact = b.mathModeExact;
        this.mathNameDefault = b.mathNameDefault;
        this.mathNameExact = b.mathNameExact;
        this.noExactReduction = b.noExactReduction;
        this.headerValues = Collections.unmodifiableMap(b.headerValues());
    }

    /** A builder with nothing set. */
    public static Builder builder() { return new Builder(); }

    /** A builder holding this table, to change a few entries. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.roles.putAll(roles);
        b.roleNames.putAll(roleNames);
        b.dataTypes.putAll(dataTypes);
        b.dataTypeNames.putAll(dataTypeNames);
        b.unsupportedTypes.putAll(unsupportedTypes);
        b.blasStatusNames.putAll(blasStatusNames);
        b.mathModeDefault = mathModeDefault;
        b.mathModeExact = mathModeExact;
        b.mathNameDefault = mathNameDefault;
        b.mathNameExact = mathNameExact;
        b.noExactReduction = noExactReduction;
        return b;
    }

    /**
     * NVIDIA CUDA 11+ runtime and cuBLAS (V: CUDA runtime API and cuBLAS docs, public copies of cublas_api.h and
     * library_types.h). The exact reduction mode is {@code CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION}
     * (V: cuBLAS docs; a real H200 with cuBLAS 13.1 reduced split-K partial sums in bf16 without it).
     */
    public static DialectEnums cuda() { return CUDA; }

    private static final DialectEnums CUDA = builder()
            .memcpyHostToDevice("cudaMemcpyHostToDevice", 1)
            .memcpyDeviceToHost("cudaMemcpyDeviceToHost", 2)
            .memcpyDeviceToDevice("cudaMemcpyDeviceToDevice", 3)
            .opN("CUBLAS_OP_N", 0).opT("CUBLAS_OP_T", 1)
            .dataType(DType.F32, "CUDA_R_32F", 0).dataType(DType.F64, "CUDA_R_64F", 1)
            .dataType(DType.F16, "CUDA_R_16F", 2).dataType(DType.BF16, "CUDA_R_16BF", 14)
            .computeF32("CUBLAS_COMPUTE_32F", 68).computeF64("CUBLAS_COMPUTE_64F", 70)
            .gemmAlgoDefault("CUBLAS_GEMM_DEFAULT", -1)
            .errMemoryAllocation("cudaErrorMemoryAllocation", 2).errNotReady("cudaErrorNotReady", 600)
            .blasAllocFailed("CUBLAS_STATUS_ALLOC_FAILED", 3)
            .attrWarpSize("cudaDevAttrWarpSize", 10).attrMultiProcessorCount("cudaDevAttrMultiProcessorCount", 16)
            .blasStatus("CUBLAS_STATUS_SUCCESS", 0).blasStatus("CUBLAS_STATUS_NOT_INITIALIZED", 1)
            .blasStatus("CUBLAS_STATUS_ALLOC_FAILED", 3).blasStatus("CUBLAS_STATUS_INVALID_VALUE", 7)
            .blasStatus("CUBLAS_STATUS_ARCH_MISMATCH", 8).blasStatus("CUBLAS_STATUS_MAPPING_ERROR", 11)
            .blasStatus("CUBLAS_STATUS_EXECUTION_FAILED", 13).blasStatus("CUBLAS_STATUS_INTERNAL_ERROR", 14)
            .blasStatus("CUBLAS_STATUS_NOT_SUPPORTED", 15).blasStatus("CUBLAS_STATUS_LICENSE_ERROR", 16)
            .mathModes("CUBLAS_DEFAULT_MATH", 0, "CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION", 16)
            .build();

    /**
     * cuBLAS before 11 (CUDA 10.2-level layers: Iluvatar CoreX, Hygon DTK's CUDA layer): {@code cublasGemmEx} takes
     * the compute type as a {@code cudaDataType}, so fp32 accumulation is {@code CUDA_R_32F} 0 and fp64
     * {@code CUDA_R_64F} 1 (U: InfiniCore's GEMM for these chips passes {@code CUDA_R_32F}; neither vendor's header
     * was read). There is no {@code CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION} at that level (I: the flag
     * came with cuBLAS 11), so the vendor's own reduction is used.
     */
    public static DialectEnums cudaLegacyCompute() {
        return cuda().toBuilder().computeF32("CUDA_R_32F", 0).computeF64("CUDA_R_64F", 1)
                .noExactReductionSwitch("a CUDA 10.2-level cuBLAS has no CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_"
                        + "REDUCTION flag")
                .build();
    }

    public int memcpyH2D() { return role(Role.MEMCPY_H2D); }

    public int memcpyD2H() { return role(Role.MEMCPY_D2H); }

    public int memcpyD2D() { return role(Role.MEMCPY_D2D); }

    /** BLAS "no transpose". */
    public int opN() { return role(Role.OP_N); }

    /** BLAS "transpose". */
    public int opT() { return role(Role.OP_T); }

    /** Compute type for fp32 accumulation. */
    public int computeF32() { return role(Role.COMPUTE_F32); }

    /** Compute type for fp64 accumulation; only asked for when {@link #dataType}{@code (F64)} is bound. */
    public int computeF64() { return role(Role.COMPUTE_F64); }

    public int gemmAlgoDefault() { return role(Role.GEMM_ALGO_DEFAULT); }

    /** Runtime status meaning "out of memory". */
    public int errMemoryAllocation() { return role(Role.ERR_MEMORY_ALLOCATION); }

    /** Runtime status meaning "not ready" (an answer, not an error). */
    public int errNotReady() { return role(Role.ERR_NOT_READY); }

    /** BLAS status meaning "allocation failed". */
    public int blasAllocFailed() { return role(Role.BLAS_ALLOC_FAILED); }

    public int attrWarpSize() { return role(Role.ATTR_WARP_SIZE); }

    public int attrMultiProcessorCount() { return role(Role.ATTR_MULTIPROCESSOR_COUNT); }

    /** BLAS element type of each dtype the GEMM binding passes. */
    public Map<DType, Integer> dataTypes() { return dataTypes; }

    /** The BLAS element type of {@code t}, or {@code null} if the binding does not pass it. */
    public Integer dataType(DType t) { return dataTypes.get(t); }

    /** Why GEMM does not take {@code t} on this dialect although the element type exists, or {@code null}. */
    public String unsupportedGemmType(DType t) { return unsupportedTypes.get(t); }

    /** BLAS status → enumerator name: the fallback message where the BLAS has no status-string function. */
    public Map<Integer, String> blasStatusNames() { return blasStatusNames; }

    /** The BLAS status's enumerator name, or {@code STATUS_<code>}. */
    public String blasStatusName(int status) {
        String n = blasStatusNames.get(status);
        return n != null ? n : "STATUS_" + status;
    }

    /** Whether the BLAS has a math mode that forbids reducing partial sums in a narrower output type. */
    public boolean hasExactReductionSwitch() { return mathModeExact != null; }

    /** The math mode that keeps every reduction in the compute type; only if {@link #hasExactReductionSwitch}. */
    public int mathModeExact() { return Objects.requireNonNull(mathModeExact, "no exact reduction mode"); }

    /** The vendor's default math mode (reduced reduction allowed); only if {@link #hasExactReductionSwitch}. */
    public int mathModeDefault() { return Objects.requireNonNull(mathModeDefault, "no exact reduction mode"); }

    /** Why the dialect has no exact-reduction switch, or {@code null} if it has one. */
    public String noExactReduction() { return noExactReduction; }

    /** Every header enumerator name the binding relies on, with the number it passes; in insertion order. */
    public Map<String, Integer> headerValues() { return headerValues; }

    private int role(Role r) { return roles.get(r); }

    @Override
    public String toString() { return "DialectEnums" + headerValues; }

    /** Collects a dialect's numbers by name. Not thread-safe. */
    public static final class Builder {
        private final Map<Role, Integer> roles = new EnumMap<>(Role.class);
        private final Map<Role, String> roleNames = new EnumMap<>(Role.class);
        private final Map<DType, Integer> dataTypes = new EnumMap<>(DType.class);
        private final Map<DType, String> dataTypeNames = new EnumMap<>(DType.class);
        private final Map<DType, String> unsupportedTypes = new EnumMap<>(DType.class);
        private final Map<Integer, String> blasStatusNames = new LinkedHashMap<>();
        private Integer mathModeDefault, mathModeExact;
        private String mathNameDefault, mathNameExact;
        private String noExactReduction = "the BLAS has no math mode that forbids reduced-precision reduction";

        private Builder() {}

        private Builder role(Role r, String name, int value) {
            roleNames.put(r, Objects.requireNonNull(name));
            roles.put(r, value);
            return this;
        }

        public Builder memcpyHostToDevice(String name, int v) { return role(Role.MEMCPY_H2D, name, v); }

        public Builder memcpyDeviceToHost(String name, int v) { return role(Role.MEMCPY_D2H, name, v); }

        public Builder memcpyDeviceToDevice(String name, int v) { return role(Role.MEMCPY_D2D, name, v); }

        public Builder opN(String name, int v) { return role(Role.OP_N, name, v); }

        public Builder opT(String name, int v) { return role(Role.OP_T, name, v); }

        public Builder computeF32(String name, int v) { return role(Role.COMPUTE_F32, name, v); }

        public Builder computeF64(String name, int v) { return role(Role.COMPUTE_F64, name, v); }

        public Builder gemmAlgoDefault(String name, int v) { return role(Role.GEMM_ALGO_DEFAULT, name, v); }

        public Builder errMemoryAllocation(String name, int v) { return role(Role.ERR_MEMORY_ALLOCATION, name, v); }

        public Builder errNotReady(String name, int v) { return role(Role.ERR_NOT_READY, name, v); }

        public Builder blasAllocFailed(String name, int v) { return role(Role.BLAS_ALLOC_FAILED, name, v); }

        public Builder attrWarpSize(String name, int v) { return role(Role.ATTR_WARP_SIZE, name, v); }

        public Builder attrMultiProcessorCount(String name, int v) {
            return role(Role.ATTR_MULTIPROCESSOR_COUNT, name, v);
        }

        /** The BLAS element type the GEMM binding passes for {@code t}. */
        public Builder dataType(DType t, String name, int v) {
            dataTypeNames.put(t, Objects.requireNonNull(name));
            dataTypes.put(t, v);
            unsupportedTypes.remove(t);
            return this;
        }

        /** Drops {@code t} from GEMM: {@code reason} says why (e.g. no compute type for it). */
        public Builder unsupportedGemmType(DType t, String reason) {
            dataTypeNames.remove(t);
            dataTypes.remove(t);
            unsupportedTypes.put(t, Objects.requireNonNull(reason));
            if (t == DType.F64) {
                roleNames.remove(Role.COMPUTE_F64);
                roles.remove(Role.COMPUTE_F64);
            }
            return this;
        }

        /** One BLAS status enumerator (names errors where the BLAS has no status-string function). */
        public Builder blasStatus(String name, int v) {
            blasStatusNames.put(v, Objects.requireNonNull(name));
            return this;
        }

        /**
         * BLAS status enumerators numbered {@code first}, {@code first + 1}, ... in the order given, as a C enum
         * without initialisers numbers them.
         */
        public Builder blasStatuses(int first, String... names) {
            for (String n : names) blasStatus(n, first++);
            return this;
        }

        /** Drops BLAS status {@code name}, which the dialect's header does not have. */
        public Builder withoutBlasStatus(String name) {
            if (!blasStatusNames.values().remove(name)) throw new IllegalArgumentException("no BLAS status " + name);
            return this;
        }

        /** Replaces every BLAS status name with the dialect's own. */
        public Builder clearBlasStatuses() {
            blasStatusNames.clear();
            return this;
        }

        /**
         * Respells every name held so far the way a CUDA rename does, numbers unchanged: {@code cuda...} becomes
         * {@code runtimePrefix...}, {@code CUDA_...} becomes the upper-cased runtime prefix, {@code CUBLAS_...} the
         * upper-cased {@code blasPrefix} (for {@code ("musa", "mublas")}: {@code musaMemcpyHostToDevice},
         * {@code MUSA_R_32F}, {@code MUBLAS_OP_N}). A dialect that renames CUDA starts from
         * {@link DialectEnums#cuda()} with this and then sets only the entries whose numbers or names differ.
         *
         * @throws IllegalArgumentException if a name held has none of those prefixes
         */
        public Builder respell(String runtimePrefix, String blasPrefix) {
            String rtUpper = runtimePrefix.toUpperCase(Locale.ROOT) + "_";
            String blasUpper = blasPrefix.toUpperCase(Locale.ROOT) + "_";
            UnaryOperator<String> swap = n -> {
                if (n.startsWith("CUBLAS_")) return blasUpper + n.substring("CUBLAS_".length());
                if (n.startsWith("CUDA_")) return rtUpper + n.substring("CUDA_".length());
                if (n.startsWith("cuda")) return runtimePrefix + n.substring("cuda".length());
                throw new IllegalArgumentException("not a CUDA enumerator name: " + n);
            };
            roleNames.replaceAll((r, n) -> swap.apply(n));
            dataTypeNames.replaceAll((t, n) -> swap.apply(n));
            blasStatusNames.replaceAll((v, n) -> swap.apply(n));
            if (mathNameExact != null) {
                mathNameDefault = swap.apply(mathNameDefault);
                mathNameExact = swap.apply(mathNameExact);
            }
            return this;
        }

        /** The vendor's default math mode and the one that forbids reduced-precision reduction. */
        public Builder mathModes(String defaultName, int defaultValue, String exactName, int exactValue) {
            mathNameDefault = Objects.requireNonNull(defaultName);
            mathNameExact = Objects.requireNonNull(exactName);
            mathModeDefault = defaultValue;
            mathModeExact = exactValue;
            noExactReduction = null;
            return this;
        }

        /** The BLAS has no exact-reduction math mode: {@code reason} says why, for provenance and docs. */
        public Builder noExactReductionSwitch(String reason) {
            mathNameDefault = mathNameExact = null;
            mathModeDefault = mathModeExact = null;
            noExactReduction = Objects.requireNonNull(reason);
            return this;
        }

        /** name → number for every entry; a name bound to two numbers is an error. */
        private Map<String, Integer> headerValues() {
            Map<String, Integer> m = new LinkedHashMap<>();
            roles.forEach((r, v) -> put(m, roleNames.get(r), v));
            dataTypes.forEach((t, v) -> put(m, dataTypeNames.get(t), v));
            blasStatusNames.forEach((v, n) -> put(m, n, v));
            if (mathNameExact != null) {
                put(m, mathNameDefault, mathModeDefault);
                put(m, mathNameExact, mathModeExact);
            }
            return m;
        }

        private static void put(Map<String, Integer> m, String name, int v) {
            Integer old = m.put(name, v);
            if (old != null && old != v) throw new IllegalStateException(name + " is given both " + old + " and " + v);
        }

        /**
         * The table.
         *
         * @throws IllegalStateException naming every role left unset
         */
        public DialectEnums build() {
            java.util.List<Role> missing = new java.util.ArrayList<>();
            for (Role r : Role.values()) {
                if (!roles.containsKey(r) && !(r == Role.COMPUTE_F64 && !dataTypes.containsKey(DType.F64))) {
                    missing.add(r);
                }
            }
            if (!missing.isEmpty()) throw new IllegalStateException("dialect enums without " + missing);
            return new DialectEnums(this);
        }
    }
}
