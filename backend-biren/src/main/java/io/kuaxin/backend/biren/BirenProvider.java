package io.kuaxin.backend.biren;

import io.kuaxin.DType;
import io.kuaxin.cuda.CudaDialectProvider;
import io.kuaxin.cuda.Dialect;
import io.kuaxin.cuda.DialectEnums;
import io.kuaxin.cuda.SymbolNames;
import io.kuaxin.cuda.VendorLibrary;

import java.util.List;
import java.util.Map;

import static io.kuaxin.cuda.VendorLibrary.Role.BLAS;
import static io.kuaxin.cuda.VendorLibrary.Role.RUNTIME;

/**
 * The Biren backend ({@code biren}, alias {@code supa}): the current BIRENSUPA runtime is a {@code cuda→supa}
 * rename in CUDA argument order (V: torch-supa; the legacy {@code su*} API with the stream before the copy kind is
 * not bound), with a cuBLAS-shaped suBLAS (V library, U call site). Every numeric value is CUDA's/cuBLAS's (I), the
 * runtime's file name ({@code libsupart.so} V, {@code libsupa-runtime.so} U) and {@code SUPA_VISIBLE_DEVICES} (I).
 * SUPA exposes no C device-naming call that Kuaxin binds (no driver API; the properties struct is not bound), so
 * devices are named generically. Roots: {@code $BIREN_HOME/supa}, {@code $SUPA_PATH} (V: torch-supa cmake),
 * {@code $SUPA_HOME} (I), {@code /usr/local/birensupa/sdk/latest/supa} (V) and {@code /usr/local/supa} (V, older
 * sucl SDKs).
 */
public final class BirenProvider extends CudaDialectProvider {
    private static final List<String> RUNTIME_ROOTS = List.of("${BIREN_HOME}/supa", "${SUPA_PATH}", "${SUPA_HOME}",
            "/usr/local/birensupa/sdk/latest/supa", "/usr/local/supa");
    private static final List<String> BLAS_ROOTS = List.of("${BIREN_HOME}/sublas", "${SUPA_PATH}",
            "/usr/local/birensupa/sdk/latest/sublas", "/usr/local/supa");

    /**
     * CUDA's runtime numbers with {@code supa} names and cuBLAS's BLAS numbers with {@code SUBLAS_} names (I), less
     * cuBLAS's licence-error status.
     * suBLAS's documented compute types are 16F, 16BF, 32F, 32F_FAST_16BF and 32F_FAST_TF32, "only 32F and
     * 32F_FAST_TF32 supported" (V: suBLAS docs; torch-supa passes SUBLAS_COMPUTE_32F): there is no 64F, so f64
     * GEMM is unsupported. No math mode that forbids reduced-precision reduction is documented.
     */
    static final DialectEnums ENUMS = DialectEnums.cuda().toBuilder().respell("supa", "sublas")
            .unsupportedGemmType(DType.F64, "suBLAS documents no 64F compute type (only 32F and 32F_FAST_TF32 are"
                    + " supported), so sublasGemmEx has no f64 GEMM")
            .withoutBlasStatus("SUBLAS_STATUS_LICENSE_ERROR")
            .noExactReductionSwitch("suBLAS documents no math mode that forbids reduced-precision reduction")
            .build();

    /** The module API in the runtime, spelt like HIP's runtime-side calls with the supa prefix (I: no public header). */
    static final Map<String, String> MODULE_NAMES = Map.of("cuModuleLoadData", "supaModuleLoadData",
            "cuModuleGetFunction", "supaModuleGetFunction", "cuModuleUnload", "supaModuleUnload",
            "cuLaunchKernel", "supaModuleLaunchKernel");

    static final Dialect DIALECT = new Dialect("biren", List.of("supa"), "Biren", List.of(
            new Dialect.Variant("supa", "BIRENSUPA runtime (supa*) + suBLAS", "SUPA_VISIBLE_DEVICES", "supa",
                    List.of(VendorLibrary.of(RUNTIME, List.of("libsupart.so", "libsupa-runtime.so"), RUNTIME_ROOTS),
                            VendorLibrary.of(BLAS, List.of("libsublas.so"), BLAS_ROOTS)),
                    new SymbolNames("supa", "sublas", "su", false, MODULE_NAMES), ENUMS, Dialect.HostAlloc.PTR_SIZE,
                    Dialect.CopyOrder.KIND_THEN_STREAM)));

    public BirenProvider() {
        super(DIALECT);
    }
}
