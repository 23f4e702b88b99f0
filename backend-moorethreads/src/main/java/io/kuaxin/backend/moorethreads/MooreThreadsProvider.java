package io.kuaxin.backend.moorethreads;

import io.kuaxin.cuda.CudaDialectProvider;
import io.kuaxin.cuda.Dialect;
import io.kuaxin.cuda.DialectEnums;
import io.kuaxin.cuda.SymbolNames;
import io.kuaxin.cuda.VendorLibrary;

import java.util.List;
import java.util.Map;

import static io.kuaxin.cuda.VendorLibrary.Role.BLAS;
import static io.kuaxin.cuda.VendorLibrary.Role.DRIVER;
import static io.kuaxin.cuda.VendorLibrary.Role.RUNTIME;

/**
 * The Moore Threads backend ({@code musa}, aliases {@code moorethreads}, {@code mthreads}): MUSA is a
 * {@code cuda→musa}, {@code cu→mu}, {@code cublas→mublas} rename (V: ggml vendors/musa.h), whose muBLAS mixes
 * hipBLAS-style op enums (111/112, V-cs) with cuBLAS compute types (68, V-cs), has algo default 0 (V-cs), and
 * exports the compute-type {@code mublasGemmEx} only under its C++-mangled name (V-cs). Libraries in
 * {@code $MUSA_HOME/lib} (not lib64, U).
 */
public final class MooreThreadsProvider extends CudaDialectProvider {
    private static final List<String> ROOTS = List.of("${MUSA_HOME}", "${MUSA_PATH}", "${MUSA_ROOT}",
            "/usr/local/musa", "/opt/musa");

    /** The compute-type overloads (C++ linkage). GemmEx: V-cs; StridedBatchedEx: I (computed with g++). */
    static final String GEMM_EX = "_Z12mublasGemmExP15_mublasHandle_t17mublasOperation_tS1_iiiPKvS3_14musaDataType_"
            + "tiS3_S4_iS3_PvS4_i19mublasComputeType_t16mublasGemmAlgo_t";
    static final String GEMM_SB = "_Z26mublasGemmStridedBatchedExP15_mublasHandle_t17mublasOperation_tS1_iiiPKvS3_"
            + "14musaDataType_tixS3_S4_ixS3_PvS4_ixi19mublasComputeType_t16mublasGemmAlgo_t";

    /**
     * CUDA's table respelt, then muBLAS's differences. musaMemcpyKind 1/2/3 (U+); MUBLAS_OP_N/T 111/112 (V-cs);
     * MUSA_R_16F 2, 16BF 14 (V-cs), 32F 0 (U), 64F 1 (I); MUBLAS_COMPUTE_32F 68 (V-cs), 64F 70 (U); MUBLAS_GEMM_DEFAULT 0 (V-cs); musaErrorMemoryAllocation 2,
     * musaErrorNotReady 600, attributes 10/16 (I: CUDA's numbers); mublasStatus_t SUCCESS 0 (V-cs), the rest
     * rocBLAS-style (I). muBLAS's math modes seen in public code (MUBLAS_DEFAULT_MATH, MUBLAS_TENSOR_OP_MATH,
     * MUBLAS_MATH_MODE_TP32_TENSOR; torch_musa, PaddleCustomDevice) include no reduced-precision-reduction flag.
     */
    static final DialectEnums ENUMS = DialectEnums.cuda().toBuilder().respell("musa", "mublas")
            .opN("MUBLAS_OP_N", 111).opT("MUBLAS_OP_T", 112)
            .gemmAlgoDefault("MUBLAS_GEMM_DEFAULT", 0)
            .blasAllocFailed("MUBLAS_STATUS_MEMORY_ERROR", 5)
            .clearBlasStatuses()
            .blasStatuses(0, "MUBLAS_STATUS_SUCCESS", "MUBLAS_STATUS_INVALID_HANDLE", "MUBLAS_STATUS_NOT_IMPLEMENTED",
                    "MUBLAS_STATUS_INVALID_POINTER", "MUBLAS_STATUS_INVALID_SIZE", "MUBLAS_STATUS_MEMORY_ERROR",
                    "MUBLAS_STATUS_INTERNAL_ERROR")
            .blasStatus("MUBLAS_STATUS_INVALID_VALUE", 11)
            .noExactReductionSwitch("muBLAS has no math mode that forbids reduced-precision reduction")
            .build();

    static final SymbolNames NAMES = new SymbolNames("musa", "mublas", "mu", false, Map.of(
            "cublasGemmEx", GEMM_EX,
            // the mangled overload if the SDK has one, else the plain name (same ABI in the emulator; I)
            "cublasGemmStridedBatchedEx", GEMM_SB + "|mublasGemmStridedBatchedEx",
            "cublasGetStatusString", "mublasStatus_to_string"));

    static final Dialect DIALECT = new Dialect("musa", List.of("moorethreads", "mthreads"), "Moore Threads",
            List.of(new Dialect.Variant("musa", "MUSA runtime + muBLAS", "MUSA_VISIBLE_DEVICES", "musa",
                    List.of(VendorLibrary.of(RUNTIME, List.of("libmusart.so", "libmusart.so.5", "libmusart.so.4"),
                                    ROOTS),
                            VendorLibrary.of(BLAS, List.of("libmublas.so"), ROOTS),
                            VendorLibrary.optional(DRIVER, List.of("libmusa.so", "libmusa.so.1.0", "libmusa.so.1"),
                                    ROOTS)),
                    NAMES, ENUMS, Dialect.HostAlloc.PTR_SIZE, Dialect.CopyOrder.KIND_THEN_STREAM)));

    public MooreThreadsProvider() {
        super(DIALECT);
    }
}
