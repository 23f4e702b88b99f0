package io.kuaxin.backend.biren;

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

    /** cuBLAS's numbers with SUBLAS_ names (I). */
    private static final Map<Integer, String> SUBLAS_STATUS = Map.of(0, "SUBLAS_STATUS_SUCCESS",
            1, "SUBLAS_STATUS_NOT_INITIALIZED", 3, "SUBLAS_STATUS_ALLOC_FAILED", 7, "SUBLAS_STATUS_INVALID_VALUE",
            8, "SUBLAS_STATUS_ARCH_MISMATCH", 11, "SUBLAS_STATUS_MAPPING_ERROR", 13, "SUBLAS_STATUS_EXECUTION_FAILED",
            14, "SUBLAS_STATUS_INTERNAL_ERROR", 15, "SUBLAS_STATUS_NOT_SUPPORTED");

    static final DialectEnums ENUMS;

    static {
        DialectEnums c = DialectEnums.cuda();
        ENUMS = new DialectEnums(c.memcpyH2D(), c.memcpyD2H(), c.memcpyD2D(), c.opN(), c.opT(), c.dataTypes(),
                c.computeF32(), c.computeF64(), c.gemmAlgoDefault(), c.errMemoryAllocation(), c.errNotReady(),
                c.blasAllocFailed(), c.attrWarpSize(), c.attrMultiProcessorCount(), SUBLAS_STATUS);
    }

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
